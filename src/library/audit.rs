//! A full comparison of the store with the index and its vectors, taken
//! under the write lock: the statements stored and the statements indexed
//! must be the same ids, and with embeddings every indexed statement must
//! carry exactly its stored vector, and every indexed statement must be
//! indexed from the version stored. Tests call it after concurrent writes;
//! it costs a scan of the store, so the server never does.

use std::collections::BTreeSet;

use super::Library;
use crate::error::Error;
use crate::index::AnalysedDoc;

/// Where store and index disagree; empty lists when they agree.
#[derive(Debug, Default, PartialEq)]
pub struct Audit {
    /// Stored, but a check can never find them.
    pub only_stored: Vec<String>,
    /// Indexed (a check can return them), but not stored.
    pub only_indexed: Vec<String>,
    /// Indexed from another version of the statement than the one stored
    /// (an update that did not reach the index).
    pub stale: Vec<String>,
    /// With embeddings: indexed without a vector, or with one that is not
    /// the stored one.
    pub vector_mismatch: Vec<String>,
    /// Stored vectors whose statement is gone.
    pub stray_vectors: Vec<String>,
}

impl Audit {
    pub fn agrees(&self) -> bool {
        *self == Audit::default()
    }
}

impl Library {
    /// Compares store, index and vectors; see the module docs.
    pub fn audit(&self) -> Result<Audit, Error> {
        let _writes = self.writes.lock().unwrap_or_else(|p| p.into_inner());
        let index = self.index.read().unwrap_or_else(|p| p.into_inner());
        let mut stored = BTreeSet::new();
        let mut stale = Vec::new();
        for statement in self.store.scan_after(None) {
            let statement = statement?;
            if index.doc_meta(&statement.id).is_some()
                && !index.describes(&AnalysedDoc::from_statement(&statement))
            {
                stale.push(statement.id.clone());
            }
            stored.insert(statement.id);
        }
        let indexed: BTreeSet<String> = index.ids().map(str::to_owned).collect();
        let mut audit = Audit {
            only_stored: stored.difference(&indexed).cloned().collect(),
            only_indexed: indexed.difference(&stored).cloned().collect(),
            stale,
            ..Audit::default()
        };
        if self.embedder.is_some() {
            for id in &indexed {
                let stored_vector = self.store.vector(id)?;
                if stored_vector.is_none() || stored_vector.as_deref() != index.vector(id) {
                    audit.vector_mismatch.push(id.clone());
                }
            }
        }
        for entry in self.store.scan_vectors() {
            let (id, _) = entry?;
            if !stored.contains(&id) {
                audit.stray_vectors.push(id);
            }
        }
        Ok(audit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Statement;
    use crate::store::Store;

    fn statement(id: &str, text: &str) -> Statement {
        Statement {
            id: id.into(),
            text: text.into(),
            ..Statement::default()
        }
    }

    #[test]
    fn audit_finds_each_kind_of_disagreement() {
        let library = Library::new(Store::temporary().unwrap()).unwrap();
        library
            .create(statement("kept", "The quay lamp was lit"))
            .unwrap();
        library
            .create(statement("unindexed", "The ferry left at dawn"))
            .unwrap();
        assert!(library.audit().unwrap().agrees());
        {
            let mut index = library.index.write().unwrap();
            index.remove("unindexed");
            index.insert(&statement("ghost", "Never stored"));
        }
        library
            .create(statement("edited", "The tide came in early"))
            .unwrap();
        library
            .index
            .write()
            .unwrap()
            .insert(&statement("edited", "The tide went out late"));
        let audit = library.audit().unwrap();
        assert_eq!(audit.stale, ["edited"]);
        assert_eq!(audit.only_stored, ["unindexed"]);
        assert_eq!(audit.only_indexed, ["ghost"]);
        assert!(!audit.agrees());
    }
}
