//! Top-k retrieval with safe dynamic pruning: MaxScore (Turtle & Flood
//! 1995) run term at a time, with the block bounds of `postings`.
//!
//! 1. The terms with the highest score bounds (the rare ones, short lists)
//!    are added into per-statement accumulators, and the best statements so
//!    far are scored in full. The k-th of those scores is a floor: the
//!    final k-th score can only be higher.
//! 2. The other terms are split by their bounds: those that together
//!    cannot lift a statement to the floor (the common ones, long lists)
//!    are *non-essential* and never walked; the rest are added in.
//! 3. Each statement found gets an upper bound: its partial sum plus the
//!    non-essential terms' bounds (tightened to the block it would sit in)
//!    plus its context bonus. Statements are scored in full from the
//!    highest bound down, and the walk stops at the first bound strictly
//!    below the k-th score so far.
//!
//! Queries whose lists are short (`exhaustive.rs`) skip all this and
//! score every statement holding a term.
//!
//! Bounds only ever overestimate, with slack for `f32` sums taken in other
//! orders. Every score is summed in one fixed term order, highest bound
//! first (the order terms are walked and then probed in, so a candidate's
//! accumulator ends as its exact score), and the result is exactly
//! [`Index::search_exhaustive`]'s; the property tests check it bit for
//! bit.

use std::cell::RefCell;
use std::cmp::Ordering;

use super::postings::{saturate, weight, Norms, PostingList};
use super::{top_k, Hit, Index, Query};
use crate::model::CheckFilter;

/// Relative slack on bounds, for `f32` sums taken in another order.
const SLACK: f32 = 1e-5;
/// How many of the best statements so far are scored in full for the
/// floor, per place asked for.
const FLOOR_PER_PLACE: usize = 2;
/// Below this many statements found, the floor is retaken after every
/// term; above, after 2, 4, 8… terms (retaking costs a pass over them).
const RETAKE_ALWAYS: usize = 16_384;

mod candidates;
mod exhaustive;
mod lifted;

use candidates::lowest_at;
use exhaustive::Mode;
use lifted::max_bonus;

thread_local! {
    /// Per-thread partial sums, one per document number, all zero between
    /// searches (a search resets the ones it touched).
    static ACCUMULATORS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    /// Per-thread bitset of the documents a search touched, all clear
    /// between searches: read in document order, it hands the candidate
    /// stage its statements sorted without a sort.
    static SEEN: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// One query term: its list and weighted idf.
struct Term<'a> {
    list: &'a PostingList,
    idf: f32,
    /// Upper bound of its contribution to any statement.
    bound: f32,
}

/// A scored statement: ranking key, raw BM25F, normalised lexical score,
/// document number.
type Scored = (f32, f32, f32, u32);

impl Index {
    /// The best `limit` statements for `query` that pass its filter, best
    /// first (ties by id). Only statements sharing at least one claim or
    /// claimant term are considered.
    ///
    /// Pruned, unless the query's lists are short (under 20,000 postings
    /// in all), which are scored exhaustively: the same top k, sooner.
    pub fn search(&self, query: &Query<'_>, limit: usize) -> Vec<Hit> {
        self.run(query, limit, Mode::Cheapest)
    }

    /// [`Index::search`], pruned whatever the lists' length (for tests).
    pub fn search_pruned(&self, query: &Query<'_>, limit: usize) -> Vec<Hit> {
        self.run(query, limit, Mode::Pruned)
    }

    /// [`Index::search`] without pruning: every statement holding a query
    /// term is scored. The reference the pruned search must equal.
    pub fn search_exhaustive(&self, query: &Query<'_>, limit: usize) -> Vec<Hit> {
        self.run(query, limit, Mode::Exhaustive)
    }

    fn run(&self, query: &Query<'_>, limit: usize, mode: Mode) -> Vec<Hit> {
        if self.is_empty() || query.terms.is_empty() || limit == 0 || query.min_score > 1.0 {
            return Vec::new();
        }
        let (terms, self_score) = self.terms(query);
        let has_context = !query.claimant.is_empty() || query.claim_time.is_some();
        let claimant = self.contexts.speaker_number(query.claimant);
        let mut search = Search {
            index: self,
            query,
            norms: Norms::for_search(&self.average_lengths()),
            terms,
            self_score,
            bound_scale: (1.0 + SLACK) / self_score,
            has_context,
            claimant,
            filtered: *query.filter != CheckFilter::default(),
            max_bonus: if has_context {
                max_bonus(query, claimant)
            } else {
                0.0
            },
            unlisted_bonus: f32::INFINITY,
            listed: Vec::new(),
            listed_bits: Vec::new(),
            limit,
            top: Vec::with_capacity(limit * 2),
            kth: f32::NEG_INFINITY,
            accumulators: ACCUMULATORS.with(|cell| std::mem::take(&mut *cell.borrow_mut())),
            seen: SEEN.with(|cell| std::mem::take(&mut *cell.borrow_mut())),
            touched: Vec::new(),
        };
        search.accumulators.resize(self.docs.len(), 0.0);
        search.seen.resize(self.docs.len().div_ceil(64), 0);
        if mode.prunes(&search.terms) {
            search.pruned();
        } else {
            search.exhaustive();
        }
        let mut top = std::mem::take(&mut search.top);
        top_k(&mut top, limit, |a, b| self.order(a, b));
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

    /// The query's distinct terms (claim terms, then weighted claimant
    /// terms) with their lists, highest bound first (ties in that order):
    /// the order every score is summed in. And the claim's self-score.
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
                    terms.push(Term { list, idf, bound });
                }
            }
        }
        terms.sort_by(|a, b| b.bound.total_cmp(&a.bound));
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

/// One search's state.
struct Search<'a, 'q> {
    index: &'a Index,
    query: &'q Query<'q>,
    /// Field factors at the current average lengths (`postings::weight`).
    norms: Norms,
    terms: Vec<Term<'a>>,
    self_score: f32,
    /// `(1 + SLACK) / self_score`, for bounds.
    bound_scale: f32,
    has_context: bool,
    /// The claimant's speaker number (`context::NO_SPEAKER` for none).
    claimant: u32,
    /// True when the query has a filter.
    filtered: bool,
    max_bonus: f32,
    /// Once the statements the bonus could lift are listed, the most
    /// bonus any statement not listed can have (else infinite).
    unlisted_bonus: f32,
    /// The statements listed for their bonus, and their bits.
    listed: Vec<u32>,
    listed_bits: Vec<u64>,
    limit: usize,
    /// The best so far, unordered; cut back to `limit` when it doubles.
    top: Vec<Scored>,
    /// The lowest key of `top` when last cut (no final key is below it).
    kth: f32,
    /// Partial BM25F sums by document number.
    accumulators: Vec<f32>,
    /// The documents touched, as bits by document number.
    seen: Vec<u64>,
    /// Documents with a non-zero accumulator, in the order touched.
    touched: Vec<u32>,
}

impl Search<'_, '_> {
    /// The three steps of the module docs.
    fn pruned(&mut self) {
        let count = self.terms.len();
        // 1 and 2. Walk terms from the highest bound down until the ones
        // left cannot together lift a statement to the floor, retaking the
        // floor as the best statements found fill in.
        let mut left = vec![0.0f32; count + 1];
        for i in (0..count).rev() {
            left[i] = left[i + 1] + self.terms[i].bound;
        }
        let mut floor = self.query.min_score;
        let mut walked = 0;
        let mut retake_at = 1;
        while walked < count {
            if walked == retake_at || (walked > 0 && self.touched.len() < RETAKE_ALWAYS) {
                floor = floor.max(self.floor());
                retake_at = (walked * 2).max(retake_at);
            }
            if self.below(left[walked], self.max_bonus, floor) {
                break;
            }
            // The terms left cannot lift a statement alone: list the few
            // whose bonus could, unless walking the next term costs less.
            if self.max_bonus > 0.0
                && self.below(left[walked], 0.0, floor)
                && self.add_lifted(left[walked], floor, self.terms[walked].list.len())
            {
                break;
            }
            self.accumulate(walked);
            walked += 1;
        }
        let sum = left[walked];
        // 3. Candidates: statements found that the terms left could still
        // lift to the floor, each with its bound from those terms' blocks.
        let mut candidates = self.found(sum, floor);
        for term in walked..count {
            self.add_block_bounds(term, &mut candidates);
        }
        let mut threshold = floor;
        self.keep_reachable(&mut candidates, threshold);
        // 4. The terms left, largest bound first, probed for the candidates
        // only; after each, the floor is raised and hopeless ones dropped.
        for term in walked..count {
            self.probe(term, &mut candidates);
            threshold = threshold.max(self.kth_lower_key(&candidates));
            self.keep_reachable(&mut candidates, threshold);
        }
        // 5. Partial sums are now whole (summed in walk order): the ones
        // that may reach the k-th are scored in query order.
        let threshold = threshold.max(self.kth_lower_key(&candidates));
        for candidate in &candidates {
            let bm25 = self.accumulators[candidate.doc as usize];
            // Zero: a statement listed for its bonus that holds no term.
            if bm25 > 0.0 && !self.below(bm25, candidate.bonus, threshold) {
                self.consider(candidate.doc, bm25);
            }
        }
    }

    /// A floor under the final k-th key: the k-th full score among the
    /// best-looking statements found so far (the score floor when fewer).
    fn floor(&mut self) -> f32 {
        let count = self.limit * FLOOR_PER_PLACE;
        // The `count` highest partial sums, kept in one pass.
        let mut best: Vec<(f32, u32)> = Vec::with_capacity(count);
        let mut lowest = 0;
        for &doc in &self.touched {
            let partial = self.accumulators[doc as usize];
            if best.len() < count {
                best.push((partial, doc));
                if best.len() == count {
                    lowest = lowest_at(&best);
                }
            } else if partial > best[lowest].0 {
                best[lowest] = (partial, doc);
                lowest = lowest_at(&best);
            }
        }
        let mut keys: Vec<f32> = best
            .into_iter()
            .map(|(_, doc)| doc)
            .filter(|&doc| self.passes(doc))
            .map(|doc| self.full(doc).0)
            .collect();
        if keys.len() < self.limit {
            return self.query.min_score;
        }
        keys.sort_unstable_by(|a, b| b.total_cmp(a));
        keys[self.limit - 1].max(self.query.min_score)
    }

    /// Adds term `term`'s contributions to the accumulators.
    fn accumulate(&mut self, term: usize) {
        let entry = &self.terms[term];
        for posting in entry.list.postings() {
            let doc = posting.doc as usize;
            let lengths = self.index.lengths[doc];
            let score = entry.idf * saturate(weight(posting.tf, lengths, &self.norms));
            let accumulator = &mut self.accumulators[doc];
            if *accumulator == 0.0 {
                self.touched.push(posting.doc);
                self.seen[doc / 64] |= 1 << (doc % 64);
            }
            *accumulator += score;
        }
    }

    /// Keeps `doc`, whose whole BM25F is `bm25`, if it passes the filter
    /// and the score floor and makes the top.
    fn consider(&mut self, doc: u32, bm25: f32) {
        if !self.passes(doc) {
            return;
        }
        let scored = self.scored(doc, bm25);
        if scored.0.min(1.0) < self.query.min_score {
            return;
        }
        self.top.push(scored);
        if self.top.len() >= self.limit * 2 {
            let index = self.index;
            top_k(&mut self.top, self.limit, |a, b| index.order(a, b));
            self.kth = self.top[self.limit - 1].0;
        }
    }

    /// `doc`'s full score, its terms summed in order.
    fn full(&self, doc: u32) -> Scored {
        let lengths = self.index.lengths[doc as usize];
        let mut bm25 = 0.0;
        for term in &self.terms {
            let postings = term.list.postings();
            if let Ok(at) = postings.binary_search_by_key(&doc, |posting| posting.doc) {
                bm25 += term.idf * saturate(weight(postings[at].tf, lengths, &self.norms));
            }
        }
        self.scored(doc, bm25)
    }

    /// The scores of `doc` with BM25F `bm25`.
    fn scored(&self, doc: u32, bm25: f32) -> Scored {
        let lexical = (bm25 / self.self_score).min(1.0);
        (lexical + self.bonus(doc), bm25, lexical, doc)
    }

    /// The most a statement with BM25F at most `bm25` and bonus `bonus`
    /// can have as its key, with slack.
    fn key_bound(&self, bm25: f32, bonus: f32) -> f32 {
        let key = (bm25 * self.bound_scale).min(1.0) + bonus;
        key * (1.0 + SLACK) + SLACK
    }

    /// True when such a statement ranks strictly below `threshold`.
    fn below(&self, bm25: f32, bonus: f32, threshold: f32) -> bool {
        self.key_bound(bm25, bonus) < threshold
    }
}

impl Drop for Search<'_, '_> {
    /// Zeroes what this search touched and hands the accumulators back.
    fn drop(&mut self) {
        for &doc in &self.touched {
            self.accumulators[doc as usize] = 0.0;
            self.seen[doc as usize / 64] = 0;
        }
        let accumulators = std::mem::take(&mut self.accumulators);
        ACCUMULATORS.with(|cell| *cell.borrow_mut() = accumulators);
        let seen = std::mem::take(&mut self.seen);
        SEEN.with(|cell| *cell.borrow_mut() = seen);
        std::mem::take(&mut self.norms).hand_back();
        self.hand_back_listed();
    }
}
