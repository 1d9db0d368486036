//! In-memory inverted index with BM25F ranking over three statement fields.
//!
//! Built from the store at start-up and kept current on every write. Fields
//! and weights: `text` 1.0, `context` 0.5, source `title` 0.8 (see
//! [`FIELD_WEIGHTS`]); each field has its own length normalisation, as in
//! BM25F (Robertson & Zaragoza 2009).
//!
//! Scores: a statement's BM25F sum divided by the claim's *self-score* — the
//! sum of the idf of the claim's distinct terms, which is what a statement of
//! average length containing each term once in `text` would get — capped at
//! one. So 1.0 means "covers every claim term", and 0.5 means "covers about
//! half of the claim's weight", whatever the claim. The ranking is the plain
//! BM25F order; normalising does not reorder.

mod doc;

use std::collections::HashMap;

use crate::model::{CheckFilter, Statement};

pub use doc::{AnalysedDoc, DocMeta, FIELDS};

/// Weight of each field, in [`FIELDS`] order: text, context, source title.
pub const FIELD_WEIGHTS: [f32; FIELDS] = [1.0, 0.5, 0.8];
/// BM25 term-frequency saturation.
pub const K1: f32 = 1.2;
/// BM25 length normalisation strength.
pub const B: f32 = 0.75;

/// One statement's occurrences of one term, per field.
#[derive(Clone, Copy, Debug)]
struct Posting {
    doc: u32,
    tf: [u16; FIELDS],
}

/// A stored statement's slot in the index.
#[derive(Debug)]
struct DocSlot {
    meta: DocMeta,
    lengths: [u32; FIELDS],
}

/// A statement the index found for a query.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: String,
    /// Raw BM25F score.
    pub bm25: f32,
    /// Normalised score in 0..1 (see the module docs).
    pub score: f32,
}

/// The inverted index. Not internally synchronised: wrap it in a lock.
#[derive(Debug, Default)]
pub struct Index {
    postings: HashMap<String, Vec<Posting>>,
    docs: Vec<Option<DocSlot>>,
    by_id: HashMap<String, u32>,
    total_lengths: [u64; FIELDS],
}

impl Index {
    /// Number of statements indexed.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Adds (or replaces) a statement.
    pub fn insert(&mut self, statement: &Statement) {
        self.insert_analysed(AnalysedDoc::from_statement(statement));
    }

    /// Adds (or replaces) a statement analysed beforehand, so the analysis
    /// can run outside the index lock.
    pub fn insert_analysed(&mut self, doc: AnalysedDoc) {
        self.remove(&doc.meta.id);
        let doc_number = u32::try_from(self.docs.len()).expect("fewer than 2^32 statements");
        for (term, tf) in doc.term_frequencies {
            self.postings.entry(term).or_default().push(Posting {
                doc: doc_number,
                tf,
            });
        }
        for (total, length) in self.total_lengths.iter_mut().zip(doc.lengths) {
            *total += u64::from(length);
        }
        self.by_id.insert(doc.meta.id.clone(), doc_number);
        self.docs.push(Some(DocSlot {
            meta: doc.meta,
            lengths: doc.lengths,
        }));
    }

    /// Removes a statement by id; false when it was not indexed.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(doc_number) = self.by_id.remove(id) else {
            return false;
        };
        let slot = self.docs[doc_number as usize]
            .take()
            .expect("by_id points at live slots");
        for (total, length) in self.total_lengths.iter_mut().zip(slot.lengths) {
            *total -= u64::from(length);
        }
        self.postings.retain(|_, postings| {
            postings.retain(|posting| posting.doc != doc_number);
            !postings.is_empty()
        });
        true
    }

    /// Inverse document frequency of a term (BM25's, always positive).
    fn idf(&self, document_frequency: usize) -> f32 {
        let n = self.len() as f32;
        let df = document_frequency as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The best `limit` statements for `query_terms` that pass `filter` and
    /// score at least `min_score`, best first (ties by id).
    pub fn search(
        &self,
        query_terms: &[String],
        filter: &CheckFilter,
        min_score: f32,
        limit: usize,
    ) -> Vec<Hit> {
        if self.is_empty() || query_terms.is_empty() || limit == 0 {
            return Vec::new();
        }
        let average_lengths = self.average_lengths();
        let mut accumulators = vec![0f32; self.docs.len()];
        let mut admitted: Vec<Option<bool>> = vec![None; self.docs.len()];
        let mut touched = Vec::new();
        let mut self_score = 0f32;
        let mut distinct = query_terms.to_vec();
        distinct.sort();
        distinct.dedup();
        for term in &distinct {
            let postings = self.postings.get(term).map_or(&[][..], Vec::as_slice);
            let idf = self.idf(postings.len());
            self_score += idf;
            for posting in postings {
                let doc = posting.doc as usize;
                let Some(slot) = &self.docs[doc] else {
                    continue;
                };
                let passes = *admitted[doc].get_or_insert_with(|| slot.meta.passes(filter));
                if !passes {
                    continue;
                }
                if accumulators[doc] == 0.0 {
                    touched.push(posting.doc);
                }
                accumulators[doc] += idf * saturate(posting.tf, slot.lengths, &average_lengths);
            }
        }
        let mut hits: Vec<Hit> = touched
            .into_iter()
            .filter_map(|doc| {
                let bm25 = accumulators[doc as usize];
                let score = (bm25 / self_score).min(1.0);
                let slot = self.docs[doc as usize].as_ref()?;
                (score >= min_score).then(|| Hit {
                    id: slot.meta.id.clone(),
                    bm25,
                    score,
                })
            })
            .collect();
        hits.sort_by(|a, b| b.bm25.total_cmp(&a.bm25).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(limit);
        hits
    }

    fn average_lengths(&self) -> [f32; FIELDS] {
        let count = self.len().max(1) as f32;
        self.total_lengths
            .map(|total| (total as f32 / count).max(1.0))
    }
}

/// BM25F: field-weighted, length-normalised term frequency, saturated.
fn saturate(tf: [u16; FIELDS], lengths: [u32; FIELDS], average: &[f32; FIELDS]) -> f32 {
    let mut weighted = 0f32;
    for field in 0..FIELDS {
        if tf[field] == 0 {
            continue;
        }
        let norm = 1.0 - B + B * lengths[field] as f32 / average[field];
        weighted += FIELD_WEIGHTS[field] * f32::from(tf[field]) / norm;
    }
    weighted * (K1 + 1.0) / (K1 + weighted)
}

#[cfg(test)]
mod tests;
