//! Corrections (UpdateStatement): the fields an update mask names change,
//! checked against the caller's etag; the store, the embedding and the
//! search index move to the new version together.

use chrono::Utc;

use super::Library;
use crate::error::Error;
use crate::index::AnalysedDoc;
use crate::model::{
    detect_language, validate_id, validate_statement, Review, Statement, UpdateMask,
};
use crate::store::{ReplaceOutcome, VectorChange};

/// Attempts when another write changes the statement between the read and
/// the write of an update made without an etag.
const ATTEMPTS: usize = 3;

/// One update: the statement's id, the new values, the fields to take from
/// them, and the etag the caller read (if any).
#[derive(Debug, Clone)]
pub struct Update {
    pub id: String,
    pub values: Statement,
    pub mask: UpdateMask,
    pub etag: Option<String>,
}

impl Library {
    /// Applies `update` and returns the statement as now stored. NOT_FOUND
    /// when absent, ABORTED when `etag` is given and no longer current;
    /// an update that changes nothing returns the stored statement as it is.
    pub fn update(&self, update: Update) -> Result<Statement, Error> {
        self.usable()?;
        validate_id("statement.id", &update.id)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let current = self.get(&update.id)?;
            if let Some(expected) = &update.etag {
                let etag = current.etag();
                if *expected != etag {
                    return Err(Error::Aborted {
                        id: update.id,
                        expected: expected.clone(),
                        current: etag,
                    });
                }
            }
            let changed = changed(&current, &update)?;
            if changed.same_content(&current) {
                return Ok(current);
            }
            let vector = self.vector_change(&current, &changed)?;
            // Checks rank under the index's read lock and then read the
            // statements they found: holding the write lock across the store
            // write means no check pairs the old index entry with the new
            // text.
            let _ordered = self.write_order();
            let mut index = self.write_index();
            match self.written(self.store.replace(&current, &changed, &vector))? {
                ReplaceOutcome::Replaced => {
                    let vector = match vector {
                        VectorChange::Set(vector) => Some(vector),
                        VectorChange::Remove => None,
                        VectorChange::Keep => self.indexed_vector(&changed.id)?,
                    };
                    // Replaces the old entry in the same step.
                    index.insert_analysed(AnalysedDoc {
                        vector,
                        ..AnalysedDoc::from_statement(&changed)
                    });
                    return Ok(changed);
                }
                ReplaceOutcome::Missing => return Err(Error::NotFound { id: update.id }),
                ReplaceOutcome::Changed if update.etag.is_none() && attempt < ATTEMPTS => {}
                ReplaceOutcome::Changed => {
                    let current = self.get(&update.id)?.etag();
                    return Err(Error::Aborted {
                        id: update.id,
                        expected: update.etag.unwrap_or_default(),
                        current,
                    });
                }
            }
        }
    }

    /// The embedding the changed statement needs: the stored one while the
    /// text is the same, a new one when a model is loaded, else none.
    fn vector_change(
        &self,
        current: &Statement,
        changed: &Statement,
    ) -> Result<VectorChange, Error> {
        if changed.text == current.text {
            return Ok(VectorChange::Keep);
        }
        let mut vectors = self.embed_statements(std::slice::from_ref(changed))?;
        Ok(match vectors.pop().flatten() {
            Some(vector) => VectorChange::Set(vector),
            None => VectorChange::Remove,
        })
    }

    /// The stored embedding of `id` when embeddings are in use (the index
    /// holds none otherwise).
    fn indexed_vector(&self, id: &str) -> Result<Option<Vec<f32>>, Error> {
        if self.embedder.is_none() {
            return Ok(None);
        }
        Ok(self.store.vector(id)?)
    }
}

/// `current` with the update's fields applied, validated and completed as a
/// create would be: language detected when cleared, reviews normalised,
/// `update_time` now.
fn changed(current: &Statement, update: &Update) -> Result<Statement, Error> {
    let mut changed = current.clone();
    update.mask.apply(&mut changed, &update.values);
    if update.mask.rating_without_reviews() && reviews_follow_rating(current) {
        // The reviews were read from the old rating; read them again.
        changed.reviews.clear();
    }
    validate_statement(&changed).map_err(|error| error.within("statement"))?;
    if changed.language.is_empty() {
        changed.language = detect_language(&changed.text).to_owned();
    }
    changed.complete_reviews();
    changed.update_time = Some(Utc::now());
    Ok(changed)
}

/// True when `statement`'s only review is the one its first-release
/// `rating` was read as.
fn reviews_follow_rating(statement: &Statement) -> bool {
    let Some(rating) = &statement.rating else {
        return false;
    };
    let mut read = Review::from_rating(rating);
    read.normalize();
    statement.reviews == [read]
}
