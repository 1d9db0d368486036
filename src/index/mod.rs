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
mod query;
mod snapshot;
mod vectors;

use std::cell::RefCell;
use std::collections::HashMap;

use crate::model::{CheckFilter, Statement};

pub use doc::{AnalysedDoc, DocMeta, FIELDS};
pub use query::Query;
pub use snapshot::Stamp;

/// Weight of each field, in [`FIELDS`] order: text, context, source title.
pub const FIELD_WEIGHTS: [f32; FIELDS] = [1.0, 0.5, 0.8];
/// Share of the statements above which a term only adds to statements that
/// rarer claim terms found (see `Scan::add_terms`).
pub const COMMON_TERM_SHARE: f32 = 0.05;
/// Posting lists this short are always walked in full.
pub const COMMON_TERM_MIN: usize = 1000;
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

thread_local! {
    /// Per-thread score accumulators, one per document number, all zero
    /// between searches (a search resets the ones it touched), so a search
    /// does not allocate and clear a vector as long as the index.
    static ACCUMULATORS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Accumulates BM25F scores over the postings of a set of terms.
struct Scan<'a> {
    index: &'a Index,
    average_lengths: [f32; FIELDS],
    accumulators: Vec<f32>,
    /// Filter outcome per document, when the query filters at all.
    admitted: Option<Vec<Option<bool>>>,
    touched: Vec<u32>,
}

impl<'a> Scan<'a> {
    fn new(index: &'a Index, filter: &CheckFilter) -> Self {
        let mut accumulators = ACCUMULATORS.with(|cell| std::mem::take(&mut *cell.borrow_mut()));
        accumulators.resize(index.docs.len(), 0.0);
        let filtered = *filter != CheckFilter::default();
        Scan {
            index,
            average_lengths: index.average_lengths(),
            accumulators,
            admitted: filtered.then(|| vec![None; index.docs.len()]),
            touched: Vec::new(),
        }
    }

    /// Adds each distinct term's weighted BM25F contribution; returns the
    /// sum of their weighted idf (the query's self-score).
    ///
    /// Terms go rarest first. A term found in more than [`COMMON_TERM_SHARE`]
    /// of the statements (and more than [`COMMON_TERM_MIN`]) only adds to statements that rarer terms already
    /// found (a galloping merge, not a walk of its long posting list), unless
    /// nothing was found yet: a statement sharing only common words with the
    /// claim would not rank anyway, and these lists are the longest.
    fn add_terms(&mut self, terms: &[String], weight: f32, filter: &CheckFilter) -> f32 {
        let index = self.index;
        let mut distinct: Vec<&String> = terms.iter().collect();
        distinct.sort();
        distinct.dedup();
        let mut lists: Vec<&[Posting]> = distinct
            .into_iter()
            .map(|term| index.postings.get(term).map_or(&[][..], Vec::as_slice))
            .collect();
        lists.sort_by_key(|postings| postings.len());
        let common = ((index.len() as f32 * COMMON_TERM_SHARE) as usize).max(COMMON_TERM_MIN);
        let mut touched_sorted = false;
        let mut self_score = 0.0;
        for postings in lists {
            let idf = weight * index.idf(postings.len());
            self_score += idf;
            if postings.len() > common && !self.touched.is_empty() {
                if !touched_sorted {
                    self.touched.sort_unstable();
                    touched_sorted = true;
                }
                self.add_to_touched(postings, idf, filter);
            } else {
                for posting in postings {
                    self.add_posting(posting, idf, filter);
                }
                touched_sorted = false;
            }
        }
        self_score
    }

    /// Adds a term's contribution to the statements already touched (sorted
    /// by document number), finding each in `postings` by galloping search.
    fn add_to_touched(&mut self, postings: &[Posting], idf: f32, filter: &CheckFilter) {
        let mut rest = postings;
        for i in 0..self.touched.len() {
            let doc = self.touched[i];
            let mut bound = 1;
            while bound < rest.len() && rest[bound].doc < doc {
                bound *= 2;
            }
            let at = rest[..(bound + 1).min(rest.len())].partition_point(|p| p.doc < doc);
            rest = &rest[at..];
            match rest.first() {
                Some(posting) if posting.doc == doc => {
                    self.add_posting(posting, idf, filter);
                    rest = &rest[1..];
                }
                Some(_) => {}
                None => break,
            }
        }
    }

    /// Postings only ever name live documents (`remove` drops them).
    fn add_posting(&mut self, posting: &Posting, idf: f32, filter: &CheckFilter) {
        let doc = posting.doc as usize;
        if let Some(admitted) = &mut self.admitted {
            let docs = &self.index.docs;
            let passes = *admitted[doc].get_or_insert_with(|| {
                docs[doc]
                    .as_ref()
                    .is_some_and(|slot| slot.meta.passes(filter))
            });
            if !passes {
                return;
            }
        }
        let lengths = self.index.lengths[doc];
        let accumulator = &mut self.accumulators[doc];
        if *accumulator == 0.0 {
            self.touched.push(posting.doc);
        }
        *accumulator += idf * saturate(posting.tf, lengths, &self.average_lengths);
    }
}

impl Drop for Scan<'_> {
    /// Zeroes what this scan touched and hands the accumulators back.
    fn drop(&mut self) {
        for &doc in &self.touched {
            self.accumulators[doc as usize] = 0.0;
        }
        let accumulators = std::mem::take(&mut self.accumulators);
        ACCUMULATORS.with(|cell| *cell.borrow_mut() = accumulators);
    }
}

/// The inverted index. Not internally synchronised: wrap it in a lock.
#[derive(Debug, Default)]
pub struct Index {
    postings: HashMap<String, Vec<Posting>>,
    docs: Vec<Option<DocSlot>>,
    /// Terms per field of each document number (dense, for the scan).
    lengths: Vec<[u32; FIELDS]>,
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
        self.lengths.push(doc.lengths);
        self.docs.push(Some(DocSlot {
            meta: doc.meta,
            vector: doc.vector.map(Vec::into_boxed_slice),
        }));
    }

    /// Removes a statement by id; false when it was not indexed.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(doc_number) = self.by_id.remove(id) else {
            return false;
        };
        self.docs[doc_number as usize] = None;
        let lengths = self.lengths[doc_number as usize];
        for (total, length) in self.total_lengths.iter_mut().zip(lengths) {
            *total -= u64::from(length);
        }
        self.postings.retain(|_, postings| {
            postings.retain(|posting| posting.doc != doc_number);
            !postings.is_empty()
        });
        true
    }

    /// The filterable attributes of an indexed statement.
    pub fn doc_meta(&self, id: &str) -> Option<&DocMeta> {
        let doc = *self.by_id.get(id)?;
        self.docs[doc as usize].as_ref().map(|slot| &slot.meta)
    }

    /// True when the indexed statement `id` holds `term` in any field.
    /// Posting lists are in document order, so this is a binary search.
    pub fn has_term(&self, id: &str, term: &str) -> bool {
        let (Some(&doc), Some(postings)) = (self.by_id.get(id), self.postings.get(term)) else {
            return false;
        };
        postings
            .binary_search_by_key(&doc, |posting| posting.doc)
            .is_ok()
    }

    /// True when the indexed entry of `doc`'s statement is `doc`: the same
    /// attributes, field lengths and terms (the audit's check that an
    /// update reached the index).
    pub fn describes(&self, doc: &AnalysedDoc) -> bool {
        let Some(&number) = self.by_id.get(&doc.meta.id) else {
            return false;
        };
        self.doc_meta(&doc.meta.id) == Some(&doc.meta)
            && self.lengths[number as usize] == doc.lengths
            && doc
                .term_frequencies
                .keys()
                .all(|term| self.has_term(&doc.meta.id, term))
    }

    /// Inverse document frequency of a term (BM25's, always positive).
    fn idf(&self, document_frequency: usize) -> f32 {
        let n = self.len() as f32;
        let df = document_frequency as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The best `limit` statements for `query` that pass its filter, best
    /// first (ties by id). Only statements sharing at least one claim or
    /// claimant term are considered.
    pub fn search(&self, query: &Query<'_>, limit: usize) -> Vec<Hit> {
        if self.is_empty() || query.terms.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut scan = Scan::new(self, query.filter);
        let self_score = scan.add_terms(query.terms, 1.0, query.filter);
        let claimant_weight = query.ranking.claimant_term_weight;
        if claimant_weight > 0.0 {
            scan.add_terms(query.claimant_terms, claimant_weight, query.filter);
        }
        // Score every touched statement, but clone ids only for the top.
        let mut ranked: Vec<(f32, f32, f32, u32)> = Vec::with_capacity(scan.touched.len());
        let has_context = !query.claimant.is_empty() || query.claim_time.is_some();
        for &doc in &scan.touched {
            let bm25 = scan.accumulators[doc as usize];
            let lexical = (bm25 / self_score).min(1.0);
            // Ranked by the uncapped sum, so context still orders full matches.
            let rank_key = match &self.docs[doc as usize] {
                Some(slot) if has_context => lexical + query.context_bonus(&slot.meta),
                _ => lexical,
            };
            if rank_key.min(1.0) >= query.min_score {
                ranked.push((rank_key, bm25, lexical, doc));
            }
        }
        let id_of = |doc: u32| {
            self.docs[doc as usize]
                .as_ref()
                .map_or("", |slot| slot.meta.id.as_str())
        };
        let order = |a: &(f32, f32, f32, u32), b: &(f32, f32, f32, u32)| {
            b.0.total_cmp(&a.0)
                .then_with(|| b.1.total_cmp(&a.1))
                .then_with(|| id_of(a.3).cmp(id_of(b.3)))
        };
        top_k(&mut ranked, limit, order);
        ranked
            .into_iter()
            .map(|(rank_key, bm25, lexical, doc)| Hit {
                id: id_of(doc).to_owned(),
                bm25,
                lexical,
                score: rank_key.min(1.0),
                semantic: None,
            })
            .collect()
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
mod proptests;
#[cfg(test)]
mod tests;
