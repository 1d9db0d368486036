//! Changing a stored statement in place (UpdateStatement): the statement and
//! its embedding in one transaction, only if the stored version is still the
//! one the change was made from.

use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;

use super::{keys, Store, StoreError};
use crate::model::Statement;

/// What happens to a statement's stored embedding when it changes.
#[derive(Debug, Clone, PartialEq)]
pub enum VectorChange {
    /// The text is the same: the embedding stays.
    Keep,
    /// The text changed and the model embedded it again.
    Set(Vec<f32>),
    /// The text changed and no model is loaded: the old embedding no longer
    /// describes it, so it goes (a start with a model computes it again).
    Remove,
}

/// Result of [`Store::replace`].
#[derive(Debug, Clone, PartialEq)]
pub enum ReplaceOutcome {
    /// Stored now, durably.
    Replaced,
    /// Nothing is stored under the id.
    Missing,
    /// The stored statement is no longer `expected`; nothing changed.
    Changed,
}

impl Store {
    /// Stores `changed` in place of `expected` (same id), with the
    /// embedding change, in one transaction, durably.
    pub fn replace(
        &self,
        expected: &Statement,
        changed: &Statement,
        vector: &VectorChange,
    ) -> Result<ReplaceOutcome, StoreError> {
        let key = keys::statement_key(&changed.id);
        let value = self.compress_json(changed.to_json_line().into_bytes());
        let vector_bytes = match vector {
            VectorChange::Set(vector) => Some(keys::encode_vector(vector)),
            VectorChange::Keep | VectorChange::Remove => None,
        };
        let outcome = (&self.statements, &self.vectors)
            .transaction(|(statements, vectors)| {
                let Some(bytes) = statements.get(key.as_slice())? else {
                    return Ok(ReplaceOutcome::Missing);
                };
                let stored = self
                    .decode(&changed.id, &bytes)
                    .map_err(ConflictableTransactionError::Abort)?;
                if stored != *expected {
                    return Ok(ReplaceOutcome::Changed);
                }
                statements.insert(key.as_slice(), value.as_slice())?;
                match (&vector_bytes, vector) {
                    (Some(bytes), _) => {
                        vectors.insert(key.as_slice(), bytes.as_slice())?;
                    }
                    (None, VectorChange::Remove) => {
                        vectors.remove(key.as_slice())?;
                    }
                    (None, _) => {}
                }
                Ok(ReplaceOutcome::Replaced)
            })
            .map_err(|error| match error {
                TransactionError::Abort(error) => error,
                TransactionError::Storage(error) => StoreError::from(error),
            })?;
        if outcome == ReplaceOutcome::Replaced {
            self.commit()?;
        }
        Ok(outcome)
    }
}
