//! The seed's own story told in other words, through a real server on the
//! built-in demo library: the paraphrase dev set's top match and stance
//! (13 of 14 at least lexically, all 14 with the embedding model), and the
//! opposite-state claims that once came back SUPPORTED.

use factdesk::eval::stance::{read_cases, StanceCase};
use factdesk::pb;

use crate::harness::{claim_request, embedding_model, shared_data, TestServer};

/// Cases whose top match is the expected statement with the expected
/// stance, and the misses.
async fn score(server: &TestServer, cases: &[StanceCase]) -> (usize, Vec<String>) {
    let mut claims = server.claims().await;
    let mut right = 0;
    let mut misses = Vec::new();
    for case in cases {
        let response = claims
            .check_claim(claim_request(&case.claim))
            .await
            .unwrap()
            .into_inner();
        let top = response.matches.first();
        let id = top.map(|m| m.statement.as_ref().unwrap().id.clone());
        let stance = top.map(|m| {
            m.stance()
                .as_str_name()
                .trim_start_matches("STANCE_")
                .to_owned()
        });
        if id == case.statement_id && stance == case.stance {
            right += 1;
        } else {
            let why = top.map_or("", |m| m.explanation.as_str());
            misses.push(format!("{}: {id:?} {stance:?} ({why})", case.claim));
        }
    }
    (right, misses)
}

#[tokio::test]
async fn seed_paraphrases_lexically() {
    let Some(data) = shared_data() else {
        return;
    };
    let cases = read_cases(&data.join("seed-paraphrase-dev.jsonl")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let (right, misses) = score(&server, &cases).await;
    eprintln!("seed-paraphrase-dev, lexical: {right}/{}", cases.len());
    assert!(right >= 13, "{right}/{}: {misses:#?}", cases.len());
    server.stop().await;
}

#[tokio::test]
async fn seed_paraphrases_with_the_embedding_model() {
    let (Some(data), Some(embedder)) = (shared_data(), embedding_model()) else {
        return;
    };
    let cases = read_cases(&data.join("seed-paraphrase-dev.jsonl")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path())
        .demo()
        .embedder(embedder)
        .start()
        .await;
    let (right, misses) = score(&server, &cases).await;
    eprintln!("seed-paraphrase-dev, embeddings: {right}/{}", cases.len());
    assert_eq!(right, cases.len(), "{misses:#?}");
    server.stop().await;
}

/// The claims that state the opposite of the record: never SUPPORTS, never
/// a verdict that reads as if the record agreed.
#[tokio::test]
async fn opposite_states_of_the_record_contradict() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let mut claims = server.claims().await;
    for (claim, statement) in [
        (
            "Daniel Zhang remains chief executive of Alibaba Group",
            "demo-zhang-steps-down-group-ceo",
        ),
        (
            "Daniel Zhang stayed on at Alibaba's cloud unit",
            "demo-zhang-resigns-cloud-unit",
        ),
        (
            "Alibaba went ahead with the full spin-off of its cloud unit",
            "demo-alibaba-scraps-cloud-spinoff",
        ),
    ] {
        let response = claims
            .check_claim(claim_request(claim))
            .await
            .unwrap()
            .into_inner();
        let top = &response.matches[0];
        assert_eq!(top.statement.as_ref().unwrap().id, statement, "{claim}");
        assert_eq!(
            top.stance(),
            pb::r#match::Stance::Contradicts,
            "{claim}: {}",
            top.explanation
        );
        assert!(
            top.explanation.contains("the opposite"),
            "{claim}: {}",
            top.explanation
        );
        assert_eq!(
            response.verdict(),
            pb::check_claim_response::Verdict::Contradicted,
            "{claim}: {}",
            response.verdict_explanation
        );
    }
    server.stop().await;
}
