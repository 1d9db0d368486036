//! Fact-checkers' ratings decide verdicts, on real data through a real
//! server: the exact text of PolitiFact statements of each of the six
//! Truth-O-Meter ratings, checked with the speaker as claimant. A claim
//! matching one rated false or pants on fire is never SUPPORTED.

use factdesk::pb;
use factdesk::server::ServerOptions;

use crate::harness::{import_file, shared_data, temporary_library, TestServer};

/// Statements checked per rating (the first ones in the file).
const PER_RATING: usize = 3;

#[tokio::test]
async fn politifact_ratings_decide_the_verdict() {
    let Some(data) = shared_data() else {
        return;
    };
    let file = data.join("politifact-statements.jsonl");
    let library = temporary_library();
    assert_eq!(import_file(&library, &file), 0);
    let server = TestServer::over(library, ServerOptions::default()).await;
    let mut claims = server.claims().await;
    let ratings = [
        ("true", pb::check_claim_response::Verdict::Supported),
        ("mostly-true", pb::check_claim_response::Verdict::Supported),
        ("half-true", pb::check_claim_response::Verdict::Mixed),
        ("barely-true", pb::check_claim_response::Verdict::Refuted),
        ("false", pb::check_claim_response::Verdict::Refuted),
        ("pants-fire", pb::check_claim_response::Verdict::Refuted),
    ];
    let lines = std::fs::read_to_string(&file).unwrap();
    let statements: Vec<serde_json::Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    for (rating, expected) in ratings {
        let rated = statements
            .iter()
            .filter(|s| s["rating"]["textualRating"] == rating)
            .take(PER_RATING);
        for statement in rated {
            let request = pb::CheckClaimRequest {
                claim: Some(pb::Claim {
                    text: statement["text"].as_str().unwrap().to_owned(),
                    claimant: statement["attribution"]["speaker"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    ..Default::default()
                }),
                ..Default::default()
            };
            let response = claims.check_claim(request).await.unwrap().into_inner();
            let verdict = response.verdict();
            let why = &response.verdict_explanation;
            if matches!(rating, "false" | "pants-fire" | "barely-true") {
                assert_ne!(
                    verdict,
                    pb::check_claim_response::Verdict::Supported,
                    "{rating}: {why}"
                );
            }
            assert_eq!(verdict, expected, "{rating} {}: {why}", statement["id"]);
            let top = &response.matches[0];
            assert_eq!(top.reviews[0].textual_rating, rating);
            assert!(why.contains(&format!("rated this '{rating}'")), "{why}");
        }
    }
    server.stop().await;
}

/// Whether a verdict has the polarity a verdict-dev case asks for (as
/// `factdesk eval-verdict` scores it).
fn agrees(polarity: &str, verdict: pb::check_claim_response::Verdict) -> bool {
    let negative = matches!(
        verdict,
        pb::check_claim_response::Verdict::Refuted
            | pb::check_claim_response::Verdict::Contradicted
    );
    match polarity {
        "+" => verdict == pb::check_claim_response::Verdict::Supported,
        "-" => negative,
        "±" => verdict == pb::check_claim_response::Verdict::Mixed,
        "not-" => !negative,
        other => panic!("unknown polarity {other:?}"),
    }
}

/// The verdict-dev claims (paraphrased, negated or with a figure changed,
/// each about a rated PolitiFact statement) through a real server over both
/// statement files: the verdict follows the fact-checker's rating for at
/// least 90% of them, and no claim whose polarity is negative is SUPPORTED.
#[tokio::test]
async fn verdict_dev_follows_the_fact_checkers() {
    let Some(data) = shared_data() else {
        return;
    };
    let library = temporary_library();
    for file in ["snopes-statements.jsonl", "politifact-statements.jsonl"] {
        assert_eq!(import_file(&library, &data.join(file)), 0);
    }
    let server = TestServer::over(library, ServerOptions::default()).await;
    let mut claims = server.claims().await;
    let cases = factdesk::eval::verdict::read_cases(&data.join("verdict-dev.jsonl")).unwrap();
    let mut correct = 0;
    let mut misses = Vec::new();
    for case in &cases {
        let request = pb::CheckClaimRequest {
            claim: Some(pb::Claim {
                text: case.claim.clone(),
                claimant: case.claimant.clone(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let response = claims.check_claim(request).await.unwrap().into_inner();
        let verdict = response.verdict();
        if case.polarity == "-" {
            assert_ne!(
                verdict,
                pb::check_claim_response::Verdict::Supported,
                "{}: {:?}",
                case.claim,
                response.verdict_explanation
            );
        }
        if agrees(&case.polarity, verdict) {
            correct += 1;
        } else {
            misses.push(format!(
                "{verdict:?} for {} ({})",
                case.claim, case.polarity
            ));
        }
    }
    let accuracy = correct as f64 / cases.len() as f64;
    eprintln!(
        "verdict-dev through gRPC: {correct}/{} ({accuracy:.3})",
        cases.len()
    );
    assert!(accuracy >= 0.90, "{correct}/{}: {misses:#?}", cases.len());
    server.stop().await;
}
