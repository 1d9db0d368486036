//! The candidate stage of the pruned search: statements found by the
//! walked terms, probed for the terms left and dropped once they cannot
//! reach the k-th score.

use super::super::postings::{saturate, weight, BLOCK};
use super::{Query, Search, SLACK};

/// A statement that may make the top: its context bonus and the bound
/// of what the terms not yet probed can add.
pub(super) struct Candidate {
    pub(super) doc: u32,
    pub(super) bonus: f32,
    pub(super) left: f32,
}

impl Search<'_, '_> {
    /// The statements found that the terms not walked (whose bounds sum
    /// to `left`) and their bonus could still lift to `floor`, and that
    /// pass the filter, in document order.
    pub(super) fn found(&self, left: f32, floor: f32) -> Vec<Candidate> {
        let mut candidates = Vec::new();
        for doc in seen_docs(&self.seen) {
            let partial = self.accumulators[doc as usize] + left;
            let most = if self.unlisted_bonus < self.max_bonus && !self.is_listed(doc) {
                self.unlisted_bonus
            } else {
                self.max_bonus
            };
            if self.below(partial, most, floor) {
                continue;
            }
            let bonus = self.bonus(doc);
            if !self.below(partial, bonus, floor) && self.passes(doc) {
                candidates.push(Candidate {
                    doc,
                    bonus,
                    left: 0.0,
                });
            }
        }
        candidates
    }

    /// Adds to each candidate (in document order) the bound of term
    /// `term`'s block it would be in.
    pub(super) fn add_block_bounds(&self, term: usize, candidates: &mut [Candidate]) {
        let entry = &self.terms[term];
        let mut block = 0;
        for candidate in candidates {
            let Some(found) = entry.list.block_of(candidate.doc, block) else {
                break;
            };
            block = found;
            candidate.left += entry.idf * saturate(entry.list.block_max(block));
        }
    }

    /// Adds term `term`'s contribution to each candidate holding it (a
    /// galloping merge over candidates in document order), and takes the
    /// term's block bound off what is left to come.
    pub(super) fn probe(&mut self, term: usize, candidates: &mut [Candidate]) {
        let entry = &self.terms[term];
        let postings = entry.list.postings();
        let mut at = 0;
        for candidate in candidates {
            at = entry.list.seek(candidate.doc, at);
            let Some(posting) = postings.get(at) else {
                break;
            };
            let block_bound = entry.idf * saturate(entry.list.block_max(at / BLOCK));
            candidate.left = (candidate.left - block_bound).max(0.0);
            if posting.doc == candidate.doc {
                let doc = posting.doc as usize;
                let lengths = self.index.lengths[doc];
                self.accumulators[doc] +=
                    entry.idf * saturate(weight(posting.tf, lengths, &self.norms));
            }
        }
    }

    /// The request-context bonus of `doc` (0 for a removed statement).
    pub(super) fn bonus(&self, doc: u32) -> f32 {
        self.context_bonus(doc, |query, said_it, time| query.bonus_of(said_it, time))
    }

    /// At least [`Search::bonus`] of `doc`, found without an `exp`.
    pub(super) fn bonus_at_most(&self, doc: u32) -> f32 {
        self.context_bonus(doc, |query, said_it, time| {
            query.bonus_at_most(said_it, time)
        })
    }

    /// `bonus` of `doc`'s speaker match and time (0 for a removed
    /// statement, or without a request context).
    fn context_bonus(&self, doc: u32, bonus: impl Fn(&Query<'_>, bool, Option<i64>) -> f32) -> f32 {
        if !self.has_context || !self.index.contexts.live(doc) {
            return 0.0;
        }
        let context = self.index.contexts.get(doc);
        bonus(self.query, context.speaker == self.claimant, context.time)
    }

    /// True when `doc` is indexed and passes the query's filter.
    pub(super) fn passes(&self, doc: u32) -> bool {
        if self.filtered {
            self.index.passes_filter(doc, self.query.filter)
        } else {
            self.index.contexts.live(doc)
        }
    }

    /// Drops the candidates that cannot reach `threshold`.
    pub(super) fn keep_reachable(&self, candidates: &mut Vec<Candidate>, threshold: f32) {
        let accumulators = &self.accumulators;
        candidates.retain(|candidate| {
            let bound = accumulators[candidate.doc as usize] + candidate.left;
            !self.below(bound, candidate.bonus, threshold)
        });
    }

    /// A floor under the final k-th key from the candidates' partial sums
    /// (each at most its full score, less slack for summing order).
    pub(super) fn kth_lower_key(&self, candidates: &[Candidate]) -> f32 {
        let mut keys: Vec<f32> = candidates
            .iter()
            .filter(|candidate| self.accumulators[candidate.doc as usize] > 0.0)
            .map(|candidate| {
                let bm25 = self.accumulators[candidate.doc as usize] * (1.0 - SLACK);
                (bm25 / self.self_score).min(1.0) + candidate.bonus - SLACK
            })
            .collect();
        if keys.len() < self.limit {
            return self.query.min_score;
        }
        let (_, kth, _) = keys.select_nth_unstable_by(self.limit - 1, |a, b| b.total_cmp(a));
        kth.max(self.query.min_score)
    }
}

/// The documents whose bits are set, in document order.
fn seen_docs(seen: &[u64]) -> impl Iterator<Item = u32> + '_ {
    seen.iter().enumerate().flat_map(|(at, &word)| {
        let base = at as u32 * 64;
        let mut bits = word;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let bit = bits.trailing_zeros();
                bits &= bits - 1;
                base + bit
            })
        })
    })
}

/// Where the lowest partial sum of `best` is.
pub(super) fn lowest_at(best: &[(f32, u32)]) -> usize {
    (0..best.len())
        .min_by(|&a, &b| best[a].0.total_cmp(&best[b].0))
        .unwrap_or(0)
}
