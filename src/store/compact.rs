//! Compaction: rewriting a database into a fresh one after a bulk load.
//!
//! sled 0.34 keeps superseded page versions until a segment is half dead,
//! and a log written by many transactions in random key order ends up
//! about a quarter larger than the same data written once in key order.
//! [`compact`] copies every tree in key order into a new database beside
//! the old one, makes it durable, and swaps the two directories:
//!
//! 1. `.NAME.compacting` (sibling of `NAME`) is written and flushed, with
//!    copies of `factdesk.generation` and `factdesk.index`;
//! 2. `NAME` is renamed `.NAME.precompact`, then `.NAME.compacting` is
//!    renamed `NAME`, and the parent directory is synced;
//! 3. `.NAME.precompact` is removed.
//!
//! A copy no smaller than the database (a young one has little to reclaim,
//! and sled leaves the nodes of a key-order load half full) is removed
//! instead, and the database kept.
//!
//! The old database stays locked (sled's lock on its log) until the swap is
//! done. A crash at any point leaves one whole database: [`recover`], run
//! before every open, finishes or undoes an interrupted compaction.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{generation, Store, StoreError, META_TREE};

/// Bytes copied per sled batch.
const BATCH_BYTES: usize = 4 << 20;
/// How long a lock on the database is retried before it counts as held by
/// another process.
const RELEASE_WAIT: Duration = Duration::from_secs(2);
/// Files beside sled's that travel with the database.
const COMPANIONS: [&str; 2] = [generation::FILE_NAME, "factdesk.index"];

/// What a compaction did.
#[derive(Clone, Debug, PartialEq)]
pub struct Compaction {
    /// Bytes the database directory held before and after.
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// Bytes of the fresh copy.
    pub bytes_copy: u64,
    /// False when the copy was no smaller, so the database was kept.
    pub replaced: bool,
    pub seconds: f64,
}

/// Rewrites the database in `path` into a fresh one (see the module docs).
/// No other process may have it open: a running server's database is
/// refused as [`StoreError::Locked`].
pub fn compact(path: &Path) -> Result<Compaction, StoreError> {
    let started = Instant::now();
    let (staging, old) = siblings(path)?;
    let source = open_when_released(path)?;
    let bytes_before = directory_bytes(path);
    remove_dir(&staging)?;
    if let Err(error) = write_copy(&source, path, &staging) {
        // A full disk, say: the database is untouched; the part is removed.
        let _ = remove_dir(&staging);
        return Err(error);
    }
    // A young database has little to reclaim, and a copy in key order
    // leaves sled's nodes half full: keep whichever is smaller.
    let bytes_copy = directory_bytes(&staging);
    if !worth_swapping(bytes_before, bytes_copy) {
        remove_dir(&staging)?;
        return Ok(Compaction {
            bytes_before,
            bytes_after: bytes_before,
            bytes_copy,
            replaced: false,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    // The old database stays open, and so locked, until both renames are
    // done: a command started meanwhile finds it locked, not missing.
    rename(path, &old)?;
    if let Err(error) = rename(&staging, path) {
        // Put the old one back at once (else the next open does).
        let _ = rename(&old, path);
        return Err(error);
    }
    sync_directory(parent(path))?;
    drop(source);
    remove_dir(&old)?;
    Ok(Compaction {
        bytes_before,
        bytes_after: directory_bytes(path),
        bytes_copy,
        replaced: true,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Whether a copy of `copy` bytes should replace a database of `before`.
pub(super) fn worth_swapping(before: u64, copy: u64) -> bool {
    copy < before
}

/// Writes the copy of `source` (in `path`) into `staging`, durably.
fn write_copy(source: &Store, path: &Path, staging: &Path) -> Result<(), StoreError> {
    // No background flushes: each page is written once, whole, by the
    // flush at the end, not again at every stage of its filling.
    let target = sled::Config::new()
        .path(staging)
        .create_new(true)
        .flush_every_ms(None)
        .open()?;
    copy_trees(&source.db, &target)?;
    target.flush()?;
    drop(target);
    for name in COMPANIONS {
        copy_file(&path.join(name), &staging.join(name))?;
    }
    sync_directory(staging)
}

/// Opens the database in `path` once this process has let go of it: sled's
/// writer threads hold its lock for a moment after the last handle is
/// dropped (as after `import`), with no event to wait on, so a lock is
/// retried for up to [`RELEASE_WAIT`].
fn open_when_released(path: &Path) -> Result<Store, StoreError> {
    let deadline = Instant::now() + RELEASE_WAIT;
    loop {
        match Store::open_existing(path) {
            Err(StoreError::Locked { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            opened => return opened,
        }
    }
}

/// Finishes or undoes a compaction of `path` that a crash interrupted:
/// - the old database set aside and no database at `path`: it is put back;
/// - the old database set aside and the new one in place: the old is
///   removed;
/// - an unfinished new database: it is removed.
///
/// Does nothing while another process holds the database.
pub fn recover(path: &Path) -> Result<(), StoreError> {
    let Ok((staging, old)) = siblings(path) else {
        return Ok(());
    };
    if !staging.exists() && !old.exists() {
        return Ok(());
    }
    if old.exists() {
        if locked(&old) {
            return Err(StoreError::Locked {
                path: path.to_owned(),
            });
        }
        if path.join("db").is_file() {
            tracing::warn!(old = %old.display(), "removing the database a finished compaction replaced");
            remove_dir(&old)?;
        } else {
            tracing::warn!(path = %path.display(), "restoring the database an interrupted compaction set aside");
            remove_dir(path)?;
            rename(&old, path)?;
            sync_directory(parent(path))?;
        }
    }
    if staging.exists() && !locked(path) {
        tracing::warn!(staging = %staging.display(), "removing an unfinished compaction");
        remove_dir(&staging)?;
    }
    Ok(())
}

/// The staging and set-aside directories of the database at `path`.
fn siblings(path: &Path) -> Result<(PathBuf, PathBuf), StoreError> {
    let name = path.file_name().ok_or_else(|| {
        file_error(
            path,
            "name the database directory",
            std::io::Error::other("the path has no directory name; give it as DIR, not DIR/.."),
        )
    })?;
    let name = name.to_string_lossy();
    let parent = parent(path);
    Ok((
        parent.join(format!(".{name}.compacting")),
        parent.join(format!(".{name}.precompact")),
    ))
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Copies every tree of `from` into `to`, in key order, in batches, `meta`
/// last: sled recovers a damaged log by keeping the part before the damage,
/// and a copy cut short must lose the write generation with the records,
/// so that opening it finds the generation file ahead and refuses it.
fn copy_trees(from: &sled::Db, to: &sled::Db) -> Result<(), StoreError> {
    let mut names = from.tree_names();
    names.sort_by_key(|name| name.as_ref() == META_TREE.as_bytes());
    for name in names {
        let source = from.open_tree(&name)?;
        let target = to.open_tree(&name)?;
        let mut batch = sled::Batch::default();
        let mut bytes = 0;
        for entry in source.iter() {
            let (key, value) = entry?;
            bytes += key.len() + value.len();
            batch.insert(key, value);
            if bytes >= BATCH_BYTES {
                target.apply_batch(std::mem::take(&mut batch))?;
                bytes = 0;
            }
        }
        target.apply_batch(batch)?;
    }
    Ok(())
}

/// Whether another process holds sled's lock on the database in `dir`.
fn locked(dir: &Path) -> bool {
    std::fs::File::open(dir.join("db")).is_ok_and(|log| log.try_lock().is_err())
}

/// Puts `from` at `to` too, durably: a hard link (instant, no second copy
/// of an index file that may hold gigabytes of vectors; both directories
/// are siblings), or a streamed copy where links are not supported. A
/// missing `from` is skipped. Neither file is written in place later (the
/// generation and index files are replaced by renames).
fn copy_file(from: &Path, to: &Path) -> Result<(), StoreError> {
    if !from.exists() {
        return Ok(());
    }
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).map_err(|error| file_error(to, "write", error))?;
    }
    std::fs::File::open(to)
        .and_then(|file| file.sync_all())
        .map_err(|error| file_error(to, "sync", error))
}

fn rename(from: &Path, to: &Path) -> Result<(), StoreError> {
    std::fs::rename(from, to)
        .map_err(|error| file_error(from, &format!("rename it to {}", to.display()), error))
}

fn remove_dir(dir: &Path) -> Result<(), StoreError> {
    match std::fs::remove_dir_all(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(file_error(dir, "remove", error))
        }
        _ => Ok(()),
    }
}

fn sync_directory(dir: &Path) -> Result<(), StoreError> {
    std::fs::File::open(dir)
        .and_then(|dir| dir.sync_all())
        .map_err(|error| file_error(dir, "sync", error))
}

/// Bytes of the files under `dir` (0 for what cannot be read).
pub fn directory_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(metadata) if metadata.is_dir() => directory_bytes(&entry.path()),
            Ok(metadata) => metadata.len(),
            Err(_) => 0,
        })
        .sum()
}

fn file_error(path: &Path, action: &str, source: std::io::Error) -> StoreError {
    StoreError::File {
        path: path.to_owned(),
        action: action.to_owned(),
        source,
    }
}
