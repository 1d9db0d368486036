//! Checks a database directory before sled opens it, and contains sled's
//! own failures. sled would silently start a fresh database over a damaged
//! configuration file, write its files into any directory it is given, and
//! panics on some truncated logs; factdesk refuses each with a clear error.

use std::path::Path;

use super::StoreError;

/// What sled writes first in its configuration file.
const SLED_CONF_START: &[u8] = b"segment_size: ";

/// Refuses a path that is not a new or empty directory or a sled database.
pub fn check_directory(path: &Path) -> Result<(), StoreError> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(damaged(path, format!("cannot inspect it: {error}"))),
    };
    if !metadata.is_dir() {
        return Err(super::foreign(path, "it is a file, not a directory"));
    }
    let mut entries = std::fs::read_dir(path)
        .map_err(|error| damaged(path, format!("cannot list it: {error}")))?
        .peekable();
    if entries.peek().is_none() {
        return Ok(());
    }
    let conf = match std::fs::read(path.join("conf")) {
        Ok(conf) => conf,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && path.join("db").is_file() => {
            return Err(damaged(
                path,
                "its sled configuration file (conf) is missing".to_owned(),
            ));
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(super::foreign(
                path,
                "the directory holds other files and no database; use a new or empty directory",
            ));
        }
        Err(error) => return Err(damaged(path, format!("cannot read conf: {error}"))),
    };
    if !conf.starts_with(SLED_CONF_START) {
        return Err(damaged(
            path,
            "its sled configuration file (conf) is empty or unreadable".to_owned(),
        ));
    }
    if !path.join("db").is_file() {
        return Err(damaged(
            path,
            "its sled log file (db) is missing".to_owned(),
        ));
    }
    remove_unfinished_snapshots(path)
}

/// Removes `snap.*.generating` files. sled writes a snapshot under that name
/// and renames it only once it is whole, so such a file is one it never
/// finished (a full disk, a crash); sled 0.34 would still read it first and
/// call the database corrupt. The snapshot is rebuilt from the log. Only
/// when no other process has the database open.
fn remove_unfinished_snapshots(path: &Path) -> Result<(), StoreError> {
    // A running server holds sled's lock on `db` and may be writing a
    // snapshot right now: leave its files alone (sled refuses the second
    // opener anyway).
    let log = std::fs::File::open(path.join("db"))
        .map_err(|error| damaged(path, format!("cannot open its log: {error}")))?;
    if log.try_lock().is_err() {
        return Ok(());
    }
    drop(log);
    let entries = std::fs::read_dir(path)
        .map_err(|error| damaged(path, format!("cannot list it: {error}")))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            tracing::warn!(file = %entry.path().display(), "removing an unfinished sled snapshot");
            std::fs::remove_file(entry.path()).map_err(|error| {
                damaged(
                    path,
                    format!("cannot remove the unfinished snapshot {name}: {error}"),
                )
            })?;
        }
    }
    Ok(())
}

/// True when the database has any tree with data besides `meta`.
pub fn holds_data(db: &sled::Db, meta_tree: &str) -> Result<bool, StoreError> {
    if !db.is_empty() {
        return Ok(true);
    }
    for name in db.tree_names() {
        if name.as_ref() == meta_tree.as_bytes() || name.as_ref() == b"__sled__default" {
            continue;
        }
        if !db.open_tree(&name)?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Runs sled work, turning a panic inside sled into [`StoreError::Damaged`].
pub fn contain<T>(
    path: &Path,
    work: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_owned());
        Err(damaged(
            path,
            format!("sled failed while reading it: {message}"),
        ))
    })
}

fn damaged(path: &Path, reason: String) -> StoreError {
    StoreError::damaged_database(path, reason)
}
