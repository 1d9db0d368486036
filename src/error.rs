//! The library's error type: what a caller did wrong, or what failed inside.

use crate::model::FieldError;
use crate::store::StoreError;

/// Errors from [`crate::library::Library`] operations.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed; names the field.
    #[error("invalid argument: {0}")]
    InvalidArgument(#[from] FieldError),
    /// No statement has this id.
    #[error("statement {id:?} not found")]
    NotFound { id: String },
    /// The id is taken by a statement with different content.
    #[error("statement {id:?} already exists with different content")]
    AlreadyExists { id: String },
    /// Storage failed; details are for the log, not for clients.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The embedding model failed; details are for the log.
    #[error("embedding failed: {0}")]
    Embed(#[from] crate::embed::EmbedError),
}
