//! Real data through a real server: import all 27k shared statements with
//! ImportStatements, then score the CheckThat! 2022 task 2A queries
//! (MAP@5; one relevant statement per query, so it equals MRR@5).
//! The devtest floor is 0.80 (plain BM25 scores about 0.82).

use std::collections::HashMap;
use std::path::Path;

use crate::harness::{proto_statement, TestServer};
use factdesk::eval::tweet::claim_from_tweet;
use factdesk::pb;

const DEVTEST_FLOOR: f64 = 0.80;

#[tokio::test]
async fn checkthat_map_at_5_through_the_server() {
    let Some(data) = crate::harness::shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut statements = server.statements().await;
    let started = std::time::Instant::now();
    let mut total_created = 0;
    for file in ["snopes-statements.jsonl", "politifact-statements.jsonl"] {
        let messages = read_batches(&data.join(file), 500);
        let response = statements
            .import_statements(tokio_stream::iter(messages))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.rejected_count, 0, "{:?}", response.errors.first());
        total_created += response.created_count;
    }
    assert_eq!(total_created, 27_067);
    println!(
        "imported {total_created} statements in {:?}",
        started.elapsed()
    );

    let mut claims = server.claims().await;
    let mut devtest = 0.0;
    for split in ["train", "dev", "devtest"] {
        let queries = read_tsv(&data.join(format!("checkthat2022/{split}.queries.tsv")));
        let gold: HashMap<String, String> =
            read_tsv(&data.join(format!("checkthat2022/{split}.qrels.tsv")))
                .into_iter()
                .collect();
        let mut reciprocal_ranks = 0.0;
        let mut scored = 0usize;
        for (tweet_id, tweet) in &queries {
            let Some(relevant) = gold.get(tweet_id) else {
                continue;
            };
            // Text only: the claimant/time signals are measured by `factdesk eval`.
            let claim = claim_from_tweet(tweet);
            let mut request = crate::harness::claim_request(&claim.text);
            request.min_score = Some(0.0);
            let response = claims.check_claim(request).await.unwrap().into_inner();
            let rank = response
                .matches
                .iter()
                .position(|m| &m.statement.as_ref().unwrap().id == relevant);
            reciprocal_ranks += rank.map_or(0.0, |r| 1.0 / (r as f64 + 1.0));
            scored += 1;
        }
        let map_at_5 = reciprocal_ranks / scored as f64;
        println!(
            "checkthat2022 {split}: MAP@5 = {map_at_5:.4} over {scored} queries ({:?} since start)",
            started.elapsed()
        );
        if split == "devtest" {
            devtest = map_at_5;
        }
    }
    assert!(
        devtest >= DEVTEST_FLOOR,
        "devtest MAP@5 {devtest:.4} < {DEVTEST_FLOOR}"
    );
    server.stop().await;
}

fn read_batches(path: &Path, size: usize) -> Vec<pb::ImportStatementsRequest> {
    let content = std::fs::read_to_string(path).unwrap();
    let parsed: Vec<pb::Statement> = content
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(proto_statement)
        .collect();
    parsed
        .chunks(size)
        .map(|chunk| pb::ImportStatementsRequest {
            statements: chunk.to_vec(),
        })
        .collect()
}

/// First and third columns of a qrels file, or both columns of a queries file.
fn read_tsv(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            match columns.as_slice() {
                [id, text] => Some((id.to_string(), text.to_string())),
                [id, _, statement, _] => Some((id.to_string(), statement.to_string())),
                _ => None,
            }
        })
        .collect()
}
