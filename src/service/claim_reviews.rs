//! `ImportClaimReviews`: ClaimReview JSON-LD documents, sent as
//! `google.protobuf.Struct`, read into reviewed statements and imported.

use prost_types::value::Kind;

use crate::claimreview;
use crate::error::Error;
use crate::library::{ImportRejection, ImportReport, Library};
use crate::model::limits::{MAX_CLAIM_REVIEW_RECORDS, MAX_IMPORT_ERRORS_LISTED};
use crate::model::FieldError;
use crate::pb;

/// Reads every document and imports the good records in one batch; the
/// response lists rejected records by zero-based index across documents.
/// More than [`MAX_CLAIM_REVIEW_RECORDS`] records in all is refused whole.
pub fn import(
    library: &Library,
    documents: Vec<prost_types::Struct>,
) -> Result<pb::ImportStatementsResponse, Error> {
    let too_many = || {
        Error::InvalidArgument(FieldError::new(
            "documents",
            format!("at most {MAX_CLAIM_REVIEW_RECORDS} ClaimReview records per request"),
        ))
    };
    // Every document holds a record or is one (a bad one): refuse at once.
    if documents.len() > MAX_CLAIM_REVIEW_RECORDS {
        return Err(too_many());
    }
    let documents: Vec<serde_json::Value> = documents
        .into_iter()
        .map(|document| serde_json::Value::Object(object(document)))
        .collect();
    let found =
        claimreview::read_at_most(&documents, MAX_CLAIM_REVIEW_RECORDS).ok_or_else(too_many)?;
    let rejected: Vec<ImportRejection> = found
        .errors
        .into_iter()
        .map(|bad| ImportRejection {
            index: bad.index as u64,
            id: String::new(),
            error: bad.error,
        })
        .collect();
    let statements = found
        .statements
        .into_iter()
        .map(|(index, statement)| (index as u64, statement))
        .collect();
    let report = library.import_batch(statements)?;
    Ok(response(report, rejected))
}

fn response(
    report: ImportReport,
    mut rejected: Vec<ImportRejection>,
) -> pb::ImportStatementsResponse {
    rejected.extend(report.rejected);
    rejected.sort_by_key(|rejection| rejection.index);
    pb::ImportStatementsResponse {
        created_count: report.created as i64,
        unchanged_count: report.unchanged as i64,
        rejected_count: rejected.len() as i64,
        unrecognized_rating_count: report.unrecognised_ratings as i64,
        errors: rejected
            .into_iter()
            .take(MAX_IMPORT_ERRORS_LISTED)
            .map(|rejection| pb::ImportError {
                index: rejection.index as i64,
                id: rejection.id,
                field: rejection.error.field,
                message: rejection.error.description,
            })
            .collect(),
    }
}

fn object(document: prost_types::Struct) -> serde_json::Map<String, serde_json::Value> {
    document
        .fields
        .into_iter()
        .map(|(key, value)| (key, json(value)))
        .collect()
}

/// A protobuf `Value` as JSON (numbers are doubles, as in JSON itself).
fn json(value: prost_types::Value) -> serde_json::Value {
    use serde_json::Value;
    match value.kind {
        None | Some(Kind::NullValue(_)) => Value::Null,
        Some(Kind::NumberValue(n)) => {
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
        }
        Some(Kind::StringValue(s)) => Value::String(s),
        Some(Kind::BoolValue(b)) => Value::Bool(b),
        Some(Kind::StructValue(s)) => Value::Object(object(s)),
        Some(Kind::ListValue(list)) => Value::Array(list.values.into_iter().map(json).collect()),
    }
}
