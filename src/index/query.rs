//! What a search asks for: claim terms, filters, and the request context
//! (claimant, claim time) with the weights of its ranking signals.

use crate::model::{CheckFilter, RankingParams};

use super::DocMeta;

const SECONDS_PER_DAY: f32 = 86_400.0;

/// One search over the index.
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    /// Analysed claim terms; they define the self-score that normalises.
    pub terms: &'a [String],
    /// Analysed claimant name terms (statements *about* the claimant).
    pub claimant_terms: &'a [String],
    /// Lower-cased claimant name, compared with statement speakers.
    pub claimant: &'a str,
    /// When the claim was made, as Unix seconds.
    pub claim_time: Option<i64>,
    pub filter: &'a CheckFilter,
    pub ranking: &'a RankingParams,
    /// Hits scoring below this are dropped.
    pub min_score: f32,
}

impl Query<'_> {
    /// Score added for the request context: the speaker is the claimant,
    /// and the statement's time is close to the claim's
    /// (`time_weight · e^(−|Δdays| / time_scale_days)`).
    pub fn context_bonus(&self, meta: &DocMeta) -> f32 {
        let said_it = !self.claimant.is_empty() && meta.speaker == self.claimant;
        self.bonus_of(said_it, meta.time)
    }

    /// [`Query::context_bonus`] of a statement whose speaker is (or is
    /// not) the claimant and whose time is `time`.
    pub fn bonus_of(&self, said_it: bool, time: Option<i64>) -> f32 {
        self.bonus_with(said_it, time, |weight, x| weight * (-x).exp())
    }

    /// At least [`Query::bonus_of`], without its `exp`: for x ≥ 0,
    /// e^−x ≤ 1 / (1 + x + x²/2), taken with a little slack for `f32`
    /// rounding. A search asks this first and pays for the `exp` only
    /// when the bound could lift a statement.
    pub fn bonus_at_most(&self, said_it: bool, time: Option<i64>) -> f32 {
        self.bonus_with(said_it, time, |weight, x| {
            if weight > 0.0 {
                weight * (1.0 + 1e-5) / (1.0 + x + 0.5 * x * x)
            } else {
                0.0
            }
        })
    }

    /// The speaker bonus when `said_it`, plus `decayed(time weight, x)`
    /// for the time `x` scales apart (when both times are known).
    fn bonus_with(
        &self,
        said_it: bool,
        time: Option<i64>,
        decayed: impl Fn(f32, f32) -> f32,
    ) -> f32 {
        let mut bonus = 0.0;
        if said_it {
            bonus += self.ranking.speaker_bonus;
        }
        if let (Some(claim_time), Some(statement_time)) = (self.claim_time, time) {
            let days = (claim_time - statement_time).abs() as f32 / SECONDS_PER_DAY;
            let x = days / self.ranking.time_scale_days.max(f32::EPSILON);
            bonus += decayed(self.ranking.time_weight, x);
        }
        bonus
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound without `exp` is never below the bonus, from the same
    /// second to centuries apart, at any weight and scale a caller may set,
    /// and is close to it far away (where it lets a search skip the `exp`).
    #[test]
    fn the_bonus_bound_is_at_least_the_bonus() {
        let filter = CheckFilter::default();
        let claim_time = 1_700_000_000;
        for (weight, scale) in [(0.2, 30.0), (10.0, 0.001), (0.0, 30.0), (1e-3, 3650.0)] {
            let ranking = RankingParams {
                time_weight: weight,
                time_scale_days: scale,
                ..RankingParams::default()
            };
            let query = Query {
                terms: &[],
                claimant_terms: &[],
                claimant: "tsai",
                claim_time: Some(claim_time),
                filter: &filter,
                ranking: &ranking,
                min_score: 0.0,
            };
            let mut delta = 1i64;
            while delta < 10_000_000_000 {
                for time in [claim_time - delta, claim_time + delta, claim_time] {
                    for said_it in [false, true] {
                        let exact = query.bonus_of(said_it, Some(time));
                        let bound = query.bonus_at_most(said_it, Some(time));
                        assert!(bound >= exact, "{weight} {scale} {delta} {exact} > {bound}");
                    }
                }
                delta = delta * 3 / 2 + 1;
            }
            assert_eq!(query.bonus_at_most(true, None), query.bonus_of(true, None));
        }
        let ranking = RankingParams::default();
        let query = Query {
            terms: &[],
            claimant_terms: &[],
            claimant: "",
            claim_time: Some(claim_time),
            filter: &filter,
            ranking: &ranking,
            min_score: 0.0,
        };
        // A year away at the default 30-day scale: the bound is under 2%
        // of the weight (the bonus itself is 0.0005%).
        let year = Some(claim_time - 365 * 86_400);
        assert!(query.bonus_at_most(false, year) < 0.02 * ranking.time_weight);
    }
}
