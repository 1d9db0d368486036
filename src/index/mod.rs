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

mod ann;
mod context;
mod doc;
mod postings;
mod query;
mod search;
mod snapshot;
mod vectors;

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::model::{CheckFilter, Statement};

pub use ann::AnnStats;
pub use doc::{AnalysedDoc, DocMeta, FIELDS};
pub use query::Query;
pub use snapshot::Stamp;

use postings::{Bounds, Posting, PostingList};

/// Weight of each field, in [`FIELDS`] order: text, context, source title.
pub const FIELD_WEIGHTS: [f32; FIELDS] = [1.0, 0.5, 0.8];
/// BM25 term-frequency saturation.
pub const K1: f32 = 1.2;
/// BM25 length normalisation strength.
pub const B: f32 = 0.3;

/// A stored statement's slot in the index.
#[derive(Debug)]
struct DocSlot {
    meta: DocMeta,
    vector: Option<Box<[f32]>>,
}

/// A statement the index found for a query.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: String,
    /// Raw BM25F score (claim and claimant terms).
    pub bm25: f32,
    /// Normalised lexical score in 0..1 (see the module docs).
    pub lexical: f32,
    /// `lexical` plus the request-context bonuses, capped at 1. Hits are
    /// ordered by the uncapped sum.
    pub score: f32,
    /// Cosine between claim and statement embeddings, when re-ranked.
    pub semantic: Option<f32>,
}

/// The inverted index. Not internally synchronised: wrap it in a lock.
#[derive(Debug, Default)]
pub struct Index {
    postings: HashMap<String, PostingList, RandomState>,
    docs: Vec<Option<DocSlot>>,
    /// Terms per field of each document number (dense, for the scan).
    lengths: Vec<[u32; FIELDS]>,
    by_id: HashMap<String, u32, RandomState>,
    total_lengths: [u64; FIELDS],
    /// Field lengths the posting lists' block bounds hold at; always at or
    /// above the averages.
    bounds: Bounds,
    /// The nearest-neighbour graph over the documents' vectors (`ann.rs`).
    ann: ann::Ann,
    /// Speaker and time by document number, for the context bonus.
    contexts: context::Contexts,
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
        for (total, length) in self.total_lengths.iter_mut().zip(doc.lengths) {
            *total += u64::from(length);
        }
        self.by_id.insert(doc.meta.id.clone(), doc_number);
        self.lengths.push(doc.lengths);
        self.contexts.push(&doc.meta);
        let has_vector = doc.vector.is_some();
        self.docs.push(Some(DocSlot {
            meta: doc.meta,
            vector: doc.vector.map(Vec::into_boxed_slice),
        }));
        self.keep_bounds();
        for (term, tf) in doc.term_frequencies {
            let posting = Posting {
                doc: doc_number,
                tf,
            };
            self.postings
                .entry(term)
                .or_default()
                .push(posting, doc.lengths, &self.bounds);
        }
        if has_vector {
            self.ann.vector_set(doc_number, &self.docs);
        }
    }

    /// Removes a statement by id; false when it was not indexed.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(doc_number) = self.by_id.remove(id) else {
            return false;
        };
        self.docs[doc_number as usize] = None;
        self.contexts.remove(doc_number);
        self.ann.forget(doc_number);
        let lengths = self.lengths[doc_number as usize];
        for (total, length) in self.total_lengths.iter_mut().zip(lengths) {
            *total -= u64::from(length);
        }
        let (all_lengths, bounds) = (&self.lengths, &self.bounds);
        self.postings.retain(|_, list| {
            list.remove(doc_number, all_lengths, bounds);
            !list.is_empty()
        });
        self.keep_bounds();
        true
    }

    /// Recomputes every block bound when an average field length has
    /// passed the lengths they were taken at.
    fn keep_bounds(&mut self) {
        let averages = self.average_lengths();
        if self.bounds.covers(&averages) {
            return;
        }
        self.bounds = Bounds::above(&averages);
        for list in self.postings.values_mut() {
            list.rebound(&self.lengths, &self.bounds);
        }
    }

    /// True when document `doc` is live and passes `filter`.
    fn passes_filter(&self, doc: u32, filter: &CheckFilter) -> bool {
        self.docs[doc as usize]
            .as_ref()
            .is_some_and(|slot| slot.meta.passes(filter))
    }

    /// The filterable attributes of an indexed statement.
    pub fn doc_meta(&self, id: &str) -> Option<&DocMeta> {
        let doc = *self.by_id.get(id)?;
        self.docs[doc as usize].as_ref().map(|slot| &slot.meta)
    }

    /// True when the indexed statement `id` holds `term` in any field.
    /// Posting lists are in document order, so this is a binary search.
    pub fn has_term(&self, id: &str, term: &str) -> bool {
        self.term_test(id)(term)
    }

    /// [`Index::has_term`] for the statement `id`, found once for many
    /// terms.
    pub fn term_test(&self, id: &str) -> impl Fn(&str) -> bool + '_ {
        let doc = self.by_id.get(id).copied();
        move |term| {
            let (Some(doc), Some(postings)) = (doc, self.postings.get(term)) else {
                return false;
            };
            postings
                .postings()
                .binary_search_by_key(&doc, |posting| posting.doc)
                .is_ok()
        }
    }

    /// True when the indexed entry of `doc`'s statement is `doc`: the same
    /// attributes, field lengths and terms (the audit's check that an
    /// update reached the index).
    pub fn describes(&self, doc: &AnalysedDoc) -> bool {
        let Some(&number) = self.by_id.get(&doc.meta.id) else {
            return false;
        };
        let holds = self.term_test(&doc.meta.id);
        self.doc_meta(&doc.meta.id) == Some(&doc.meta)
            && self.lengths[number as usize] == doc.lengths
            && doc.term_frequencies.keys().all(|term| holds(term))
    }

    /// Inverse document frequency of a term (BM25's, always positive).
    fn idf(&self, document_frequency: usize) -> f32 {
        let n = self.len() as f32;
        let df = document_frequency as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    fn average_lengths(&self) -> [f32; FIELDS] {
        let count = self.len().max(1) as f32;
        self.total_lengths
            .map(|total| (total as f32 / count).max(1.0))
    }
}

/// Keeps the best `limit` items under `order` (best first), sorted, without
/// sorting the rest.
fn top_k<T>(items: &mut Vec<T>, limit: usize, order: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if items.len() > limit {
        items.select_nth_unstable_by(limit, &order);
        items.truncate(limit);
    }
    items.sort_by(order);
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod pruning_tests;
#[cfg(test)]
mod tests;
