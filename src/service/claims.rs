//! `factdesk.v1.ClaimService`: CheckClaim, and the entry points of
//! CheckTranscript and CheckArticle (`transcripts.rs`).

use std::sync::Arc;
use std::time::Instant;

use tonic::{Request, Response, Status};
use tracing::instrument;

use super::convert::{check_result_to_proto, time_from_proto};
use super::{compute, invalid_argument};
use crate::library::Library;
use crate::model::limits::{MAX_FIELD_BYTES, MAX_FILTER_VALUES, MAX_MATCHES};
use crate::model::{
    check_len, validate_claim, CheckFilter, CheckOptions, Claim, FieldError, RankingParams,
};
use crate::pb;
use crate::pb::claim_service_server::ClaimService;

/// Handlers for checking claims.
#[derive(Debug)]
pub struct ClaimApi {
    library: Arc<Library>,
    /// Server-wide weights of the request-context ranking signals.
    ranking: RankingParams,
}

impl ClaimApi {
    pub fn new(library: Arc<Library>, ranking: RankingParams) -> Self {
        ClaimApi { library, ranking }
    }
}

#[tonic::async_trait]
impl ClaimService for ClaimApi {
    #[instrument(skip_all, fields(matches, verdict, elapsed_us))]
    async fn check_claim(
        &self,
        request: Request<pb::CheckClaimRequest>,
    ) -> Result<Response<pb::CheckClaimResponse>, Status> {
        let token = super::CallToken::of(&request);
        let started = Instant::now();
        let request = request.into_inner();
        let proto_claim = request
            .claim
            .clone()
            .ok_or_else(|| invalid_argument(FieldError::new("claim", "is required")))?;
        let (claim, mut options) = check_request(request).map_err(invalid_argument)?;
        options.ranking = self.ranking.clone();
        // The claim waits for its embedding batch here, holding no check
        // thread, so concurrent claims share one forward pass.
        let claim_vector = self.library.claim_vector(&claim, &options).await?;
        let result = compute(&self.library, token, move |library| {
            library.check_with_vector(&claim, &options, claim_vector)
        })
        .await?;
        let span = tracing::Span::current();
        span.record("matches", result.matches.len());
        span.record("verdict", format!("{:?}", result.verdict));
        crate::metrics::checked(&format!("{:?}", result.verdict));
        span.record("elapsed_us", started.elapsed().as_micros() as u64);
        tracing::info!("claim checked");
        let proto_claim = pb::Claim {
            analysis: None,
            ..proto_claim
        };
        Ok(Response::new(check_result_to_proto(proto_claim, result)))
    }

    type CheckTranscriptStream = super::transcripts::TranscriptStream;

    #[instrument(skip_all, fields(sentences, checked))]
    async fn check_transcript(
        &self,
        request: Request<tonic::Streaming<pb::CheckTranscriptRequest>>,
    ) -> Result<Response<Self::CheckTranscriptStream>, Status> {
        let stream =
            super::transcripts::start(Arc::clone(&self.library), self.ranking.clone(), request);
        Ok(Response::new(stream))
    }

    #[instrument(skip_all, fields(sentences, checked))]
    async fn check_article(
        &self,
        request: Request<pb::CheckArticleRequest>,
    ) -> Result<Response<pb::CheckArticleResponse>, Status> {
        let response = super::transcripts::article(&self.library, &self.ranking, request).await?;
        Ok(Response::new(response))
    }
}

/// Validates a check request and converts it to the domain.
fn check_request(request: pb::CheckClaimRequest) -> Result<(Claim, CheckOptions), FieldError> {
    let proto_claim = request.claim.unwrap_or_default();
    let claim = Claim {
        text: proto_claim.text,
        claimant: proto_claim.claimant,
        claim_time: time_from_proto("claim.claim_time", proto_claim.claim_time)?,
        language: proto_claim.language,
    };
    validate_claim(&claim)?;
    let options = check_options(
        request.max_matches,
        request.min_score,
        request.verdict_threshold,
        request.filter,
    )?;
    Ok((claim, options))
}

/// The options of a check from a request's fields (CheckClaim's, or a
/// transcript's or article's sentence options).
pub(super) fn check_options(
    max_matches: i32,
    min_score: Option<f32>,
    verdict_threshold: Option<f32>,
    filter: Option<pb::CheckFilter>,
) -> Result<CheckOptions, FieldError> {
    let max_matches = match max_matches {
        0 => CheckOptions::DEFAULT_MAX_MATCHES,
        n if (1..=MAX_MATCHES as i32).contains(&n) => n as usize,
        _ => {
            return Err(FieldError::new(
                "max_matches",
                format!(
                    "must be between 1 and {MAX_MATCHES} (0 means {})",
                    CheckOptions::DEFAULT_MAX_MATCHES
                ),
            ))
        }
    };
    let min_score = min_score.unwrap_or(CheckOptions::DEFAULT_MIN_SCORE);
    if !(0.0..=1.0).contains(&min_score) {
        return Err(FieldError::new("min_score", "must be between 0 and 1"));
    }
    let verdict_threshold = verdict_threshold.unwrap_or(CheckOptions::DEFAULT_VERDICT_THRESHOLD);
    if !(0.0..=1.0).contains(&verdict_threshold) {
        return Err(FieldError::new(
            "verdict_threshold",
            "must be between 0 and 1",
        ));
    }
    let filter = check_filter(filter.unwrap_or_default())?;
    Ok(CheckOptions {
        max_matches,
        min_score,
        filter,
        verdict_threshold,
        ..CheckOptions::default()
    })
}

fn check_filter(filter: pb::CheckFilter) -> Result<CheckFilter, FieldError> {
    let lowered = |field: &str, values: Vec<String>| {
        if values.len() > MAX_FILTER_VALUES {
            return Err(FieldError::new(
                format!("filter.{field}"),
                format!("at most {MAX_FILTER_VALUES} values"),
            ));
        }
        for value in &values {
            check_len(&format!("filter.{field}"), value, MAX_FIELD_BYTES)?;
        }
        Ok(values
            .into_iter()
            .map(|value| value.to_lowercase())
            .collect())
    };
    let domain = CheckFilter {
        publishers: lowered("publishers", filter.publishers)?,
        speakers: lowered("speakers", filter.speakers)?,
        languages: lowered("languages", filter.languages)?,
        start_time: time_from_proto("filter.start_time", filter.start_time)?,
        end_time: time_from_proto("filter.end_time", filter.end_time)?,
    };
    if let (Some(start), Some(end)) = (domain.start_time, domain.end_time) {
        if start >= end {
            return Err(FieldError::new(
                "filter.end_time",
                "must be after filter.start_time",
            ));
        }
    }
    Ok(domain)
}
