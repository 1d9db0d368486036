//! factdesk: a gRPC service that checks claims against a library of sourced
//! statements.
//!
//! Layout, with dependencies pointing one way
//! (`service → library → check → {index, store} → model`):
//!
//! - [`config`]: command line and `FACTDESK_*` environment (clap).
//! - [`model`]: domain types (statements, claims, matches) and validation.
//! - [`text`]: normalisation, tokenising, stemming, CJK bigrams.
//! - [`store`]: the sled database, the system of record.
//! - [`index`]: in-memory inverted index with BM25F, rebuilt at start-up.
//! - [`embed`]: sentence embeddings (candle, all-MiniLM-L6-v2) for re-ranking.
//! - [`check`]: retrieve → stance → verdict → explanation, pure logic.
//! - [`library`]: store and index kept in step; what handlers call.
//! - [`service`]: tonic handlers and proto ⇄ domain conversion.
//! - [`auth`]: bearer tokens: who may read, who may write.
//! - [`server`]: the tonic server with health, reflection, TLS, access
//!   control, limits, load shedding, deadlines, shutdown.
//! - [`cli`]: the `import` and `export` commands.
//! - [`eval`]: the `eval` command: MAP@5 and friends on CheckThat!-style data.
//! - [`bench`]: the `bench` load generator and the `grow` corpus generator.

pub mod auth;
pub mod bench;
pub mod check;
pub mod cli;
pub mod config;
pub mod demo;
pub mod embed;
pub mod error;
pub mod eval;
pub mod index;
pub mod library;
pub mod model;
pub mod server;
pub mod service;
pub mod store;
pub mod text;

/// Code generated from `proto/factdesk/v1/*.proto` (server and client).
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("factdesk.v1");

    /// Encoded descriptor set of the factdesk protos, for reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/factdesk_descriptor.bin"));
}

pub use error::Error;
pub use library::Library;
