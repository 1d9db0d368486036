//! factdesk: a gRPC service that checks claims against a library of sourced
//! statements. ARCHITECTURE.md walks through the life of a check and of an
//! import, module by module.
//!
//! Layout, with dependencies pointing one way
//! (`cli → server → service → library → {check, index, store} → model → text`):
//!
//! - [`text`]: normalisation, tokenising, stemming, CJK bigrams, quantities.
//! - [`model`]: domain types (statements, claims, matches, stance reasons),
//!   validation, and every request limit ([`model::limits`]).
//! - [`store`]: the sled database, the system of record.
//! - [`index`]: in-memory inverted index with BM25F and vectors, rebuilt at
//!   start-up.
//! - [`embed`]: sentence embeddings (candle, all-MiniLM-L6-v2) for re-ranking.
//! - [`check`]: the pure core: rank candidates in the index, judge the
//!   fetched statements (stance, verdict, explanation). Names no store.
//! - [`library`]: store and index kept in step; what handlers call.
//! - [`service`]: tonic handlers and proto ⇄ domain conversion.
//! - [`auth`]: bearer tokens: who may read, who may write.
//! - [`metrics`]: the Prometheus metrics, by name.
//! - [`server`]: the tonic server with health, reflection, TLS, access
//!   control, limits, load shedding, deadlines, shutdown.
//! - [`cli`]: the command line: clap types, one module per command, the
//!   typed error with its exit code.
//! - [`eval`]: MAP@5 and friends on CheckThat!-style data; stance files.
//! - [`bench`](mod@bench): the load generator, server process and `grow` corpus
//!   generator behind `factdesk bench` and `factdesk grow`.

pub mod auth;
pub mod bench;
pub mod check;
pub mod checkworthy;
pub mod claimreview;
pub mod cli;
pub mod demo;
pub mod embed;
pub mod error;
pub mod eval;
pub mod index;
pub mod library;
pub mod metrics;
pub mod model;
pub mod server;
pub mod service;
pub mod store;
pub mod text;

/// Code generated from `proto/factdesk/v1/*.proto` (server and client).
pub mod pb {
    #![allow(
        missing_docs,
        missing_debug_implementations,
        unused_qualifications,
        rust_2018_idioms,
        clippy::all
    )]
    tonic::include_proto!("factdesk.v1");

    /// Encoded descriptor set of the factdesk protos, for reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/factdesk_descriptor.bin"));
}

pub use error::{Error, FileError};
pub use library::Library;
