//! The write generation: a counter in `meta` that every durable write
//! raises, copied after each flush into `factdesk.generation` beside sled's
//! files. sled recovers a damaged log by keeping the readable prefix, so
//! without this a database could silently reopen without writes it had
//! acknowledged; with it, opening finds sled's counter behind the copy and
//! refuses.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Key of the counter in the `meta` tree (u64 big-endian).
pub const GENERATION_KEY: &str = "generation";
/// The copy's file name in the database directory.
pub(super) const FILE_NAME: &str = "factdesk.generation";

/// The counter's value in `meta` (0 when absent).
pub fn decode(bytes: Option<&[u8]>) -> u64 {
    bytes
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        .map_or(0, u64::from_be_bytes)
}

/// The next counter value, for `update_and_fetch`.
pub fn increment(old: Option<&[u8]>) -> Option<Vec<u8>> {
    Some((decode(old) + 1).to_be_bytes().to_vec())
}

/// The copy of the counter in a database directory.
#[derive(Debug)]
pub struct Record {
    path: PathBuf,
    /// The highest value written so far (concurrent writers never lower it).
    written: Mutex<u64>,
}

impl Record {
    /// The database directory the record sits in.
    pub fn directory(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The record of the database in `dir`, and the value it holds (0 when
    /// absent; an unreadable file, e.g. after a power loss mid-rename, is
    /// ignored with a warning rather than refusing the database).
    pub fn open(dir: &Path) -> (Record, u64) {
        let path = dir.join(FILE_NAME);
        let value = match std::fs::read_to_string(&path) {
            Ok(text) => text
                .strip_prefix("factdesk generation ")
                .and_then(|rest| rest.trim().parse().ok())
                .unwrap_or_else(|| {
                    tracing::warn!(path = %path.display(), "unreadable generation file ignored");
                    0
                }),
            Err(_) => 0,
        };
        let record = Record {
            path,
            written: Mutex::new(value),
        };
        (record, value)
    }

    /// Records `generation`, which a flush has just made durable. A failure
    /// is logged, not returned: the write itself is already durable.
    pub fn write(&self, generation: u64) {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if generation <= *written {
            return;
        }
        let temporary = self.path.with_extension("generation.tmp");
        let result = std::fs::File::create(&temporary)
            .and_then(|mut file| {
                writeln!(file, "factdesk generation {generation}")?;
                file.sync_all()
            })
            .and_then(|()| std::fs::rename(&temporary, &self.path));
        match result {
            Ok(()) => *written = generation,
            Err(error) => {
                tracing::warn!(%error, path = %self.path.display(), "cannot record the write generation");
            }
        }
    }
}
