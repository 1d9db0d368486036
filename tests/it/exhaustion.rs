//! Hardening II's three high findings against the real binary with its
//! address space capped at 1 GiB above its idle size (`prlimit --pid`):
//! output-only fields stuffed into a check, clients that never read their
//! responses, and streams that never send a body. After each attack the
//! server still says SERVING, its resident memory falls back under 200 MB,
//! and a write-token holder's write went through while it lasted.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use prost::Message;

use crate::harness::process::{spawn_server, ServerProcess};
use crate::harness::{claim_request, statement, with_token};
use factdesk::pb;
use factdesk::pb::claim_service_client::ClaimServiceClient;
use factdesk::pb::statement_service_client::StatementServiceClient;

pub(crate) const WRITE: &str = "exhaustion-write-token-8c1d";
const MIB: u64 = 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn high_findings_under_a_memory_cap() {
    let Some(prlimit) = which("prlimit") else {
        eprintln!("SKIP high_findings_under_a_memory_cap: prlimit (util-linux) not found");
        return;
    };
    // Deadlines long enough that the stalls still hold their slots when
    // the suite's other tests load both cores (4 s was seen to run out).
    let (_dir, server, address) = serve_binary(&[
        "--request-timeout-secs",
        "7",
        "--request-body-timeout-secs",
        "8",
    ]);
    let address: SocketAddr = address.parse().unwrap();
    let url = format!("http://{address}");
    let mut statements = StatementServiceClient::connect(url.clone()).await.unwrap();
    load_library(&mut statements).await;
    let pid = server.0.id();
    let idle = status_kib(pid, "VmSize") * 1024;
    let cap = idle + 1024 * MIB;
    let capped = std::process::Command::new(prlimit)
        .args(["--pid", &pid.to_string(), &format!("--as={cap}:{cap}")])
        .status()
        .unwrap();
    assert!(capped.success(), "prlimit --as");
    eprintln!(
        "idle: {} MiB virtual, {} MiB resident; cap {} MiB",
        idle / MIB,
        status_kib(pid, "VmRSS") / 1024,
        cap / MIB
    );

    // 1: output-only analysis stuffed into checks, gzip, 64 at once, while
    // the write-token holder writes.
    let stuffed = stuffed_check(400_000);
    let attacks: Vec<_> = (0..64)
        .map(|i| {
            let body = stuffed.clone();
            tokio::spawn(async move {
                unary(
                    address,
                    "factdesk.v1.ClaimService/CheckClaim",
                    body,
                    i % 2 == 0,
                )
                .await
            })
        })
        .collect();
    write_succeeds(&mut statements, "during-stuffed-checks").await;
    let mut statuses = Vec::new();
    for attack in attacks {
        statuses.push(attack.await.unwrap());
    }
    assert!(
        statuses.iter().all(|s| s == "3" || s == "8"),
        "analysis is refused (INVALID_ARGUMENT) or shed: {statuses:?}"
    );
    assert!(statuses.iter().any(|s| s == "3"), "{statuses:?}");
    recovered(&server, &url, "stuffed checks").await;

    // 2: 20 connections asking for 32 full pages each, never reading.
    let mut unread = Vec::new();
    for _ in 0..20 {
        unread.push(unread_listings(address, 32).await);
    }
    write_succeeds(&mut statements, "during-unread-listings").await;
    eprintln!(
        "unread listings: {} MiB resident during the attack",
        status_kib(pid, "VmRSS") / 1024
    );
    let mut claims = ClaimServiceClient::connect(url.clone()).await.unwrap();
    let shed = claims
        .check_claim(claim_request("harbour containers"))
        .await
        .unwrap_err();
    assert_eq!(shed.code(), tonic::Code::ResourceExhausted, "{shed:?}");
    recovered(&server, &url, "unread listings").await;
    drop(unread);

    // 3: 3 connections x 32 streams that send headers and never a body.
    let mut stalled = Vec::new();
    for _ in 0..3 {
        stalled.push(crate::raw_http2::stalled_streams(address, 32).await);
    }
    // Some of the streams are refused: the stall holds every anonymous
    // slot, so an anonymous read is refused too...
    let [(a, _), (b, _), (c, _)] = &mut stalled[..] else {
        unreachable!("three connections")
    };
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let status = tokio::select! {
                Some(status) = a.recv() => status,
                Some(status) = b.recv() => status,
                Some(status) = c.recv() => status,
            };
            if status == "8" {
                return;
            }
        }
    })
    .await
    .expect("the stall takes every slot and the rest are refused");
    let shed = statements
        .get_statement(pb::GetStatementRequest {
            id: "s00001".into(),
        })
        .await;
    assert_eq!(
        shed.map_err(|status| status.code()).err(),
        Some(tonic::Code::ResourceExhausted)
    );
    // ...but not the write-token holder's write.
    write_succeeds(&mut statements, "during-stalled-bodies").await;
    recovered(&server, &url, "stalled bodies").await;
    drop(stalled);
    drop(server);
}

/// The real binary on a new database with the write token set and `extra`
/// flags; the directory lives as long as the returned guard.
pub(crate) fn serve_binary(extra: &[&str]) -> (tempfile::TempDir, ServerProcess, String) {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("write.token");
    std::fs::write(&token, WRITE).unwrap();
    let db = dir.path().join("db");
    let mut args = vec![
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
        "--write-token-file",
        token.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (server, address, _log) = spawn_server(
        &args,
        &[(
            "GLIBC_TUNABLES",
            "glibc.malloc.mmap_threshold=131072:glibc.malloc.arena_max=2",
        )],
    );
    (dir, server, address)
}

/// 10,000 statements of about 1.2 KB, so a 1,000-statement page is a
/// megabyte or more.
pub(crate) async fn load_library(
    statements: &mut StatementServiceClient<tonic::transport::Channel>,
) {
    let filler = "The port authority reported that container traffic through the harbour \
                  rose again this quarter, with transshipment volumes and rail connections \
                  cited as the main drivers of growth. ";
    let messages: Vec<pb::ImportStatementsRequest> = (0..10)
        .map(|batch| pb::ImportStatementsRequest {
            statements: (0..1000)
                .map(|i| {
                    let n = batch * 1000 + i;
                    statement(
                        &format!("s{n:05}"),
                        &format!("Statement {n}: {}", filler.repeat(6)),
                    )
                })
                .collect(),
        })
        .collect();
    let response = statements
        .import_statements(with_token(tokio_stream::iter(messages), WRITE))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.created_count, 10_000);
}

pub(crate) async fn write_succeeds(
    statements: &mut StatementServiceClient<tonic::transport::Channel>,
    id: &str,
) {
    let request = pb::CreateStatementRequest {
        statement: Some(statement(
            id,
            "The harbour handled 4 million containers in 2023.",
        )),
        ..Default::default()
    };
    let created = statements
        .create_statement(with_token(request, WRITE))
        .await;
    assert!(
        created.is_ok(),
        "the write-token holder's write: {created:?}"
    );
}

/// Waits (at most 30 s) until an anonymous check succeeds, health says
/// SERVING and resident memory is under 200 MB.
pub(crate) async fn recovered(server: &ServerProcess, url: &str, attack: &str) {
    let started = Instant::now();
    let pid = server.0.id();
    loop {
        let rss = status_kib(pid, "VmRSS") * 1024;
        let checked = match ClaimServiceClient::connect(url.to_owned()).await {
            Ok(mut claims) => claims
                .check_claim(claim_request("harbour containers"))
                .await
                .is_ok(),
            Err(_) => false,
        };
        let serving = serving(url).await;
        if checked && serving && rss < 200 * MIB {
            eprintln!(
                "{attack}: recovered in {} ms, {} MiB resident",
                started.elapsed().as_millis(),
                rss / MIB
            );
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{attack}: not recovered after 30 s (check ok {checked}, serving {serving}, {} MiB)",
            rss / MIB
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn serving(url: &str) -> bool {
    let Ok(channel) = tonic::transport::Endpoint::from_shared(url.to_owned())
        .unwrap()
        .connect()
        .await
    else {
        return false;
    };
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let request = tonic_health::pb::HealthCheckRequest {
        service: String::new(),
    };
    health.check(request).await.is_ok_and(|response| {
        response.into_inner().status
            == tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    })
}

/// A CheckClaim whose claim carries `entries` empty analysis quantities.
fn stuffed_check(entries: usize) -> Vec<u8> {
    let mut request = claim_request("The harbour handled 4 million containers");
    request.claim.as_mut().unwrap().analysis = Some(pb::ClaimAnalysis {
        quantities: vec![pb::Quantity::default(); entries],
        ..Default::default()
    });
    request.encode_to_vec()
}

/// Sends one gRPC message (gzip when `compress`) on a new connection and
/// returns the grpc-status.
async fn unary(address: SocketAddr, path: &str, message: Vec<u8>, compress: bool) -> String {
    use std::io::Write;
    let (flag, payload) = if compress {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&message).unwrap();
        (1u8, encoder.finish().unwrap())
    } else {
        (0u8, message)
    };
    let mut sender = crate::harness::raw_http2(address).await;
    let frame = crate::harness::grpc_frame(&payload, flag == 1);
    crate::harness::raw_unary(
        &mut sender,
        address,
        path,
        frame,
        &[("grpc-encoding", "gzip")],
    )
    .await
    .unwrap_or_default()
}

/// `count` ListStatements calls (page size 1,000) on one connection whose
/// receive window is zero: the server can send headers, never data.
async fn unread_listings(address: SocketAddr, count: usize) -> Vec<impl Send> {
    let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    let (sender, connection) =
        hyper::client::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
            .initial_stream_window_size(0)
            .initial_connection_window_size(65_535)
            .handshake(hyper_util::rt::TokioIo::new(tcp))
            .await
            .unwrap();
    let connection = tokio::spawn(connection);
    let message = pb::ListStatementsRequest {
        page_size: 1000,
        ..Default::default()
    }
    .encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&(message.len() as u32).to_be_bytes());
    frame.extend_from_slice(&message);
    let mut held = Vec::new();
    for _ in 0..count {
        let request = hyper::Request::post(format!(
            "http://{address}/factdesk.v1.StatementService/ListStatements"
        ))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(Full::new(Bytes::from(frame.clone())))
        .unwrap();
        let mut sender = sender.clone();
        // The response (headers) is kept, its body never read.
        held.push(tokio::spawn(async move {
            sender.send_request(request).await.ok()
        }));
    }
    // Headers come back for served and shed calls alike; the responses are
    // kept (dropping one would reset its stream), their bodies never read.
    let mut responses = Vec::new();
    for response in held {
        responses.push(tokio::time::timeout(Duration::from_secs(10), response).await);
    }
    vec![Box::new((sender, connection, responses))]
}

/// A field of `/proc/PID/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    status_kib_raw(pid, field)
}

/// A numeric field of `/proc/PID/status`, as written.
pub(crate) fn status_kib_raw(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

fn which(program: &str) -> Option<String> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
            .map(|path| path.to_string_lossy().into_owned())
    })
}
