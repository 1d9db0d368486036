//! Statements that the request-context bonus alone could lift to the
//! floor. With a claimant or claim time, every statement may gain up to
//! the largest bonus, so the walk of the common terms could only stop once
//! their bounds *plus that bonus* fell below the floor. Instead, once the
//! terms left cannot lift a statement on their own, the few statements
//! whose bonus could still do it (the claimant's, and those dated near
//! the claim) are listed from the context indexes and join the
//! candidates, and the walk stops there.

use std::cell::RefCell;

use super::super::context::NO_SPEAKER;
use super::{Query, Search, SLACK};

/// Seconds per day, as the bonus counts them.
const DAY: f64 = 86_400.0;

thread_local! {
    /// Per-thread bitset of the statements a search listed, all clear
    /// between searches.
    static LISTED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

impl Search<'_, '_> {
    /// Lists every live statement that a BM25F of at most `bm25` from the
    /// terms not walked, plus its context bonus, could lift to `floor`;
    /// those not found yet are marked found (accumulator left at zero).
    /// Every statement not listed then has less bonus than
    /// `unlisted_bonus`. False, listing none, when there could be more
    /// than `budget`.
    pub(super) fn add_lifted(&mut self, bm25: f32, floor: f32, budget: usize) -> bool {
        // `below(bm25, bonus, floor)` is false exactly from this bonus up;
        // listing from a little under it covers `f32` rounding.
        let lexical = (bm25 * self.bound_scale).min(1.0);
        let needed = (floor - SLACK) / (1.0 + SLACK) - lexical;
        let ranking = self.query.ranking;
        let margin = 1e-4 * (1.0 + ranking.speaker_bonus.abs() + ranking.time_weight.abs());
        let cut = needed - margin;
        if cut <= 0.0 {
            return false;
        }
        let contexts = &self.index.contexts;
        let mut listed: Vec<u32> = Vec::new();
        if self.claimant != NO_SPEAKER
            && ranking.speaker_bonus + ranking.time_weight.max(0.0) >= cut
        {
            let spoken = contexts.spoken_by(self.claimant);
            if spoken.len() > budget {
                return false;
            }
            listed.extend_from_slice(spoken);
        }
        if let Some(claim_time) = self.query.claim_time {
            if ranking.time_weight >= cut {
                // `time_weight · e^(−days / scale) ≥ cut` within this many
                // days, widened by a day and a thousandth for rounding.
                let scale = f64::from(ranking.time_scale_days.max(f32::EPSILON));
                let days = scale * (f64::from(ranking.time_weight) / f64::from(cut)).ln();
                let seconds = (days * 1.001 * DAY + DAY).min(1e15) as i64;
                let from = claim_time.saturating_sub(seconds);
                let to = claim_time.saturating_add(seconds);
                for doc in contexts.timed_between(from, to) {
                    if listed.len() >= budget {
                        return false;
                    }
                    listed.push(doc);
                }
            }
        }
        let mut bits = LISTED.with(|cell| std::mem::take(&mut *cell.borrow_mut()));
        bits.resize(self.seen.len(), 0);
        for &doc in &listed {
            let (word, bit) = (doc as usize / 64, 1u64 << (doc % 64));
            bits[word] |= bit;
            if self.seen[word] & bit != 0 || self.below(bm25, self.bonus(doc), floor) {
                continue;
            }
            self.seen[word] |= bit;
            self.touched.push(doc);
        }
        self.listed_bits = bits;
        self.listed = listed;
        self.unlisted_bonus = cut + 2.0 * margin;
        true
    }

    /// True when `doc` was listed by [`Search::add_lifted`].
    pub(super) fn is_listed(&self, doc: u32) -> bool {
        self.listed_bits
            .get(doc as usize / 64)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
    }

    /// Clears the listed bits and hands them back to the thread.
    pub(super) fn hand_back_listed(&mut self) {
        if self.listed_bits.is_empty() {
            return;
        }
        for &doc in &self.listed {
            self.listed_bits[doc as usize / 64] = 0;
        }
        let bits = std::mem::take(&mut self.listed_bits);
        LISTED.with(|cell| *cell.borrow_mut() = bits);
    }
}

/// The most the request context can add to any statement's key (no
/// speaker bonus when no statement's speaker is the claimant).
pub(super) fn max_bonus(query: &Query<'_>, claimant: u32) -> f32 {
    let mut bonus = 0.0;
    if claimant != NO_SPEAKER {
        bonus += query.ranking.speaker_bonus.max(0.0);
    }
    if query.claim_time.is_some() {
        bonus += query.ranking.time_weight.max(0.0);
    }
    bonus
}
