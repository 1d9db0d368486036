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
        let mut bonus = 0.0;
        if said_it {
            bonus += self.ranking.speaker_bonus;
        }
        if let (Some(claim_time), Some(statement_time)) = (self.claim_time, time) {
            let days = (claim_time - statement_time).abs() as f32 / SECONDS_PER_DAY;
            let scale = self.ranking.time_scale_days.max(f32::EPSILON);
            bonus += self.ranking.time_weight * (-days / scale).exp();
        }
        bonus
    }
}
