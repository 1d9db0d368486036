//! factdesk's integration tests, as one binary (one link, one process):
//! a real server on 127.0.0.1:0 over a real sled database on disk, real
//! clients, the real `factdesk` binary, real grpcurl and the real data.

mod checkthat;
mod claims;
mod cli;
mod crash;
mod grpcurl;
mod harness;
mod hostile;
mod security;
mod semantic;
mod stance;
mod statements;
