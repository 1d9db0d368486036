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
        ("true", pb::Verdict::Supported),
        ("mostly-true", pb::Verdict::Supported),
        ("half-true", pb::Verdict::Mixed),
        ("barely-true", pb::Verdict::Refuted),
        ("false", pb::Verdict::Refuted),
        ("pants-fire", pb::Verdict::Refuted),
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
                assert_ne!(verdict, pb::Verdict::Supported, "{rating}: {why}");
            }
            assert_eq!(verdict, expected, "{rating} {}: {why}", statement["id"]);
            let top = &response.matches[0];
            assert_eq!(top.reviews[0].textual_rating, rating);
            assert!(why.contains(&format!("rated this '{rating}'")), "{why}");
        }
    }
    server.stop().await;
}
