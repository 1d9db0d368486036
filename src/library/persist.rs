//! The index kept on disk beside the store (`factdesk.index`), so a start
//! loads it instead of analysing every statement again. It is read only
//! when its stamp matches the store as opened: the same write generation,
//! statement count and embedding model. Every durable write raises the
//! generation, so a file written before a write (a crash between store and
//! index, a kill) never matches, and the index is rebuilt from the store.
//! The file is written after a rebuild and when the library closes
//! (`Drop`), each time to a temporary name, synced, then renamed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use super::Library;
use crate::embed::Embedder;
use crate::error::Error;
use crate::index::{AnalysedDoc, Index, Stamp};
use crate::store::Store;

/// The index file's name in the database directory.
pub const INDEX_FILE: &str = "factdesk.index";

/// The index of `store`: from the index file when its stamp matches,
/// else built from the store (with the stored vectors of `embedder`'s
/// model, missing ones computed); true when it came from the file.
pub(super) fn open_index(
    store: &Store,
    embedder: Option<&Arc<Embedder>>,
) -> Result<(Index, bool), Error> {
    let model = embedder.map_or(String::new(), |embedder| embedder.model_id().to_owned());
    // With a model, the file's vectors serve only if the store's are this
    // model's (a new model re-embeds everything).
    let vectors_current =
        embedder.is_none() || store.embedding_model()?.as_deref() == Some(model.as_str());
    if let Some(dir) = store.directory().filter(|_| vectors_current) {
        if let Some(index) = load(store, dir, &model) {
            return Ok((index, true));
        }
    }
    let mut index = build_index(store)?;
    if let Some(embedder) = embedder {
        super::semantic::load_vectors(store, &mut index, embedder)?;
    }
    Ok((index, false))
}

/// The index in `dir`'s file when its stamp matches `store` and `model`
/// (the embedding model id, empty for none); `None`, with the reason
/// logged, when there is no usable file.
fn load(store: &Store, dir: &Path, model: &str) -> Option<Index> {
    let path = dir.join(INDEX_FILE);
    let started = Instant::now();
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "index file unreadable; rebuilding");
            return None;
        }
    };
    let generation = match store.generation() {
        Ok(generation) => generation,
        Err(error) => {
            tracing::warn!(%error, "cannot read the store's generation; rebuilding the index");
            return None;
        }
    };
    let found = match Index::snapshot_stamp(&bytes) {
        Ok(found) => found,
        Err(reason) => {
            tracing::warn!(path = %path.display(), reason, "index file refused; rebuilding");
            return None;
        }
    };
    if found.generation != generation || found.model != model {
        tracing::info!(
            file_generation = found.generation,
            store_generation = generation,
            "index file is from another state of the store; rebuilding"
        );
        return None;
    }
    // Counting the store's statements is a walk over all of them (sled
    // keeps no count): it runs beside the file's decoding, not before it.
    let (statements, decoded) = rayon::join(|| store.len(), || Index::from_snapshot(&bytes));
    if found.statements != statements as u64 {
        tracing::info!(
            file_statements = found.statements,
            store_statements = statements,
            "index file counts other statements than the store; rebuilding"
        );
        return None;
    }
    match decoded {
        Ok((index, _)) if index.len() == statements => {
            tracing::info!(
                statements = index.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "index loaded from its file"
            );
            Some(index)
        }
        Ok(_) => {
            tracing::warn!("index file counts other statements than its stamp; rebuilding");
            None
        }
        Err(reason) => {
            tracing::warn!(path = %path.display(), reason, "index file refused; rebuilding");
            None
        }
    }
}

/// What an index of `store` as it stands now is stamped with.
fn stamp(store: &Store, model: &str) -> Result<Stamp, crate::store::StoreError> {
    Ok(Stamp {
        generation: store.generation()?,
        statements: store.len() as u64,
        model: model.to_owned(),
    })
}

impl Library {
    /// Writes the index file when the store has changed since it was last
    /// written or read; false when there was nothing to write (a temporary
    /// database, no change, or a failed store).
    pub fn save_index(&self) -> std::io::Result<bool> {
        let Some(dir) = self.store.directory() else {
            return Ok(false);
        };
        if self.usable().is_err() {
            return Ok(false);
        }
        let _ordered = self.write_order();
        let index = self.read_index();
        let stamp = stamp(&self.store, self.model_tag()).map_err(std::io::Error::other)?;
        let mut saved = self
            .saved_generation
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if *saved == Some(stamp.generation) {
            return Ok(false);
        }
        let started = Instant::now();
        let bytes = index.to_snapshot(&stamp);
        write_atomically(&dir.join(INDEX_FILE), &bytes)?;
        *saved = Some(stamp.generation);
        tracing::info!(
            bytes = bytes.len(),
            generation = stamp.generation,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "index file written"
        );
        Ok(true)
    }

    /// The embedding model the index's vectors come from, empty for none.
    pub(super) fn model_tag(&self) -> &str {
        self.embedder
            .as_ref()
            .map_or("", |embedder| embedder.model_id())
    }
}

impl Drop for Library {
    fn drop(&mut self) {
        if let Err(error) = self.save_index() {
            tracing::warn!(%error, "index file not written; the next start rebuilds the index");
        }
    }
}

/// Writes `bytes` to `path` so that a crash leaves the old file or the new
/// one, never a part: a temporary file, synced, renamed, directory synced.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = PathBuf::from(format!("{}.tmp", path.display()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        if let Some(dir) = path.parent() {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Statements read, analysed in parallel and indexed per step at start-up.
const REBUILD_CHUNK: usize = 4096;

/// The index of every stored statement: read in chunks, each chunk
/// analysed on every core, inserted in store order.
fn build_index(store: &Store) -> Result<Index, Error> {
    let mut index = Index::default();
    let mut chunk = Vec::with_capacity(REBUILD_CHUNK);
    let mut statements = store.scan_after(None).peekable();
    while statements.peek().is_some() {
        chunk.clear();
        for statement in statements.by_ref().take(REBUILD_CHUNK) {
            chunk.push(statement?);
        }
        let analysed: Vec<AnalysedDoc> =
            chunk.par_iter().map(AnalysedDoc::from_statement).collect();
        for doc in analysed {
            index.insert_analysed(doc);
        }
    }
    Ok(index)
}
