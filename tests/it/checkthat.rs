//! Real data through a real server: import all 27k shared statements with
//! ImportStatements, then score the CheckThat! 2022 task 2A queries
//! (MAP@5; one relevant statement per query, so it equals MRR@5), each
//! tweet sent raw, as pasted, against the same tweet cleaned in-process by
//! a client that knows its author and date: the two agree within 0.005.
//! The devtest floor is 0.90 (plain BM25 text only scores about 0.82).

use std::collections::HashMap;
use std::path::Path;

use crate::harness::{proto_statement, TestServer};
use factdesk::eval::tweet::claim_from_tweet;
use factdesk::model::CheckOptions;
use factdesk::pb;

const DEVTEST_FLOOR: f64 = 0.90;
/// Raw tweets through the server may score at most this far from the same
/// tweets cleaned by the client.
const RAW_TOLERANCE: f64 = 0.005;

/// 1/rank of `relevant` among `ids`, 0 when absent.
fn reciprocal_rank(ids: &[&str], relevant: &str) -> f64 {
    ids.iter()
        .position(|id| *id == relevant)
        .map_or(0.0, |rank| 1.0 / (rank as f64 + 1.0))
}

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
    let library = server.library();
    let reference = CheckOptions {
        min_score: 0.0,
        ..CheckOptions::default()
    };
    let mut devtest = 0.0;
    for split in ["train", "dev", "devtest"] {
        let queries = read_tsv(&data.join(format!("checkthat2022/{split}.queries.tsv")));
        let gold: HashMap<String, String> =
            read_tsv(&data.join(format!("checkthat2022/{split}.qrels.tsv")))
                .into_iter()
                .collect();
        let (mut raw, mut cleaned) = (0.0, 0.0);
        let mut scored = 0usize;
        for (tweet_id, tweet) in &queries {
            let Some(relevant) = gold.get(tweet_id) else {
                continue;
            };
            // The tweet exactly as a client receives it: links, handles,
            // emoji and the signature (which gives claimant and time).
            let mut request = crate::harness::claim_request(tweet);
            request.min_score = Some(0.0);
            let response = claims.check_claim(request).await.unwrap().into_inner();
            let ids: Vec<&str> = response
                .matches
                .iter()
                .map(|m| m.statement.as_ref().unwrap().id.as_str())
                .collect();
            raw += reciprocal_rank(&ids, relevant);
            // The reference: cleaned in-process, as a client holding the
            // tweet's metadata would send it.
            let claim = claim_from_tweet(tweet);
            let result = library.check(&claim, &reference).unwrap();
            let ids: Vec<&str> = result
                .matches
                .iter()
                .map(|m| m.statement.id.as_str())
                .collect();
            cleaned += reciprocal_rank(&ids, relevant);
            scored += 1;
        }
        let (raw, cleaned) = (raw / scored as f64, cleaned / scored as f64);
        println!(
            "checkthat2022 {split}: MAP@5 = {raw:.4} raw through gRPC, {cleaned:.4} cleaned \
             in-process, over {scored} queries ({:?} since start)",
            started.elapsed()
        );
        assert!(
            (raw - cleaned).abs() <= RAW_TOLERANCE,
            "{split}: raw {raw:.4} vs cleaned {cleaned:.4}"
        );
        if split == "devtest" {
            devtest = raw;
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
