//! Sentence embeddings for semantic re-ranking. With the `embeddings` cargo
//! feature (on by default) [`Embedder`] runs a BERT sentence encoder with
//! candle; without it (`--no-default-features`, for fast work on text and
//! matching) the same type exists but cannot be loaded, so the rest of the
//! crate needs no feature switches: the library is then lexical only.

use std::path::PathBuf;
use std::sync::Arc;

mod batcher;

#[cfg(test)]
mod batcher_tests;
#[cfg(feature = "embeddings")]
mod bert;
#[cfg(not(feature = "embeddings"))]
mod disabled;
#[cfg(feature = "embeddings")]
mod encoder;
#[cfg(feature = "embeddings")]
mod kernels;
#[cfg(all(test, feature = "embeddings"))]
mod precision_tests;
#[cfg(all(test, feature = "embeddings"))]
mod tests;

pub use batcher::{default_workers, BatchEncode, BatchPolicy, BatchStats, Batcher};
#[cfg(feature = "embeddings")]
pub use bert::Embedder;
#[cfg(not(feature = "embeddings"))]
pub use disabled::Embedder;

/// candle's thread count for its element-wise and quantized kernels.
const CANDLE_THREADS_VAR: &str = "CANDLE_NUM_THREADS";
/// Read by candle (and rayon) for the thread count of f32 matrix products.
const RAYON_THREADS_VAR: &str = "RAYON_NUM_THREADS";

/// Sets how candle uses threads, unless the environment already says:
/// - one thread per forward pass (`CANDLE_NUM_THREADS=1`). candle's own
///   pool busy-waits for its workers; on a small machine whose cores are
///   also serving requests, a descheduled worker left the caller spinning
///   for a whole time slice (a third of all CPU time in a profile). The
///   cores are used instead by running passes side by side (import) and by
///   batching claims (the service).
/// - `RAYON_NUM_THREADS` = the core count, which is rayon's default anyway:
///   without it candle re-reads /proc/cpuinfo on every f32 matrix product.
///
/// Environment variables are process-wide: call this first thing in `main`,
/// before any other thread exists.
pub fn configure_threads() {
    if std::env::var_os(CANDLE_THREADS_VAR).is_none() {
        std::env::set_var(CANDLE_THREADS_VAR, "1");
    }
    if std::env::var_os(RAYON_THREADS_VAR).is_none() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        std::env::set_var(RAYON_THREADS_VAR, cores.to_string());
    }
}

/// Longest token sequence fed to the model; longer texts are truncated.
pub const MAX_TOKENS: usize = 128;

/// The number format of the encoder's projection weights (the matrix
/// products that are nearly all of its work).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// 32-bit floats, as published.
    F32,
    /// q8_0: 8-bit integers in blocks of 32 with one scale each, multiplied
    /// by candle's quantized kernels. Vectors stay within cosine 0.99 of the
    /// f32 ones.
    #[default]
    Q8,
}

impl Precision {
    /// The name used on the command line and in logs.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::Q8 => "q8",
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> Result<Precision, String> {
        match s.to_ascii_lowercase().as_str() {
            "f32" => Ok(Precision::F32),
            "q8" | "q8_0" => Ok(Precision::Q8),
            _ => Err(format!("{s:?} is not a precision (f32 or q8)")),
        }
    }
}

/// Everything that can go wrong while loading a model folder or embedding text.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// A required file is absent from the model folder.
    #[error("embedding model file {file} not found in {}", dir.display())]
    MissingFile {
        /// The file name that was expected (e.g. `model.safetensors`).
        file: &'static str,
        /// The folder that was searched.
        dir: PathBuf,
    },
    /// A model file exists but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file being read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// `config.json` is not a valid BERT configuration.
    #[error("bad model config {}: {source}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The configuration parses but describes a model this module cannot run.
    #[error("unsupported embedding model: {0}")]
    Unsupported(String),
    /// The tokenizer could not be loaded, configured or run.
    #[cfg(feature = "embeddings")]
    #[error("tokenizer error: {0}")]
    Tokenizer(#[source] tokenizers::Error),
    /// The claim batching thread could not be started.
    #[error("cannot start the embedding worker: {0}")]
    Worker(#[source] std::io::Error),
    /// The batch this text was embedded in failed; every caller in it gets
    /// the same error.
    #[error("embedding batch failed: {0}")]
    Batch(#[source] Arc<EmbedError>),
    /// The tokenizer or model broke an invariant this module relies on.
    #[error("internal embedding error: {0}")]
    Internal(&'static str),
    /// A tensor operation failed (weights missing or misshapen, bad input).
    #[cfg(feature = "embeddings")]
    #[error("model error: {0}")]
    Candle(#[from] candle_core::Error),
    /// This build has no embedding model support.
    #[cfg(not(feature = "embeddings"))]
    #[error(
        "this factdesk was built without the `embeddings` feature; rebuild with default \
         features to use --embedding-model"
    )]
    NotBuilt,
}

/// Dot product of two L2-normalised vectors = cosine similarity. Extra elements of
/// the longer slice are ignored.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
