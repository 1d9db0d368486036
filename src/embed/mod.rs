//! Sentence embeddings for semantic re-ranking. With the `embeddings` cargo
//! feature (on by default) [`Embedder`] runs a BERT sentence encoder with
//! candle; without it (`--no-default-features`, for fast work on text and
//! matching) the same type exists but cannot be loaded, so the rest of the
//! crate needs no feature switches: the library is then lexical only.

use std::path::PathBuf;

#[cfg(feature = "embeddings")]
mod bert;
#[cfg(not(feature = "embeddings"))]
mod disabled;
#[cfg(all(test, feature = "embeddings"))]
mod tests;

#[cfg(feature = "embeddings")]
pub use bert::Embedder;
#[cfg(not(feature = "embeddings"))]
pub use disabled::Embedder;

/// Longest token sequence fed to the model; longer texts are truncated.
pub const MAX_TOKENS: usize = 128;

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
