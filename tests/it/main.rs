//! factdesk's integration tests, as one binary (one link, one process):
//! a real server on 127.0.0.1:0 over a real sled database on disk, real
//! clients, the real `factdesk` binary, real grpcurl and the real data.
//!
//! The tests run on parallel threads of this one process, so none sets
//! process-wide state (environment variables, the working directory) or
//! assumes a fixed port: servers listen on 127.0.0.1:0, and child processes
//! get exactly the environment a test gives them (`harness::process`).

mod backup;
mod budgets;
mod checkthat;
mod claimreview;
mod claims;
mod cli;
mod compact;
mod connections;
mod consistency;
mod crash;
mod diskfull;
mod exhaustion;
mod grpcurl;
mod harness;
mod hostile;
mod index_file;
mod lifecycle;
mod limits_doc;
mod logs;
mod logsink;
mod metrics;
mod paraphrase;
mod posts;
mod raw_http2;
mod reviews;
mod security;
mod semantic;
mod stance;
mod statements;
mod transcript_cli;
mod transcripts;
mod updates;
mod verdicts;
