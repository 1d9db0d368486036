//! The system of record: statements in an embedded sled database.
//!
//! Layout (schema version 3; versions 1 and 2 are upgraded when opened,
//! see `upgrade`):
//! - tree `meta`: `format` = "factdesk", `schema_version` = u32 big-endian,
//!   `record_dictionary` = the zstd dictionary of compressed records.
//! - tree `statements`: key = statement id (UTF-8), value = the statement's
//!   proto3 JSON form (with `createTime`, and `reviews` with each review's
//!   `normalizedRating`), compressed with the record dictionary once the
//!   database has one (see `codec`).
//! - tree `vectors`: key = statement id, value = its sentence embedding
//!   (f32 little-endian), written in the same transaction as the statement;
//!   `meta`/`embedding_model` names the model that made them.
//!
//! Every write is one sled operation or one transaction, so a statement is
//! never half-written, and every write method returns only after
//! sled's `flush` has made it durable. Search structures are derived
//! from this tree; a copy of them (`factdesk.index`, `library::persist`)
//! is used at start-up only when stamped with the present write
//! generation.
//! `meta`/`generation` counts durable writes, and `factdesk.generation`
//! beside sled's files copies it, so a log that sled recovers only in part
//! is refused instead of silently reopened (see `generation`).
//! After a bulk load the database can be rewritten without superseded
//! pages (`compact`).

mod codec;
mod compact;
mod error;
mod generation;
mod insert;
pub mod keys;
mod preflight;
mod replace;
mod upgrade;

pub use compact::{compact, directory_bytes, Compaction};
pub use error::{EngineError, StoreError};
pub use insert::InsertOutcome;
pub use replace::{ReplaceOutcome, VectorChange};

/// One stored statement record, not yet decoded ([`decode_record`]).
#[derive(Debug, Clone)]
pub struct Record {
    value: sled::IVec,
    /// The database's record dictionary, if it has one.
    dictionary: Option<Arc<Dictionary>>,
}

/// The statement a [`Record`] holds.
pub fn decode_record(id: &str, record: &Record) -> Result<Statement, StoreError> {
    codec::decode(id, &record.value, record.dictionary.as_deref())
}

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;

use crate::model::Statement;
use codec::Dictionary;

/// The layout this build reads and writes. Version 1 (statements without
/// `reviews`) is upgraded in place when opened; version 2 (JSON records
/// only) is read as it is (see `upgrade`).
pub const SCHEMA_VERSION: u32 = 3;
/// The oldest layout this build can upgrade.
const OLDEST_UPGRADABLE: u32 = 1;
const FORMAT_MARK: &[u8] = b"factdesk";
const META_TREE: &str = "meta";
const STATEMENTS_TREE: &str = "statements";
const VECTORS_TREE: &str = "vectors";
const EMBEDDING_MODEL_KEY: &str = "embedding_model";

/// Handle to the open database. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Store {
    db: sled::Db,
    meta: sled::Tree,
    statements: sled::Tree,
    /// Sentence embeddings, key = statement id, value = f32 little-endian.
    vectors: sled::Tree,
    /// The copy of the write generation (none for temporary databases).
    record: Option<generation::Record>,
    /// The record dictionary: set once, from `meta` or when first trained.
    dictionary: OnceLock<Arc<Dictionary>>,
    /// Held while a dictionary is trained; true once training failed (it
    /// is not tried again until the database is reopened).
    training: Mutex<bool>,
}

impl Store {
    /// Opens (creating if absent) the database in `path`.
    /// Refuses (never panics on) a directory that is not a new or empty one
    /// or a factdesk database of this schema: see [`StoreError`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        compact::recover(path)?;
        preflight::check_directory(path)?;
        preflight::contain(path, || {
            let db = sled::Config::new()
                .path(path)
                .open()
                .map_err(|source| match source {
                    sled::Error::Corruption { .. } => StoreError::Damaged {
                        what: format!("database at {}", path.display()),
                        reason: source.to_string(),
                        source: Some(source.into()),
                    },
                    // sled's file lock is held by another process.
                    sled::Error::Io(ref io)
                        if io.kind() == std::io::ErrorKind::WouldBlock
                            || io.to_string().contains("could not acquire lock") =>
                    {
                        StoreError::Locked {
                            path: path.to_owned(),
                        }
                    }
                    source => StoreError::Open {
                        path: path.to_owned(),
                        source: source.into(),
                    },
                })?;
            Store::init(db, path, true)
        })
    }

    /// Like [`Store::open`], but a path with nothing there is an error
    /// rather than a new empty database (`export`: a typo must not print
    /// "exported 0 statements").
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_owned(),
            });
        }
        Store::open(path)
    }

    /// A database that lives in a temporary directory and is removed on drop.
    pub fn temporary() -> Result<Store, StoreError> {
        let db = sled::Config::new().temporary(true).open()?;
        Store::init(db, Path::new("(temporary)"), false)
    }

    fn init(db: sled::Db, path: &Path, on_disk: bool) -> Result<Store, StoreError> {
        let meta = db.open_tree(META_TREE)?;
        let mut found = SCHEMA_VERSION;
        match meta.get("format")? {
            Some(mark) if mark.as_ref() == FORMAT_MARK => {
                found = upgrade::check_version(&meta, path)?;
            }
            Some(_) => return Err(foreign(path, "its format mark is not factdesk's")),
            // A log cut short before its metadata (as a compacted copy,
            // which writes `meta` last, would be) of a database that
            // acknowledged writes.
            None if on_disk && generation::Record::open(path).1 > 0 => {
                return Err(StoreError::damaged_database(
                    path,
                    "sled recovered only part of its log (factdesk's metadata is gone, but \
                     writes were acknowledged)"
                        .to_owned(),
                ));
            }
            None if preflight::holds_data(&db, META_TREE)? => {
                return Err(foreign(path, "it holds data but no factdesk metadata"));
            }
            None => {
                meta.insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
                meta.insert("format", FORMAT_MARK)?;
                db.flush()?;
            }
        }
        let record = if on_disk {
            let (record, recorded) = generation::Record::open(path);
            let stored = generation::decode(meta.get(generation::GENERATION_KEY)?.as_deref());
            if stored < recorded {
                return Err(StoreError::damaged_database(
                    path,
                    format!(
                        "sled recovered only part of its log (write generation {stored}, but \
                         {recorded} were acknowledged)"
                    ),
                ));
            }
            Some(record)
        } else {
            None
        };
        let statements = db.open_tree(STATEMENTS_TREE)?;
        let vectors = db.open_tree(VECTORS_TREE)?;
        let store = Store {
            db,
            meta,
            statements,
            vectors,
            record,
            dictionary: OnceLock::new(),
            training: Mutex::new(false),
        };
        store.load_dictionary(path)?;
        if found < SCHEMA_VERSION {
            let changed = if found < 2 {
                upgrade::from_v1(&store.statements)?
            } else {
                0
            };
            store
                .meta
                .insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
            store.commit()?;
            tracing::info!(
                from = found,
                to = SCHEMA_VERSION,
                statements_changed = changed,
                "database upgraded"
            );
        }
        Ok(store)
    }

    /// Number of stored statements.
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// True when no statement is stored.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Stores embeddings for statements already on record (a backfill after
    /// the model changed), durably, and records which model made them.
    pub fn put_vectors(
        &self,
        model_id: &str,
        vectors: &[(String, Vec<f32>)],
    ) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for (id, vector) in vectors {
            batch.insert(keys::statement_key(id), keys::encode_vector(vector));
        }
        self.vectors.apply_batch(batch)?;
        self.meta.insert(EMBEDDING_MODEL_KEY, model_id.as_bytes())?;
        self.commit()
    }

    /// Drops every stored embedding (they came from another model).
    pub fn clear_vectors(&self) -> Result<(), StoreError> {
        self.vectors.clear()?;
        self.meta.remove(EMBEDDING_MODEL_KEY)?;
        self.commit()
    }

    /// The id of the model that made the stored embeddings, if any.
    pub fn embedding_model(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .meta
            .get(EMBEDDING_MODEL_KEY)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// Records the model that makes embeddings from now on.
    pub fn set_embedding_model(&self, model_id: &str) -> Result<(), StoreError> {
        self.meta.insert(EMBEDDING_MODEL_KEY, model_id.as_bytes())?;
        self.commit()
    }

    /// The stored embedding of `id`, if any.
    pub fn vector(&self, id: &str) -> Result<Option<Vec<f32>>, StoreError> {
        let bytes = self.vectors.get(keys::statement_key(id))?;
        Ok(bytes.and_then(|bytes| keys::decode_vector(&bytes)))
    }

    /// The statement stored under `id`, if any.
    pub fn get(&self, id: &str) -> Result<Option<Statement>, StoreError> {
        match self.statements.get(keys::statement_key(id))? {
            Some(bytes) => self.decode(id, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Removes `id` and its embedding durably; false when it was not there.
    pub fn remove(&self, id: &str) -> Result<bool, StoreError> {
        let key = keys::statement_key(id);
        let existed = (&self.statements, &self.vectors)
            .transaction(|(statements, vectors)| {
                vectors.remove(key.as_slice())?;
                Ok::<_, ConflictableTransactionError<StoreError>>(
                    statements.remove(key.as_slice())?.is_some(),
                )
            })
            .map_err(|error| match error {
                TransactionError::Abort(error) => error,
                TransactionError::Storage(error) => StoreError::from(error),
            })?;
        if existed {
            self.commit()?;
        }
        Ok(existed)
    }

    /// Statements in id order, starting after `after` (exclusive).
    pub fn scan_after(
        &self,
        after: Option<&str>,
    ) -> impl Iterator<Item = Result<Statement, StoreError>> + '_ {
        let range = match after {
            Some(id) => self.statements.range(keys::key_after(id)..),
            None => self.statements.iter(),
        };
        range.map(|entry| {
            let (key, value) = entry?;
            self.decode(&String::from_utf8_lossy(&key), &value)
        })
    }

    /// Every stored record with its id, in id order, undecoded: cheap
    /// handles on sled's buffers, taken in one pass (an online backup).
    pub fn raw_records(&self) -> Result<Vec<(String, Record)>, StoreError> {
        let dictionary = self.dictionary.get().cloned();
        self.statements
            .iter()
            .map(|entry| {
                let (key, value) = entry?;
                let record = Record {
                    value,
                    dictionary: dictionary.clone(),
                };
                Ok((String::from_utf8_lossy(&key).into_owned(), record))
            })
            .collect()
    }

    /// Every stored embedding with its statement id.
    pub fn scan_vectors(
        &self,
    ) -> impl Iterator<Item = Result<(String, Vec<f32>), StoreError>> + '_ {
        self.vectors.iter().map(|entry| {
            let (key, value) = entry?;
            let id = String::from_utf8_lossy(&key).into_owned();
            let vector = keys::decode_vector(&value).ok_or_else(|| {
                StoreError::damaged_record(
                    &id,
                    "its embedding length is not a multiple of 4 bytes".to_owned(),
                )
            })?;
            Ok((id, vector))
        })
    }

    /// Makes the writes so far durable and records that they were: the
    /// write generation goes up, the flush makes both durable, then the
    /// copy outside sled is updated (see [`generation`]).
    fn commit(&self) -> Result<(), StoreError> {
        let bytes = self
            .meta
            .update_and_fetch(generation::GENERATION_KEY, generation::increment)?;
        self.db.flush()?;
        if let Some(record) = &self.record {
            record.write(generation::decode(bytes.as_deref()));
        }
        Ok(())
    }

    /// The write generation: how many durable writes the database has had.
    pub fn generation(&self) -> Result<u64, StoreError> {
        Ok(generation::decode(
            self.meta.get(generation::GENERATION_KEY)?.as_deref(),
        ))
    }

    /// The database directory; `None` for a temporary database.
    pub fn directory(&self) -> Option<&Path> {
        self.record.as_ref().map(generation::Record::directory)
    }

    /// Makes every write so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}

fn foreign(path: &Path, reason: &str) -> StoreError {
    StoreError::Foreign {
        path: path.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod compact_tests;
#[cfg(test)]
mod tests;
