//! What can go wrong in the store, with messages that say what to do.

use std::path::PathBuf;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database at {path}: {source}")]
    Open { path: PathBuf, source: sled::Error },
    #[error("{path} is not a factdesk database ({reason})")]
    Foreign { path: PathBuf, reason: String },
    #[error(
        "database at {path} has schema version {found}, but this factdesk reads only version \
         {supported}; use a newer factdesk"
    )]
    UnsupportedSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("stored statement {key:?} is unreadable: {reason}")]
    Corrupt { key: String, reason: String },
    #[error(
        "database at {path} is damaged: {reason}; restore it from a backup, or move it aside \
         and re-import (factdesk export may still read part of it)"
    )]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "the database is damaged ({0}); restore it from a backup, or move it aside and \
         re-import"
    )]
    Corruption(String),
    #[error("storage error: {0}")]
    Sled(sled::Error),
}

impl From<sled::Error> for StoreError {
    fn from(error: sled::Error) -> StoreError {
        match error {
            sled::Error::Corruption { .. } => StoreError::Corruption(error.to_string()),
            other => StoreError::Sled(other),
        }
    }
}
