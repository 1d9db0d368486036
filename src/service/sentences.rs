//! What transcripts and articles share: the sentence options read from a
//! request, and one sentence scored for check-worthiness and, at or over
//! the threshold, checked as a claim with its speaker as claimant.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tonic::Status;

use super::claims::check_options;
use super::convert::{check_result_to_proto, time_from_proto, time_to_proto};
use super::{compute, CallToken};
use crate::checkworthy;
use crate::library::Library;
use crate::model::{CheckOptions, Claim, FieldError, RankingParams};
use crate::pb;
use crate::text::sentences::Sentence;

/// How a request's sentences are chosen and checked.
#[derive(Clone, Debug)]
pub(super) struct SentencePlan {
    pub threshold: f32,
    pub include_all: bool,
    pub options: CheckOptions,
    pub claim_time: Option<DateTime<Utc>>,
    pub language: String,
}

impl SentencePlan {
    /// The plan `options` ask for (defaults when absent); bad fields are
    /// named under `prefix` (`options.max_matches`).
    pub fn new(
        options: Option<pb::SentenceCheckOptions>,
        ranking: &RankingParams,
        prefix: &str,
    ) -> Result<SentencePlan, FieldError> {
        let options = options.unwrap_or_default();
        let within = |error: FieldError| error.within(prefix);
        let threshold = options
            .checkworthiness_threshold
            .unwrap_or_else(|| checkworthy::Model::builtin().threshold());
        if !(0.0..=1.0).contains(&threshold) {
            return Err(within(FieldError::new(
                "checkworthiness_threshold",
                "must be between 0 and 1",
            )));
        }
        let mut check = check_options(options.max_matches, options.min_score, None, options.filter)
            .map_err(within)?;
        check.ranking = ranking.clone();
        crate::model::check_len(
            "language",
            &options.language,
            crate::model::limits::MAX_LANGUAGE_BYTES,
        )
        .map_err(within)?;
        Ok(SentencePlan {
            threshold,
            include_all: options.include_all_sentences,
            options: check,
            claim_time: time_from_proto("claim_time", options.claim_time).map_err(within)?,
            language: options.language,
        })
    }
}

/// Where a sentence came from, beyond its text and span.
#[derive(Clone, Debug, Default)]
pub(super) struct Origin {
    pub index: usize,
    pub speaker: String,
    pub media_time: Option<prost_types::Duration>,
}

/// Scores `sentence` and checks it when it reaches the plan's threshold.
/// `None` when it does not and the plan leaves such sentences out.
pub(super) async fn check_sentence(
    library: &Arc<Library>,
    token: Option<CallToken>,
    plan: &SentencePlan,
    sentence: Sentence,
    origin: Origin,
    keep_all: bool,
) -> Result<Option<pb::CheckedSentence>, Status> {
    let score = checkworthy::Model::builtin().score(&sentence.text);
    let worthy = score >= plan.threshold;
    if !(worthy || keep_all || plan.include_all) {
        return Ok(None);
    }
    let check = if worthy {
        let claim = Claim {
            text: sentence.text.clone(),
            claimant: origin.speaker.clone(),
            claim_time: plan.claim_time,
            language: plan.language.clone(),
        };
        let proto_claim = pb::Claim {
            text: claim.text.clone(),
            claimant: claim.claimant.clone(),
            claim_time: time_to_proto(plan.claim_time),
            language: claim.language.clone(),
            analysis: None,
        };
        let options = plan.options.clone();
        let result = compute(library, token, move |library| {
            library.check(&claim, &options)
        })
        .await?;
        crate::metrics::checked(&format!("{:?}", result.verdict));
        Some(check_result_to_proto(proto_claim, result))
    } else {
        None
    };
    Ok(Some(pb::CheckedSentence {
        text: sentence.text,
        start: sentence.start as i32,
        end: sentence.end as i32,
        index: origin.index as i32,
        speaker: origin.speaker,
        media_time: origin.media_time,
        checkworthiness: score,
        check,
    }))
}
