//! Work budgets through a real server: deadlines that pass while work
//! waits or runs (hardening II, finding 5), and statements made of figures
//! that made one check cost 25 s (finding 7).

use std::time::Duration;

use crate::exhaustion::{load_library, recovered, serve_binary, status_kib_raw};
use crate::harness::{claim_request, statement};
use factdesk::pb;
use factdesk::pb::statement_service_client::StatementServiceClient;
use prost::Message;

/// Finding 5: 1,000 listings whose deadline passes while they run or wait.
/// Work left behind keeps its call's slot until it ends, and work whose
/// deadline passed before it started is skipped, so the server never runs
/// more than its in-flight limit of them (the attack reached 526 threads)
/// and a check afterwards is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_bound_the_work_left_behind() {
    let (_dir, server, address) = serve_binary(&[]);
    let url = format!("http://{address}");
    let mut statements = StatementServiceClient::connect(url.clone()).await.unwrap();
    load_library(&mut statements).await;
    let pid = server.0.id();
    eprintln!("threads before: {}", status_kib_raw(pid, "Threads"));
    let mut most_threads = 0;
    let mut calls = Vec::new();
    for _ in 0..20 {
        let channel = tonic::transport::Endpoint::from_shared(url.clone())
            .unwrap()
            .connect()
            .await
            .unwrap();
        for _ in 0..50 {
            let mut client = StatementServiceClient::new(channel.clone());
            calls.push(tokio::spawn(async move {
                let mut request = tonic::Request::new(pb::ListStatementsRequest {
                    page_size: 1000,
                    publisher: "nobody publishes this".into(),
                    ..Default::default()
                });
                request.set_timeout(Duration::from_millis(20));
                client
                    .list_statements(request)
                    .await
                    .err()
                    .map(|s| s.code())
            }));
        }
        most_threads = most_threads.max(status_kib_raw(pid, "Threads"));
    }
    let mut codes = std::collections::BTreeMap::new();
    for call in calls {
        *codes
            .entry(format!("{:?}", call.await.unwrap()))
            .or_insert(0) += 1;
        most_threads = most_threads.max(status_kib_raw(pid, "Threads"));
    }
    eprintln!("1,000 listings with a 20 ms deadline: {codes:?}; at most {most_threads} threads");
    assert!(most_threads < 120, "{most_threads} threads");
    recovered(&server, &url, "expired listings").await;
}

/// Text of about `bytes` bytes, all figures: percentages, money, years,
/// counts and multiples (deterministic).
fn figure_dense(bytes: usize, seed: u64) -> String {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut text = String::new();
    while text.len() < bytes {
        let figure = match rng.u8(..5) {
            0 => format!("{}% ", rng.u32(1..100)),
            1 => format!("${} million ", rng.u32(1..1000)),
            2 => format!("{} ", rng.u32(1900..2030)),
            3 => format!("{},{} people ", rng.u32(1..10), rng.u32(100..1000)),
            _ => format!(
                "rose by {} percent in {} ",
                rng.u32(1..50),
                rng.u32(1990..2026)
            ),
        };
        text.push_str(&figure);
    }
    text.truncate(bytes);
    text
}

/// Finding 7: 50 stored 16 KiB statements made of figures, and a 4,000
/// character claim made of figures asking for 50 matches: the check pairs
/// at most 32 claim figures with at most 256 of each statement's, lists at
/// most 128 highlights per match, and answers (it took 25 s of CPU and ran
/// 38 s past a 1 s deadline); a create goes through meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figure_dense_statements_cost_a_bounded_check() {
    let dir = tempfile::tempdir().unwrap();
    let server = crate::harness::TestServer::builder(dir.path())
        .start()
        .await;
    let mut statements = server.statements().await;
    let dense: Vec<pb::Statement> = (0..50)
        .map(|i| statement(&format!("dense-{i}"), &figure_dense(16_000, i)))
        .collect();
    let imported = statements
        .import_statements(tokio_stream::iter(vec![pb::ImportStatementsRequest {
            statements: dense,
        }]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(imported.created_count, 50);
    let mut request = claim_request(&figure_dense(4_000, 99));
    request.max_matches = 50;
    request.min_score = Some(0.0);
    let mut request = tonic::Request::new(request);
    request.set_timeout(Duration::from_secs(20));
    let mut claims = server.claims().await;
    let check = tokio::spawn(async move { claims.check_claim(request).await });
    let created = statements
        .create_statement(pb::CreateStatementRequest {
            statement: Some(statement("meanwhile", "The ferry left at dawn.")),
            ..Default::default()
        })
        .await;
    assert!(created.is_ok(), "{created:?}");
    let response = check
        .await
        .unwrap()
        .expect("the check answers")
        .into_inner();
    let analysis = response.claim.unwrap().analysis.unwrap();
    assert_eq!(analysis.quantities.len(), 32, "claim figures compared");
    assert_eq!(response.matches.len(), 50);
    for found in &response.matches {
        assert!(found.highlights.len() <= 128, "{}", found.highlights.len());
        assert!(found.quantities.len() <= 32);
    }
    let bytes = Message::encoded_len(&pb::CheckClaimResponse {
        matches: response.matches,
        ..Default::default()
    });
    eprintln!("figure-dense check: {bytes} bytes");
    server.stop().await;
}
