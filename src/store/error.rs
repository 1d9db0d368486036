//! What can go wrong in the store, with messages that say what to do. The
//! storage engine's own error stays inside [`EngineError`], so sled's types
//! are not part of factdesk's API.

use std::path::PathBuf;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The directory could not be opened: another process holds it, no
    /// permission, no space.
    #[error("cannot open database at {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: EngineError,
    },
    /// Another process (a running server, an import) has the database open.
    #[error(
        "database at {} is locked by a running server or another factdesk command; stop it \
         first (a server's statements can be exported while it runs only through the server)",
        path.display()
    )]
    Locked { path: PathBuf },
    /// There is no database at the path (only commands that create one
    /// accept that).
    #[error("no database at {}: check --db (nothing was created)", path.display())]
    Missing { path: PathBuf },
    /// The directory holds something other than a factdesk database.
    #[error("{} is not a factdesk database ({reason})", path.display())]
    Foreign { path: PathBuf, reason: String },
    /// A factdesk database of a layout this build cannot read.
    #[error(
        "database at {} has schema version {found}, but this factdesk reads only version \
         {supported}; use a newer factdesk",
        path.display()
    )]
    UnsupportedSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    /// Stored data is unreadable or inconsistent (a damaged log, a record
    /// that no longer parses): nothing can be trusted to be complete.
    #[error(
        "{what} is damaged: {reason}; restore it from a backup, or move it aside and \
         re-import (factdesk export may still read part of it)"
    )]
    Damaged {
        /// "database at PATH", or "stored statement \"ID\"".
        what: String,
        reason: String,
        /// The engine's report, when it was the engine that found it.
        #[source]
        source: Option<EngineError>,
    },
    /// A file or directory of the database could not be read, written,
    /// renamed or removed (compaction).
    #[error("cannot {action} {}: {source}", path.display())]
    File {
        path: PathBuf,
        /// What was being done: "rename it to ...", "remove", "sync".
        action: String,
        #[source]
        source: std::io::Error,
    },
    /// The engine failed to read or write (I/O).
    #[error("storage failed: {0}")]
    Engine(#[source] EngineError),
}

impl StoreError {
    /// A damaged database directory.
    pub(super) fn damaged_database(path: &std::path::Path, reason: String) -> StoreError {
        StoreError::Damaged {
            what: format!("database at {}", path.display()),
            reason,
            source: None,
        }
    }

    /// A stored record that cannot be read back.
    pub(super) fn damaged_record(key: &str, reason: String) -> StoreError {
        StoreError::Damaged {
            what: format!("stored statement {key:?}"),
            reason,
            source: None,
        }
    }
}

/// A failure inside the storage engine, opaque so that its type is not part
/// of factdesk's API; its message says what happened.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct EngineError(sled::Error);

impl From<sled::Error> for StoreError {
    fn from(error: sled::Error) -> StoreError {
        match error {
            sled::Error::Corruption { .. } => StoreError::Damaged {
                what: "the database".to_owned(),
                reason: error.to_string(),
                source: Some(EngineError(error)),
            },
            other => StoreError::Engine(EngineError(other)),
        }
    }
}

impl From<sled::Error> for EngineError {
    fn from(error: sled::Error) -> EngineError {
        EngineError(error)
    }
}
