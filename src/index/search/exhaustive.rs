//! Exhaustive scoring: every statement holding a query term, summed term
//! at a time. The reference the pruned walk must equal, and what short
//! lists get served, since there it is cheaper.

use super::{Search, Term};

/// Below this many postings in all the query's lists, every statement
/// holding a term is scored: walking them all costs less than the pruned
/// search's bookkeeping. Measured on the shared 27k statements (where most
/// claims' lists sum to less), retrieval p50 / p99 fell from 100 / 479 µs
/// to 83 / 240 µs on CheckThat! train; on the grown 1M corpus it changes
/// nothing measurable (few claims have lists that short there).
const EXHAUSTIVE_BELOW: usize = 20_000;

/// How `Index::run` scores.
#[derive(Clone, Copy)]
pub(super) enum Mode {
    /// By the lists' length (see [`EXHAUSTIVE_BELOW`]).
    Cheapest,
    Pruned,
    Exhaustive,
}

impl Mode {
    /// True when a search of `terms` takes the pruned walk.
    pub(super) fn prunes(self, terms: &[Term<'_>]) -> bool {
        match self {
            Mode::Pruned => true,
            Mode::Exhaustive => false,
            Mode::Cheapest => {
                let postings: usize = terms.iter().map(|term| term.list.len()).sum();
                postings >= EXHAUSTIVE_BELOW
            }
        }
    }
}

impl Search<'_, '_> {
    /// Every statement holding a query term, scored in full.
    pub(super) fn exhaustive(&mut self) {
        for term in 0..self.terms.len() {
            self.accumulate(term);
        }
        let touched = std::mem::take(&mut self.touched);
        for &doc in &touched {
            let bm25 = self.accumulators[doc as usize];
            // Even with the most bonus any statement can get, or with a
            // bound on this one's, below the best `limit` so far: not
            // worth its bonus.
            if !self.below(bm25, self.max_bonus, self.kth)
                && !self.below(bm25, self.bonus_at_most(doc), self.kth)
            {
                self.consider(doc, bm25);
            }
        }
        self.touched = touched;
    }
}
