//! Semantic re-ranking through a real server: a paraphrase with few shared
//! words finds the statement it restates, and embeddings survive a restart.

use crate::harness::{claim_request, TestServer};

const PARAPHRASE: &str = "Alibaba's cloud arm is home to 50% of Chinese generative-AI start-ups";

#[tokio::test]
async fn paraphrase_finds_tsai_with_embeddings() {
    let Some(embedder) = crate::harness::embedding_model() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path())
        .demo()
        .embedder(embedder.clone())
        .start()
        .await;
    let mut claims = server.claims().await;
    let response = claims
        .check_claim(claim_request(PARAPHRASE))
        .await
        .unwrap()
        .into_inner();
    let top = &response.matches[0];
    assert_eq!(top.statement.as_ref().unwrap().id, "demo-tsai-cloud-share");
    assert!(
        top.explanation.contains("meaning similarity"),
        "{}",
        top.explanation
    );
    let first_answer: Vec<(String, u32)> = response
        .matches
        .iter()
        .map(|m| (m.statement.as_ref().unwrap().id.clone(), m.score.to_bits()))
        .collect();
    server.stop().await;

    // Vectors were stored with the statements: a restart gives the same answer.
    let server = TestServer::builder(dir.path())
        .demo()
        .embedder(embedder)
        .start()
        .await;
    let mut claims = server.claims().await;
    let again = claims
        .check_claim(claim_request(PARAPHRASE))
        .await
        .unwrap()
        .into_inner();
    let second_answer: Vec<(String, u32)> = again
        .matches
        .iter()
        .map(|m| (m.statement.as_ref().unwrap().id.clone(), m.score.to_bits()))
        .collect();
    assert_eq!(first_answer, second_answer);
    server.stop().await;
}
