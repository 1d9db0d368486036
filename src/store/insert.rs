//! Writing new statements: one or a batch, each only where its id is free
//! or already holds the same content, in one transaction with their
//! embeddings, durably.

use rayon::prelude::*;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;

use super::{keys, Store, StoreError};
use crate::model::Statement;

/// Result of writing a statement that must not overwrite another.
#[derive(Clone, Debug, PartialEq)]
pub enum InsertOutcome {
    /// Stored now.
    Created(Statement),
    /// The id already held the same content; nothing changed.
    Unchanged(Statement),
    /// The id holds different content; nothing changed.
    Conflict,
}

/// A statement ready to write: key, stored value, embedding bytes.
type EncodedStatement = (Vec<u8>, Vec<u8>, Option<Vec<u8>>);

impl Store {
    /// Stores `statement` (and its embedding, if any) unless its id is
    /// taken, durably.
    pub fn insert_new(
        &self,
        statement: &Statement,
        vector: Option<&[f32]>,
    ) -> Result<InsertOutcome, StoreError> {
        let batch = [(statement.clone(), vector.map(<[f32]>::to_vec))];
        let mut outcomes = self.insert_batch(&batch)?;
        Ok(outcomes.remove(0))
    }

    /// Stores every statement whose id is free, with its embedding, in one
    /// transaction, durably. Returns one outcome per input, in order.
    /// Records are encoded on every core; the first batch that brings the
    /// database to enough statements trains its record dictionary.
    pub fn insert_batch(
        &self,
        batch: &[(Statement, Option<Vec<f32>>)],
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        let json: Vec<Vec<u8>> = batch
            .par_iter()
            .map(|(statement, _)| statement.to_json_line().into_bytes())
            .collect();
        self.train_dictionary_if_due(&json)?;
        let encoded: Vec<EncodedStatement> = batch
            .par_iter()
            .zip(json)
            .map(|((statement, vector), json)| {
                let key = keys::statement_key(&statement.id);
                (
                    key,
                    self.compress_json(json),
                    vector.as_deref().map(keys::encode_vector),
                )
            })
            .collect();
        let outcomes = (&self.statements, &self.vectors)
            .transaction(|(statements, vectors)| {
                let mut outcomes = Vec::with_capacity(batch.len());
                for ((statement, _), (key, value, vector)) in batch.iter().zip(&encoded) {
                    let outcome = match statements.get(key)? {
                        None => {
                            statements.insert(key.as_slice(), value.as_slice())?;
                            if let Some(vector) = vector {
                                vectors.insert(key.as_slice(), vector.as_slice())?;
                            }
                            InsertOutcome::Created(statement.clone())
                        }
                        Some(bytes) => self
                            .compare_existing(&statement.id, &bytes, statement)
                            .map_err(ConflictableTransactionError::Abort)?,
                    };
                    outcomes.push(outcome);
                }
                Ok(outcomes)
            })
            .map_err(|error| match error {
                TransactionError::Abort(error) => error,
                TransactionError::Storage(error) => StoreError::from(error),
            })?;
        if outcomes
            .iter()
            .any(|o| matches!(o, InsertOutcome::Created(_)))
        {
            self.commit()?;
        }
        Ok(outcomes)
    }
}

impl Store {
    /// Whether the record `current` stored under `id` holds `wanted`'s
    /// content.
    fn compare_existing(
        &self,
        id: &str,
        current: &[u8],
        wanted: &Statement,
    ) -> Result<InsertOutcome, StoreError> {
        let stored = self.decode(id, current)?;
        if stored.same_content(wanted) {
            Ok(InsertOutcome::Unchanged(stored))
        } else {
            Ok(InsertOutcome::Conflict)
        }
    }
}
