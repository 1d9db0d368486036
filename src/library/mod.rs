//! The core: the store (system of record) plus the in-memory index derived
//! from it, kept in step. Every method is synchronous and may block on disk
//! I/O or CPU work; async callers run them on a blocking thread.
//!
//! Write order: store (durable) first, then index. A write is acknowledged
//! only after the store has flushed it; a crash between the two loses nothing
//! because the index is rebuilt from the store at start-up.

mod audit;
mod checks;
mod failure;
mod list;
mod persist;
pub(crate) mod semantic;
mod update;

pub use audit::Audit;
pub use list::{ListPage, ListRequest, Snapshot};
pub use persist::INDEX_FILE;
pub use update::Update;

use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use chrono::Utc;
use rayon::prelude::*;

use crate::embed::{BatchPolicy, Batcher, Embedder};
use crate::error::Error;
use crate::index::{AnalysedDoc, Index};
use crate::model::{detect_language, validate_id, validate_statement, FieldError, Statement};
use crate::store::{InsertOutcome, Store};

/// Statements plus the search index over them.
#[derive(Debug)]
pub struct Library {
    store: Store,
    index: RwLock<Index>,
    /// Held by every write from its store change to its index change, so the
    /// index applies writes in the order the store made them (a delete that
    /// overtook a create of the same id left the index without a statement
    /// the store held).
    writes: Mutex<()>,
    /// Sentence-embedding model, when semantic re-ranking is on.
    embedder: Option<Arc<Embedder>>,
    /// Batches concurrent claims into one forward pass of `embedder`
    /// (present exactly when it is).
    claims: Option<Batcher>,
    /// Set when the store fails a write; see `failure.rs`.
    failure: failure::Failure,
    /// The write generation the index file on disk was made at, if any
    /// (see `persist.rs`).
    saved_generation: Mutex<Option<u64>>,
    /// Statement texts analysed for the stance rules, shared by checks.
    analyses: crate::check::Analyses,
    /// True when the index came from the index file rather than the store.
    from_file: bool,
    /// Dropped last (fields drop in declaration order), after the store has
    /// closed: its receiver, from [`Library::close_notice`], then completes.
    closed: Option<tokio::sync::oneshot::Sender<()>>,
}

/// What an import batch did, per statement.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ImportReport {
    pub created: u64,
    pub unchanged: u64,
    pub rejected: Vec<ImportRejection>,
    /// Review ratings whose label the normaliser did not know (stored as
    /// OTHER), among the accepted statements.
    pub unrecognised_ratings: u64,
}

/// A statement of an import batch after `prepare`: its position, its id,
/// and it ready to store (with its unrecognised ratings) or why not.
type Prepared = (u64, String, Result<(Statement, usize), FieldError>);

/// One statement an import refused.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRejection {
    /// Position in the whole import (stream or file), zero-based.
    pub index: u64,
    pub id: String,
    pub error: FieldError,
}

impl Library {
    /// Wraps an open store and builds the index from its statements
    /// (lexical matching only).
    pub fn new(store: Store) -> Result<Library, Error> {
        Library::with_embedder(store, None)
    }

    /// Like [`Library::new`], with sentence embeddings when `embedder` is
    /// given: stored vectors from the same model are loaded, missing ones are
    /// computed and stored now (all of them after a model change).
    /// The index comes from the index file when that was written at the
    /// store's present state (see `persist.rs`), else from the store.
    pub fn with_embedder(store: Store, embedder: Option<Arc<Embedder>>) -> Result<Library, Error> {
        Library::with_embedder_batching(store, embedder, BatchPolicy::default())
    }

    /// Like [`Library::with_embedder`], with claims batched for the model
    /// by `batching`.
    pub fn with_embedder_batching(
        store: Store,
        embedder: Option<Arc<Embedder>>,
        batching: BatchPolicy,
    ) -> Result<Library, Error> {
        let started = Instant::now();
        let (index, from_file) = persist::open_index(&store, embedder.as_ref())?;
        tracing::info!(
            statements = index.len(),
            embeddings = embedder.is_some(),
            from_file,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "index built"
        );
        crate::metrics::index_built(started.elapsed());
        crate::metrics::statements(index.len());
        let saved = if from_file {
            Some(store.generation()?)
        } else {
            None
        };
        let claims = match &embedder {
            Some(embedder) => Some(Batcher::start(Arc::clone(embedder), batching)?),
            None => None,
        };
        let library = Library {
            store,
            index: RwLock::new(index),
            writes: Mutex::new(()),
            embedder,
            claims,
            failure: failure::Failure::default(),
            saved_generation: Mutex::new(saved),
            analyses: crate::check::Analyses::default(),
            from_file,
            closed: None,
        };
        if !from_file {
            if let Err(error) = library.save_index() {
                tracing::warn!(%error, "index file not written; the next start rebuilds the index");
            }
        }
        Ok(library)
    }

    /// A receiver that completes once this library has been dropped and its
    /// database closed (another process may then open it). It completes with
    /// a `RecvError`: nothing is ever sent. One notice per library; a second
    /// call replaces the first, which then completes at once.
    pub fn close_notice(&mut self) -> tokio::sync::oneshot::Receiver<()> {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        self.closed = Some(sender);
        receiver
    }

    /// True when the index was loaded from the index file at start (the
    /// store had not changed since it was written), false when it was
    /// built from the store.
    pub fn index_from_file(&self) -> bool {
        self.from_file
    }

    /// Number of statements on record.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// True when the library holds nothing.
    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    /// Stores one statement (id from `statement.id`, or assigned). Returns the
    /// stored statement and whether it was newly created.
    pub fn create(&self, statement: Statement) -> Result<(Statement, bool), Error> {
        self.usable()?;
        let (statement, _) = prepare(statement)?;
        let mut vectors = self.embed_statements(std::slice::from_ref(&statement))?;
        let vector = vectors.pop().flatten();
        let _ordered = self.write_order();
        match self.written(self.store.insert_new(&statement, vector.as_deref()))? {
            InsertOutcome::Created(stored) => {
                let mut doc = AnalysedDoc::from_statement(&stored);
                doc.vector = vector;
                let mut index = self.write_index();
                index.insert_analysed(doc);
                crate::metrics::statements(index.len());
                Ok((stored, true))
            }
            InsertOutcome::Unchanged(stored) => Ok((stored, false)),
            InsertOutcome::Conflict => Err(Error::AlreadyExists { id: statement.id }),
        }
    }

    /// Stores a batch atomically: every valid statement with a free (or
    /// identically held) id; the rest are reported, never half-written.
    /// Each statement comes with its position in the whole import.
    /// Statements are prepared on every core, and analysed for the index
    /// while the store writes them (only those it created are indexed).
    pub fn import_batch(&self, batch: Vec<(u64, Statement)>) -> Result<ImportReport, Error> {
        self.usable()?;
        let mut report = ImportReport::default();
        let prepared: Vec<Prepared> = batch
            .into_par_iter()
            .map(|(index, mut statement)| {
                if statement.id.is_empty() {
                    // Importing the same record again then changes nothing.
                    statement.id = content_id(&statement);
                }
                let id = statement.id.clone();
                (index, id, prepare(statement))
            })
            .collect();
        let mut accepted = Vec::with_capacity(prepared.len());
        let mut positions = Vec::with_capacity(prepared.len());
        for (index, id, result) in prepared {
            match result {
                Ok((statement, unrecognised)) => {
                    report.unrecognised_ratings += unrecognised as u64;
                    accepted.push(statement);
                    positions.push(index);
                }
                Err(error) => report.rejected.push(ImportRejection { index, id, error }),
            }
        }
        let vectors = self.embed_statements(&accepted)?;
        let with_vectors: Vec<(Statement, Option<Vec<f32>>)> =
            accepted.into_iter().zip(vectors).collect();
        let outcomes = {
            let _ordered = self.write_order();
            let (outcomes, analysed) = rayon::join(
                || self.written(self.store.insert_batch(&with_vectors)),
                || analyse_all(&with_vectors),
            );
            let outcomes = outcomes?;
            let mut index = self.write_index();
            for (outcome, doc) in outcomes.iter().zip(analysed) {
                if matches!(outcome, InsertOutcome::Created(_)) {
                    index.insert_analysed(doc);
                }
            }
            crate::metrics::statements(index.len());
            outcomes
        };
        for ((outcome, (statement, _)), index) in
            outcomes.into_iter().zip(&with_vectors).zip(positions)
        {
            match outcome {
                InsertOutcome::Created(_) => report.created += 1,
                InsertOutcome::Unchanged(_) => report.unchanged += 1,
                InsertOutcome::Conflict => report.rejected.push(ImportRejection {
                    index,
                    id: statement.id.clone(),
                    error: FieldError::new("id", "already exists with different content"),
                }),
            }
        }
        report.rejected.sort_by_key(|rejection| rejection.index);
        Ok(report)
    }

    /// The statement with `id`.
    pub fn get(&self, id: &str) -> Result<Statement, Error> {
        self.usable()?;
        validate_id("id", id)?;
        self.store
            .get(id)?
            .ok_or_else(|| Error::NotFound { id: id.to_owned() })
    }

    /// Removes `id` from the store and from check results.
    pub fn delete(&self, id: &str) -> Result<(), Error> {
        self.usable()?;
        validate_id("id", id)?;
        let _ordered = self.write_order();
        if !self.written(self.store.remove(id))? {
            return Err(Error::NotFound { id: id.to_owned() });
        }
        let mut index = self.write_index();
        index.remove(id);
        crate::metrics::statements(index.len());
        Ok(())
    }

    /// True when sentence embeddings re-rank matches.
    pub fn has_embeddings(&self) -> bool {
        self.embedder.is_some()
    }

    /// Makes every write durable (also done by each write before it returns).
    pub fn flush(&self) -> Result<(), Error> {
        Ok(self.store.flush()?)
    }

    /// The write-order lock (see `writes`); a panicked writer left the
    /// store and index as they were, so poisoning is ignored.
    fn write_order(&self) -> MutexGuard<'_, ()> {
        self.writes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read_index(&self) -> std::sync::RwLockReadGuard<'_, Index> {
        self.index
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write_index(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.index
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The index entries of `statements`, analysed on every core.
fn analyse_all(statements: &[(Statement, Option<Vec<f32>>)]) -> Vec<AnalysedDoc> {
    statements
        .par_iter()
        .map(|(statement, vector)| AnalysedDoc {
            vector: vector.clone(),
            ..AnalysedDoc::from_statement(statement)
        })
        .collect()
}

/// Assigns an id when absent, validates, fills the language and create
/// time, and completes the reviews (a first-release `rating` becomes one;
/// each gets its normalised rating). Also returns how many review ratings
/// were not recognised.
/// factdesk's namespace for the name-based (v5) UUIDs of imported records
/// that came without an id.
const CONTENT_ID_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x9d1c_52a4_7f0e_4b8e_a3c1_6b2f_0d48_e915);

/// The id of an imported statement that has none: a UUID derived from its
/// content (every field as JSON; it has no id or create time yet), so the
/// same record imported twice is one statement.
fn content_id(statement: &Statement) -> String {
    let content = serde_json::to_vec(statement).unwrap_or_default();
    uuid::Uuid::new_v5(&CONTENT_ID_NAMESPACE, &content).to_string()
}

fn prepare(mut statement: Statement) -> Result<(Statement, usize), FieldError> {
    if statement.id.is_empty() {
        statement.id = uuid::Uuid::new_v4().to_string();
    }
    validate_id("id", &statement.id)?;
    validate_statement(&statement)?;
    if statement.language.is_empty() {
        statement.language = detect_language(&statement.text).to_owned();
    }
    let unrecognised = statement.complete_reviews();
    statement.create_time = Some(Utc::now());
    statement.update_time = None;
    Ok((statement, unrecognised))
}
