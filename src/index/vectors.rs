//! Brute-force nearest neighbours over the statements' sentence embeddings
//! (unit vectors, so the dot product is the cosine).

use crate::model::CheckFilter;

use super::{top_k, Index};

impl Index {
    /// Sets (or replaces) the embedding of an indexed statement.
    pub fn set_vector(&mut self, id: &str, vector: Vec<f32>) -> bool {
        let Some(&doc) = self.by_id.get(id) else {
            return false;
        };
        match self.docs[doc as usize].as_mut() {
            Some(slot) => {
                slot.vector = Some(vector.into_boxed_slice());
                true
            }
            None => false,
        }
    }

    /// The embedding of an indexed statement, if it has one.
    pub fn vector(&self, id: &str) -> Option<&[f32]> {
        let doc = *self.by_id.get(id)?;
        self.docs[doc as usize].as_ref()?.vector.as_deref()
    }

    /// Ids of the indexed statements, in no order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }

    /// Ids of statements that have no embedding yet.
    pub fn ids_without_vector(&self) -> Vec<String> {
        self.docs
            .iter()
            .flatten()
            .filter(|slot| slot.vector.is_none())
            .map(|slot| slot.meta.id.clone())
            .collect()
    }

    /// Cosine between `query` and the statement's embedding, if it has one.
    pub fn cosine(&self, id: &str, query: &[f32]) -> Option<f32> {
        let doc = *self.by_id.get(id)?;
        let vector = self.docs[doc as usize].as_ref()?.vector.as_ref()?;
        Some(dot(vector, query))
    }

    /// The `limit` statements passing `filter` whose embeddings are closest
    /// to `query`, best first, as `(id, cosine)`.
    pub fn nearest(&self, query: &[f32], filter: &CheckFilter, limit: usize) -> Vec<(String, f32)> {
        let mut scored: Vec<(f32, u32)> = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(doc, slot)| {
                let slot = slot.as_ref()?;
                let vector = slot.vector.as_ref()?;
                slot.meta
                    .passes(filter)
                    .then(|| (dot(vector, query), doc as u32))
            })
            .collect();
        let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        top_k(&mut scored, limit, order);
        scored
            .into_iter()
            .filter_map(|(cosine, doc)| {
                Some((self.docs[doc as usize].as_ref()?.meta.id.clone(), cosine))
            })
            .collect()
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
