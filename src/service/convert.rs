//! Conversions between the generated proto types and the domain model.

use chrono::{DateTime, Datelike, Utc};
use prost_types::Timestamp;

use super::convert_review::{normalized_to_proto, review_to_proto, reviews_from_proto};
use crate::model::{self, FieldError};
use crate::pb;
use crate::text::quantity::{Agreement, Bound, Unit};
use crate::text::CharOffset;

/// A proto timestamp as a UTC time; names `field` when out of range.
pub fn time_from_proto(
    field: &str,
    timestamp: Option<Timestamp>,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    let Some(timestamp) = timestamp else {
        return Ok(None);
    };
    let nanos = u32::try_from(timestamp.nanos)
        .ok()
        .filter(|nanos| *nanos < 1_000_000_000);
    // Years 1-9999 only: the range RFC 3339, and so protobuf's JSON form,
    // can write (year 0, -1 or 10000 would be stored but not exported in a
    // form JSON parsers accept).
    nanos
        .and_then(|nanos| DateTime::from_timestamp(timestamp.seconds, nanos))
        .filter(|time| (1..=9999).contains(&time.year()))
        .map(Some)
        .ok_or_else(|| FieldError::new(field, "is not a valid timestamp (years 0001 to 9999)"))
}

/// A UTC time as a proto timestamp.
pub fn time_to_proto(time: Option<DateTime<Utc>>) -> Option<Timestamp> {
    time.map(|time| Timestamp {
        seconds: time.timestamp(),
        nanos: time.timestamp_subsec_nanos() as i32,
    })
}

/// A proto statement in domain form (create_time, update_time and etag are
/// output only or request metadata: dropped).
pub fn statement_from_proto(statement: pb::Statement) -> Result<model::Statement, FieldError> {
    let attribution = statement.attribution.unwrap_or_default();
    let source = attribution
        .source
        .map(|source| {
            Ok::<_, FieldError>(model::Source {
                publish_time: time_from_proto(
                    "attribution.source.publish_time",
                    source.publish_time,
                )?,
                publisher: source.publisher,
                url: source.url,
                title: source.title,
                author: source.author,
            })
        })
        .transpose()?;
    Ok(model::Statement {
        id: statement.id,
        text: statement.text,
        context: statement.context,
        attribution: model::Attribution {
            speaker: attribution.speaker.map(|speaker| model::Speaker {
                name: speaker.name,
                title: speaker.title,
                affiliation: speaker.affiliation,
            }),
            source,
            statement_time: time_from_proto(
                "attribution.statement_time",
                attribution.statement_time,
            )?,
        },
        language: statement.language,
        topics: statement.topics,
        rating: statement.rating.map(|rating| model::Rating {
            textual_rating: rating.textual_rating,
            reviewer: rating.reviewer,
        }),
        create_time: None,
        reviews: reviews_from_proto(statement.reviews)?,
        update_time: None,
    })
}

/// A domain statement in proto form.
pub fn statement_to_proto(statement: model::Statement) -> pb::Statement {
    let etag = statement.etag();
    let attribution = statement.attribution;
    pb::Statement {
        id: statement.id,
        text: statement.text,
        context: statement.context,
        attribution: Some(pb::Attribution {
            speaker: attribution.speaker.map(|speaker| pb::Speaker {
                name: speaker.name,
                title: speaker.title,
                affiliation: speaker.affiliation,
            }),
            source: attribution.source.map(|source| pb::Source {
                publisher: source.publisher,
                url: source.url,
                title: source.title,
                author: source.author,
                publish_time: time_to_proto(source.publish_time),
            }),
            statement_time: time_to_proto(attribution.statement_time),
        }),
        language: statement.language,
        topics: statement.topics,
        rating: statement.rating.map(|rating| pb::Rating {
            textual_rating: rating.textual_rating,
            reviewer: rating.reviewer,
        }),
        create_time: time_to_proto(statement.create_time),
        reviews: statement.reviews.into_iter().map(review_to_proto).collect(),
        update_time: time_to_proto(statement.update_time.or(statement.create_time)),
        etag,
    }
}

/// A domain check result in proto form, echoing the claim.
pub fn check_result_to_proto(
    claim: pb::Claim,
    result: model::CheckResult,
) -> pb::CheckClaimResponse {
    let analysis = result.analysis;
    pb::CheckClaimResponse {
        claim: Some(pb::Claim {
            analysis: Some(pb::ClaimAnalysis {
                language: analysis.language,
                terms: analysis.terms,
                negations: analysis.negations,
                quantities: analysis.quantities.iter().map(quantity_to_proto).collect(),
                directions: analysis.directions,
                entities: analysis.entities,
                checked_text: analysis.post.checked_text,
                claimant_from_post: analysis.post.claimant,
                claim_time_from_post: time_to_proto(analysis.post.claim_time),
            }),
            ..claim
        }),
        matches: result.matches.into_iter().map(match_to_proto).collect(),
        verdict: verdict_to_proto(result.verdict) as i32,
        verdict_explanation: result.verdict_explanation,
    }
}

fn match_to_proto(found: model::Match) -> pb::Match {
    let normalized_rating = found
        .statement
        .reviews
        .first()
        .map_or(pb::NormalizedRating::Unspecified, |review| {
            normalized_to_proto(review.rating())
        });
    let statement = statement_to_proto(found.statement);
    pb::Match {
        reviews: statement.reviews.clone(),
        normalized_rating: normalized_rating as i32,
        statement: Some(statement),
        score: found.score,
        stance: stance_to_proto(found.stance) as i32,
        highlights: found
            .highlights
            .into_iter()
            .map(|highlight| pb::Highlight {
                statement_start: offset(highlight.statement_span.start),
                statement_end: offset(highlight.statement_span.end),
                claim_start: offset(highlight.claim_span.start),
                claim_end: offset(highlight.claim_span.end),
                term: highlight.term,
            })
            .collect(),
        citation: found.citation,
        explanation: found.explanation,
        quantities: found
            .quantities
            .iter()
            .map(|comparison| pb::QuantityComparison {
                claim: Some(quantity_to_proto(&comparison.claim)),
                statement: comparison.statement.as_ref().map(quantity_to_proto),
                agreement: agreement_to_proto(comparison.agreement) as i32,
            })
            .collect(),
    }
}

fn quantity_to_proto(mention: &model::QuantityMention) -> pb::Quantity {
    let quantity = &mention.quantity;
    let (unit, currency) = match &quantity.unit {
        Unit::Percent => (pb::quantity::Unit::Percent, String::new()),
        Unit::Money(code) => (pb::quantity::Unit::Money, code.clone()),
        Unit::Multiple => (pb::quantity::Unit::Multiple, String::new()),
        Unit::Duration => (pb::quantity::Unit::Duration, String::new()),
        Unit::Year => (pb::quantity::Unit::Year, String::new()),
        Unit::Count => (pb::quantity::Unit::Count, String::new()),
    };
    let bound = match quantity.bound {
        Bound::Exact => pb::quantity::Bound::Exact,
        Bound::Approximate => pb::quantity::Bound::Approximate,
        Bound::MoreThan => pb::quantity::Bound::MoreThan,
        Bound::AtLeast => pb::quantity::Bound::AtLeast,
        Bound::LessThan => pb::quantity::Bound::LessThan,
        Bound::AtMost => pb::quantity::Bound::AtMost,
    };
    pb::Quantity {
        text: mention.text.clone(),
        start: offset(mention.span.start),
        end: offset(mention.span.end),
        value: quantity.value,
        high: quantity.high,
        unit: unit as i32,
        currency,
        bound: bound as i32,
        counts: quantity.counts.clone(),
        display: crate::text::quantity::format(quantity),
    }
}

fn agreement_to_proto(agreement: Agreement) -> pb::quantity_comparison::Agreement {
    match agreement {
        Agreement::Agree => pb::quantity_comparison::Agreement::Agrees,
        Agreement::Conflict => pb::quantity_comparison::Agreement::Conflicts,
        Agreement::NotComparable => pb::quantity_comparison::Agreement::NotComparable,
    }
}

/// A code point offset as the proto sends it (saturating at `i32::MAX`).
fn offset(value: CharOffset) -> i32 {
    i32::try_from(value.get()).unwrap_or(i32::MAX)
}

fn stance_to_proto(stance: model::Stance) -> pb::r#match::Stance {
    match stance {
        model::Stance::Supports => pb::r#match::Stance::Supports,
        model::Stance::Contradicts => pb::r#match::Stance::Contradicts,
        model::Stance::Related => pb::r#match::Stance::Related,
    }
}

fn verdict_to_proto(verdict: model::Verdict) -> pb::check_claim_response::Verdict {
    match verdict {
        model::Verdict::Supported => pb::check_claim_response::Verdict::Supported,
        model::Verdict::Contradicted => pb::check_claim_response::Verdict::Contradicted,
        model::Verdict::Disputed => pb::check_claim_response::Verdict::Disputed,
        model::Verdict::Unverified => pb::check_claim_response::Verdict::Unverified,
        model::Verdict::Refuted => pb::check_claim_response::Verdict::Refuted,
        model::Verdict::Attributed => pb::check_claim_response::Verdict::Attributed,
        model::Verdict::Mixed => pb::check_claim_response::Verdict::Mixed,
    }
}
