//! ClaimReview, the fact-checkers' format, in and out: the CLI imports the
//! fixture and exports the same reviews (and a re-import exports the same
//! file); a malformed file reports each bad record by file, record and
//! field and stores the good ones; the same documents go in over gRPC and
//! decide the verdict of a check.

use std::path::{Path, PathBuf};

use factdesk::pb;
use prost_types::value::Kind;
use serde_json::Value;

use crate::harness::process::run_factdesk;
use crate::harness::{claim_request, TestServer};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/claimreview")
        .join(name)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs `factdesk <args>`; panics unless it succeeds. Returns (stdout, stderr).
fn factdesk(args: &[&str]) -> (String, String) {
    let output = run_factdesk(args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{args:?}: {stderr}");
    (String::from_utf8(output.stdout).unwrap(), stderr)
}

/// `factdesk import --format claimreview FILE --db DB`: (stdout, stderr).
fn import_claim_reviews(file: &str, db: &str) -> (String, String) {
    factdesk(&[
        "import",
        "--create",
        "--format",
        "claimreview",
        file,
        "--db",
        db,
    ])
}

/// `factdesk export --format claimreview --db DB`: (stdout, stderr).
fn export_claim_reviews(db: &str) -> (String, String) {
    factdesk(&["export", "--format", "claimreview", "--db", db])
}

/// The reviews a ClaimReview document holds, as comparable JSON: the claim,
/// the reviewer, the rating as published and on the numeric scale, the
/// review's url, date and language.
fn reviews_of(document: &Value) -> Vec<Value> {
    let found = factdesk::claimreview::read(document);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let mut reviews: Vec<Value> = found
        .statements
        .iter()
        .flat_map(|(_, statement)| {
            statement.reviews.iter().map(|review| {
                serde_json::json!({
                    "claim": statement.text,
                    "claimant": statement.speaker_name(),
                    "review": serde_json::to_value(review).unwrap(),
                })
            })
        })
        .collect();
    reviews.sort_by_key(|review| review.to_string());
    reviews
}

#[test]
fn claim_review_import_then_export_gives_the_same_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let input = fixture("reviews.json");
    let (_, stderr) = import_claim_reviews(input.to_str().unwrap(), first.to_str().unwrap());
    assert!(
        stderr.contains("3 created, 0 unchanged, 0 rejected"),
        "{stderr}"
    );

    let (exported, stderr) = export_claim_reviews(first.to_str().unwrap());
    assert!(
        stderr.contains("exported 4 reviews of 3 statements"),
        "{stderr}"
    );
    let exported_json: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(reviews_of(&exported_json), reviews_of(&read_json(&input)));
    for object in exported_json.as_array().unwrap() {
        // What Google's ClaimReview guidelines require of each object.
        assert_eq!(object["@type"], "ClaimReview");
        assert!(object["claimReviewed"].is_string());
        assert!(object["url"].is_string());
        assert!(object["reviewRating"]["alternateName"].is_string());
        assert!(object["author"]["name"].is_string());
    }

    // A second import of the same file changes nothing; the export imports
    // into a new database and exports byte for byte the same.
    let (_, stderr) = import_claim_reviews(input.to_str().unwrap(), first.to_str().unwrap());
    assert!(
        stderr.contains("0 created, 3 unchanged, 0 rejected"),
        "{stderr}"
    );
    let file = dir.path().join("exported.json");
    std::fs::write(&file, &exported).unwrap();
    let second = dir.path().join("second");
    import_claim_reviews(file.to_str().unwrap(), second.to_str().unwrap());
    let (again, _) = export_claim_reviews(second.to_str().unwrap());
    assert_eq!(again, exported);
}

#[test]
fn malformed_claim_review_file_reports_each_bad_record_and_keeps_the_good() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let input = fixture("malformed.json");
    let name = input.display().to_string();
    // Rejected records make the exit code 1 unless --allow-rejects.
    let refused = run_factdesk(&[
        "import",
        "--create",
        "--format",
        "claimreview",
        &name,
        "--db",
        dir.path().join("refused").to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(1));
    let (_, stderr) = factdesk(&[
        "import",
        "--create",
        "--format",
        "claimreview",
        &name,
        "--db",
        db.to_str().unwrap(),
        "--allow-rejects",
    ]);
    for expected in [
        "record 2: claimReviewed: is required",
        "record 3: reviewRating.ratingValue: \"three\" is not a number",
        "record 4: @type: is not ClaimReview",
        "record 5: datePublished: \"last Tuesday\" is not a date",
    ] {
        assert!(
            stderr.contains(&format!("{name}: {expected}")),
            "{expected}: {stderr}"
        );
    }
    assert!(
        stderr.contains("2 created, 0 unchanged, 4 rejected"),
        "{stderr}"
    );
    let (exported, _) = factdesk(&["export", "--db", db.to_str().unwrap()]);
    let texts: Vec<String> = exported
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["text"].to_string())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(texts.iter().any(|t| t.contains("central library")));
    assert!(texts.iter().any(|t| t.contains("Bus fares")));
}

/// A JSON value as a protobuf `Value` (what grpcurl sends for a Struct).
fn proto_value(value: &Value) -> prost_types::Value {
    let kind = match value {
        Value::Null => Kind::NullValue(0),
        Value::Bool(b) => Kind::BoolValue(*b),
        Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap()),
        Value::String(s) => Kind::StringValue(s.clone()),
        Value::Array(items) => Kind::ListValue(prost_types::ListValue {
            values: items.iter().map(proto_value).collect(),
        }),
        Value::Object(_) => Kind::StructValue(proto_struct(value)),
    };
    prost_types::Value { kind: Some(kind) }
}

fn proto_struct(value: &Value) -> prost_types::Struct {
    let object = value.as_object().unwrap();
    prost_types::Struct {
        fields: object
            .iter()
            .map(|(key, value)| (key.clone(), proto_value(value)))
            .collect(),
    }
}

/// Each element of a fixture array as one document.
fn documents(name: &str) -> Vec<prost_types::Struct> {
    let document = read_json(&fixture(name));
    document
        .as_array()
        .unwrap()
        .iter()
        .map(proto_struct)
        .collect()
}

#[tokio::test]
async fn claim_reviews_over_grpc_decide_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut statements = server.statements().await;
    let response = statements
        .import_claim_reviews(pb::ImportClaimReviewsRequest {
            documents: documents("reviews.json"),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (response.created_count, response.rejected_count),
        (3, 0),
        "{response:?}"
    );

    let bad = statements
        .import_claim_reviews(pb::ImportClaimReviewsRequest {
            documents: documents("malformed.json"),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((bad.created_count, bad.rejected_count), (2, 4));
    let errors: Vec<(i64, &str)> = bad
        .errors
        .iter()
        .map(|e| (e.index, e.field.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (1, "claimReviewed"),
            (2, "reviewRating.ratingValue"),
            (3, "@type"),
            (4, "datePublished")
        ]
    );

    let mut claims = server.claims().await;
    let result = claims
        .check_claim(claim_request(
            "Ferry ridership doubled between 2022 and 2024.",
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        result.verdict(),
        pb::check_claim_response::Verdict::Supported,
        "{result:?}"
    );
    let top = &result.matches[0];
    assert_eq!(top.reviews[0].publisher, "Example Fact Check");
    assert_eq!(top.normalized_rating(), pb::NormalizedRating::True);

    let result = claims
        .check_claim(claim_request("Bus fares fell by 10% in 2025."))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        result.verdict(),
        pb::check_claim_response::Verdict::Refuted,
        "{result:?}"
    );
    assert!(
        result
            .verdict_explanation
            .contains("Example Fact Check rated this 'Pants on Fire' on 2025-08-15"),
        "{}",
        result.verdict_explanation
    );
    server.stop().await;
}
