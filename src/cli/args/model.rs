//! The flags of the optional sentence-embedding model, shared by every
//! command that opens a library.

use std::path::PathBuf;

use clap::Args;

use crate::embed::{BatchPolicy, Precision};

/// The optional sentence-embedding model.
#[derive(Debug, Args, Clone)]
pub struct ModelArgs {
    /// sentence-transformers folder (config.json, tokenizer.json,
    /// model.safetensors), e.g. all-MiniLM-L6-v2. Without it matching is
    /// lexical only.
    #[arg(long, env = "FACTDESK_EMBEDDING_MODEL")]
    pub embedding_model: Option<PathBuf>,
    /// Number format of the model's projections: q8 (8-bit, about 3× faster
    /// on CPU, vectors within cosine 0.99 of f32) or f32 (as published).
    /// Changing it re-embeds the database's statements at the next start.
    #[arg(long, env = "FACTDESK_EMBEDDING_PRECISION", default_value_t = Precision::default())]
    pub embedding_precision: Precision,
    /// Most claims embedded together in one forward pass.
    #[arg(long, env = "FACTDESK_EMBEDDING_BATCH", default_value_t = BatchPolicy::default().max_batch, value_parser = batch_size)]
    pub embedding_batch: usize,
    /// Microseconds the embedding worker waits for more claims to join a
    /// batch when none are queued (0: take only what has queued).
    #[arg(long, env = "FACTDESK_EMBEDDING_BATCH_WINDOW_US", default_value_t = BatchPolicy::default().window.as_micros() as u64, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub embedding_batch_window_us: u64,
    /// Claim-embedding worker threads, each running one forward pass at a
    /// time [default: one per core].
    #[arg(long, env = "FACTDESK_EMBEDDING_WORKERS", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub embedding_workers: Option<u16>,
}

/// A claim batch size: 1 to 256.
fn batch_size(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(size) if (1..=256).contains(&size) => Ok(size),
        _ => Err(format!("{value} is not from 1 to 256")),
    }
}

impl ModelArgs {
    /// No model: lexical matching only.
    pub fn lexical() -> ModelArgs {
        ModelArgs {
            embedding_model: None,
            embedding_precision: Precision::default(),
            embedding_batch: BatchPolicy::default().max_batch,
            embedding_batch_window_us: BatchPolicy::default().window.as_micros() as u64,
            embedding_workers: None,
        }
    }

    /// How claims are batched for the model.
    pub fn batching(&self) -> BatchPolicy {
        BatchPolicy {
            max_batch: self.embedding_batch,
            window: std::time::Duration::from_micros(self.embedding_batch_window_us),
            workers: self
                .embedding_workers
                .map_or_else(crate::embed::default_workers, usize::from),
        }
    }
}
