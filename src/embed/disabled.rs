//! The embedder of a build without the `embeddings` feature: the type
//! exists so that callers need no feature switches, but it cannot be loaded,
//! so none of its methods can ever run.

use std::convert::Infallible;
use std::path::Path;

use super::{EmbedError, Precision};

/// A sentence-embedding model that this build cannot load.
#[derive(Debug)]
pub struct Embedder {
    never: Infallible,
}

impl Embedder {
    /// Always fails: this build has no embedding model support.
    pub fn load(_dir: &Path) -> Result<Embedder, EmbedError> {
        Err(EmbedError::NotBuilt)
    }

    /// Always fails: this build has no embedding model support.
    pub fn load_with(_dir: &Path, _precision: Precision) -> Result<Embedder, EmbedError> {
        Err(EmbedError::NotBuilt)
    }

    /// The precision the projections run at.
    pub fn precision(&self) -> Precision {
        match self.never {}
    }

    /// Vector length.
    pub fn dimension(&self) -> usize {
        match self.never {}
    }

    /// A short stable identifier of the loaded model.
    pub fn model_id(&self) -> &str {
        match self.never {}
    }

    /// One unit-length vector per text.
    pub fn embed_batch(&self, _texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        match self.never {}
    }

    /// Tokens `text` becomes.
    pub fn token_count(&self, _text: &str) -> Result<usize, EmbedError> {
        match self.never {}
    }

    /// The unit-length vector of one text.
    pub fn embed(&self, _text: &str) -> Result<Vec<f32>, EmbedError> {
        match self.never {}
    }
}
