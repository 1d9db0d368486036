//! Top-k retrieval with safe dynamic pruning: block-max MaxScore
//! (Turtle & Flood 1995; Ding & Suel 2011) over the block bounds of
//! `postings`.
//!
//! Query terms are split by their score upper bounds: the *essential*
//! ones, whose lists are walked in document order to find candidates, and
//! the rest, which together cannot lift a statement into the top `k`, and
//! are only probed for candidates the essential terms found, cheapest
//! bound last, giving up on a statement as soon as its bound falls below
//! the k-th score. Bounds only ever overestimate, and a statement is given
//! up only when strictly below, so the result is exactly that of scoring
//! every statement ([`Index::search_exhaustive`]); the property tests
//! check this.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::postings::{saturate, weight, PostingList, BLOCK};
use super::{top_k, Hit, Index, Query};

/// Relative slack on bounds, for `f32` sums taken in another order.
const SLACK: f32 = 1e-5;

/// One query term: its list, weighted idf and where the walk is.
struct Term<'a> {
    list: &'a PostingList,
    idf: f32,
    /// Upper bound of its contribution to any statement.
    bound: f32,
    at: usize,
}

impl Term<'_> {
    fn doc(&self) -> Option<u32> {
        self.list.postings().get(self.at).map(|posting| posting.doc)
    }
}

/// A scored statement: ranking key, raw BM25F, normalised lexical score,
/// document number.
type Scored = (f32, f32, f32, u32);

/// A statement in the running top, ordered worst first (so a max-heap's
/// top is the one to drop).
struct Ranked<'a> {
    scored: Scored,
    id: &'a str,
}

impl Ord for Ranked<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .scored
            .0
            .total_cmp(&self.scored.0)
            .then_with(|| other.scored.1.total_cmp(&self.scored.1))
            .then_with(|| self.id.cmp(other.id))
    }
}

impl PartialOrd for Ranked<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked<'_> {}

impl Index {
    /// The best `limit` statements for `query` that pass its filter, best
    /// first (ties by id). Only statements sharing at least one claim or
    /// claimant term are considered.
    pub fn search(&self, query: &Query<'_>, limit: usize) -> Vec<Hit> {
        self.run(query, limit, true)
    }

    /// [`Index::search`] without pruning: every statement holding a query
    /// term is scored. The reference the pruned search must equal.
    pub fn search_exhaustive(&self, query: &Query<'_>, limit: usize) -> Vec<Hit> {
        self.run(query, limit, false)
    }

    fn run(&self, query: &Query<'_>, limit: usize, prune: bool) -> Vec<Hit> {
        if self.is_empty() || query.terms.is_empty() || limit == 0 || query.min_score > 1.0 {
            return Vec::new();
        }
        let (mut terms, self_score) = self.terms(query);
        let has_context = !query.claimant.is_empty() || query.claim_time.is_some();
        let mut walk = Walk {
            index: self,
            query,
            averages: self.average_lengths(),
            self_score,
            has_context,
            max_bonus: if has_context { max_bonus(query) } else { 0.0 },
            filtered: *query.filter != Default::default(),
            limit,
            top: BinaryHeap::with_capacity(limit + 1),
            contributions: vec![0.0; terms.len()],
        };
        walk.run(&mut terms, prune);
        let mut top: Vec<Scored> = walk.top.into_iter().map(|ranked| ranked.scored).collect();
        let order = |a: &Scored, b: &Scored| self.order(a, b);
        top_k(&mut top, limit, order);
        top.into_iter()
            .map(|(rank_key, bm25, lexical, doc)| Hit {
                id: self.id_of(doc).to_owned(),
                bm25,
                lexical,
                score: rank_key.min(1.0),
                semantic: None,
            })
            .collect()
    }

    /// The query's terms with their lists (claim terms, then claimant
    /// terms, each distinct and rarest first: the order scores are summed
    /// in), and the claim's self-score.
    fn terms<'a>(&'a self, query: &Query<'_>) -> (Vec<Term<'a>>, f32) {
        let mut terms = Vec::new();
        let mut self_score = 0.0;
        let claimant_weight = query.ranking.claimant_term_weight;
        for (words, weight, claim) in [
            (query.terms, 1.0, true),
            (query.claimant_terms, claimant_weight, false),
        ] {
            if weight <= 0.0 {
                continue;
            }
            let mut distinct: Vec<&String> = words.iter().collect();
            distinct.sort();
            distinct.dedup();
            let mut lists: Vec<Option<&PostingList>> = distinct
                .into_iter()
                .map(|term| self.postings.get(term))
                .collect();
            lists.sort_by_key(|list| list.map_or(0, PostingList::len));
            for list in lists {
                let idf = weight * self.idf(list.map_or(0, PostingList::len));
                if claim {
                    self_score += idf;
                }
                if let Some(list) = list {
                    let bound = idf * saturate(list.max_weight());
                    terms.push(Term {
                        list,
                        idf,
                        bound,
                        at: 0,
                    });
                }
            }
        }
        (terms, self_score)
    }

    fn id_of(&self, doc: u32) -> &str {
        self.docs[doc as usize]
            .as_ref()
            .map_or("", |slot| slot.meta.id.as_str())
    }

    /// Best first: ranking key, then raw score, then id.
    fn order(&self, a: &Scored, b: &Scored) -> Ordering {
        b.0.total_cmp(&a.0)
            .then_with(|| b.1.total_cmp(&a.1))
            .then_with(|| self.id_of(a.3).cmp(self.id_of(b.3)))
    }
}

/// The most the request context can add to any statement's key.
fn max_bonus(query: &Query<'_>) -> f32 {
    let mut bonus = 0.0;
    if !query.claimant.is_empty() {
        bonus += query.ranking.speaker_bonus.max(0.0);
    }
    if query.claim_time.is_some() {
        bonus += query.ranking.time_weight.max(0.0);
    }
    bonus
}

/// One search's state.
struct Walk<'a, 'q> {
    index: &'a Index,
    query: &'q Query<'q>,
    averages: [f32; super::FIELDS],
    self_score: f32,
    has_context: bool,
    max_bonus: f32,
    filtered: bool,
    limit: usize,
    /// The best so far, worst on top; at most `limit`.
    top: BinaryHeap<Ranked<'a>>,
    /// Each term's contribution to the statement being scored.
    contributions: Vec<f32>,
}

impl<'a> Walk<'a, '_> {
    /// Walks the lists in document order, scoring candidates into `top`.
    fn run(&mut self, terms: &mut [Term<'_>], prune: bool) {
        let mut by_bound: Vec<usize> = (0..terms.len()).collect();
        by_bound.sort_by(|&a, &b| terms[a].bound.total_cmp(&terms[b].bound));
        // prefix[i]: the sum of the i smallest bounds.
        let mut prefix = vec![0.0f32; terms.len() + 1];
        for (i, &term) in by_bound.iter().enumerate() {
            prefix[i + 1] = prefix[i] + terms[term].bound;
        }
        // Terms by_bound[..essential_from] cannot together reach the top.
        let mut essential_from = 0;
        let mut threshold = self.query.min_score;
        loop {
            if prune {
                while essential_from < terms.len()
                    && self.below(prefix[essential_from + 1], self.max_bonus, threshold)
                {
                    essential_from += 1;
                }
            }
            let essential = &by_bound[essential_from..];
            let Some(doc) = essential.iter().filter_map(|&term| terms[term].doc()).min() else {
                break;
            };
            let mut partial = 0.0;
            for &term in essential {
                if terms[term].doc() == Some(doc) {
                    partial += self.contribution(terms, term, doc);
                    terms[term].at += 1;
                }
            }
            if !self.filtered || self.index.passes(doc, self.query.filter) {
                let bonus = self.bonus(doc);
                let rest = &by_bound[..essential_from];
                if self.probe(terms, rest, doc, partial, bonus, threshold) {
                    self.admit(doc, bonus);
                    if self.top.len() >= self.limit {
                        if let Some(worst) = self.top.peek() {
                            threshold = threshold.max(worst.scored.0);
                        }
                    }
                }
            }
            self.contributions.fill(0.0);
        }
    }

    /// Adds the non-essential terms' contributions to a candidate, largest
    /// bound first, block bounds before postings; false when the statement
    /// cannot reach `threshold`.
    fn probe(
        &mut self,
        terms: &mut [Term<'_>],
        rest: &[usize],
        doc: u32,
        mut partial: f32,
        bonus: f32,
        threshold: f32,
    ) -> bool {
        if self.below(partial + self.bound_of(terms, rest), bonus, threshold) {
            return false;
        }
        // Tighten each term's bound to that of the block `doc` would be in.
        let mut blocks = Vec::with_capacity(rest.len());
        let mut remaining = 0.0;
        for &term in rest {
            let entry = &terms[term];
            let bound = entry
                .list
                .block_of(doc, entry.at / BLOCK)
                .map_or(0.0, |block| {
                    entry.idf * saturate(entry.list.block_max(block))
                });
            blocks.push(bound);
            remaining += bound;
        }
        for (&term, bound) in rest.iter().zip(blocks).rev() {
            if self.below(partial + remaining, bonus, threshold) {
                return false;
            }
            remaining -= bound;
            if bound == 0.0 {
                continue;
            }
            let at = terms[term].list.seek(doc, terms[term].at);
            terms[term].at = at;
            if terms[term].doc() == Some(doc) {
                partial += self.contribution(terms, term, doc);
            }
        }
        !self.below(partial, bonus, threshold)
    }

    fn bound_of(&self, terms: &[Term<'_>], rest: &[usize]) -> f32 {
        rest.iter().map(|&term| terms[term].bound).sum()
    }

    /// Scores term `term` at its current posting (of `doc`) and records it.
    fn contribution(&mut self, terms: &[Term<'_>], term: usize, doc: u32) -> f32 {
        let entry = &terms[term];
        let posting = entry.list.postings()[entry.at];
        let lengths = self.index.lengths[doc as usize];
        let score = entry.idf * saturate(weight(posting.tf, lengths, &self.averages));
        self.contributions[term] = score;
        score
    }

    /// The request-context bonus of `doc`.
    fn bonus(&self, doc: u32) -> f32 {
        if !self.has_context {
            return 0.0;
        }
        self.index.docs[doc as usize]
            .as_ref()
            .map_or(0.0, |slot| self.query.context_bonus(&slot.meta))
    }

    /// True when a statement scoring at most `bm25` with context bonus
    /// `bonus` ranks strictly below `threshold`.
    fn below(&self, bm25: f32, bonus: f32, threshold: f32) -> bool {
        let key = (bm25 * (1.0 + SLACK) / self.self_score).min(1.0) + bonus;
        key * (1.0 + SLACK) + SLACK < threshold
    }

    /// Scores the candidate from its recorded contributions, summed in
    /// term order, and keeps it if it makes the top.
    fn admit(&mut self, doc: u32, bonus: f32) {
        let bm25: f32 = self.contributions.iter().sum();
        let lexical = (bm25 / self.self_score).min(1.0);
        let key = lexical + bonus;
        if key.min(1.0) < self.query.min_score {
            return;
        }
        let ranked = Ranked {
            scored: (key, bm25, lexical, doc),
            id: self.index.id_of(doc),
        };
        if self.top.len() < self.limit {
            self.top.push(ranked);
        } else if self.top.peek().is_some_and(|worst| ranked < *worst) {
            self.top.pop();
            self.top.push(ranked);
        }
    }
}
