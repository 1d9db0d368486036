//! The Prometheus endpoint of the real binary: scraped over HTTP, its
//! counters move with the calls made.

use std::io::{Read, Write};

use crate::harness::claim_request;
use factdesk::pb;
use factdesk::pb::claim_service_client::ClaimServiceClient;
use factdesk::pb::statement_service_client::StatementServiceClient;

const CLAIM: &str = "Half of Chinese generative AI start-ups run on Alibaba Cloud";

fn scrape(address: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response
}

/// The value of the sample whose line starts with `series`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(series))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
}

/// A scrape once `series` reads `value` and no call is in flight, or the
/// last of 100 tries. A call is counted when the server lets go of its
/// response, which can be just after the client has read it; that moment
/// is not observable from here, hence the retries.
async fn settled(address: &str, series: &str, value: f64) -> String {
    let mut text = scrape(address);
    for _ in 0..100 {
        if sample(&text, series) == Some(value)
            && sample(&text, "factdesk_rpc_in_flight") == Some(0.0)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        text = scrape(address);
    }
    text
}

#[tokio::test]
async fn metrics_are_scraped_and_move_with_calls() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics_address = free.local_addr().unwrap().to_string();
    drop(free);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (_server, address, _log) =
        crate::harness::process::spawn_demo_server(&db, &["--metrics-listen", &metrics_address]);
    let mut claims = ClaimServiceClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    let mut statements = StatementServiceClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    for _ in 0..2 {
        claims.check_claim(claim_request(CLAIM)).await.unwrap();
    }
    let missing = statements
        .get_statement(pb::GetStatementRequest { id: "nope".into() })
        .await;
    assert!(missing.is_err());

    let check_ok =
        "factdesk_rpc_requests_total{method=\"/factdesk.v1.ClaimService/CheckClaim\",code=\"Ok\"}";
    let text = settled(&metrics_address, check_ok, 2.0).await;
    assert_eq!(sample(&text, check_ok), Some(2.0), "{text}");
    assert_eq!(
        sample(
            &text,
            "factdesk_rpc_requests_total{method=\"/factdesk.v1.StatementService/GetStatement\",code=\"NotFound\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert!(
        sample(&text, "factdesk_library_statements").is_some_and(|n| n > 0.0),
        "{text}"
    );
    assert!(
        sample(&text, "factdesk_index_build_seconds").is_some(),
        "{text}"
    );
    assert!(text.contains("factdesk_checks_total{verdict="), "{text}");
    assert!(
        text.contains("factdesk_rpc_duration_seconds_bucket{"),
        "{text}"
    );
    assert!(
        text.contains("# HELP factdesk_rpc_requests_total"),
        "{text}"
    );

    claims.check_claim(claim_request(CLAIM)).await.unwrap();
    let text = settled(&metrics_address, check_ok, 3.0).await;
    assert_eq!(sample(&text, check_ok), Some(3.0), "the counter moves");
}
