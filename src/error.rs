//! The library's error types: what a caller did wrong or what failed inside
//! ([`Error`]), and what is wrong with a data file ([`FileError`]).

use std::path::{Path, PathBuf};

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
    /// The statement changed since the caller read it (its etag differs).
    #[error("statement {id:?} has changed since it was read (etag {expected:?}, now {current:?})")]
    Aborted {
        id: String,
        expected: String,
        current: String,
    },
    /// The store failed a write earlier; the library answers nothing more
    /// until the server restarts.
    #[error("storage failed ({reason}); the server is stopping for a restart")]
    Unavailable { reason: String },
    /// Storage failed; details are for the log, not for clients.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The embedding model failed; details are for the log.
    #[error("embedding failed: {0}")]
    Embed(#[from] crate::embed::EmbedError),
}

/// A data file (statements, queries, claims, stance cases) that cannot be
/// read, or a line in it that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {reason}", path.display())]
    Line {
        path: PathBuf,
        /// One-based line number.
        line: usize,
        reason: String,
    },
}

impl FileError {
    /// A read failure of `path`.
    pub fn read(path: &Path, source: std::io::Error) -> FileError {
        FileError::Read {
            path: path.to_owned(),
            source,
        }
    }

    /// Line `line` (one-based) of `path` does not parse.
    pub fn line(path: &Path, line: usize, reason: impl std::fmt::Display) -> FileError {
        FileError::Line {
            path: path.to_owned(),
            line,
            reason: reason.to_string(),
        }
    }
}
