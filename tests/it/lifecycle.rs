//! Stopping the real binary: a health `Watch` stream no longer holds it
//! open after SIGTERM (it hung until the watcher left), a second signal
//! cuts the grace period short with the database flushed, and a taken port
//! fails before the database is opened.

use std::process::Command;
use std::time::{Duration, Instant};

use tokio_stream::StreamExt;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

use crate::harness::process::{run_factdesk, spawn_server, ServerProcess};
use crate::harness::statement;
use factdesk::pb;
use factdesk::pb::statement_service_client::StatementServiceClient;

fn signal(server: &ServerProcess, name: &str) {
    let sent = Command::new("kill")
        .args([name, &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Waits for the process to exit, at most `within`; its exit status. On
/// failure the server's log so far is in the message.
fn exits_within(
    server: &mut ServerProcess,
    within: Duration,
    log: &std::sync::mpsc::Receiver<String>,
) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > within {
            let lines: Vec<String> = log.try_iter().collect();
            panic!("still running after {within:?}; log: {lines:#?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The process exits 0 within `within` and has logged its flush.
fn exits_flushed_within(
    server: &mut ServerProcess,
    within: Duration,
    log: &std::sync::mpsc::Receiver<String>,
) {
    let status = exits_within(server, within, log);
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = log.try_iter().collect();
    assert!(
        rest.iter().any(|l| l.contains("database flushed")),
        "{rest:?}"
    );
}

#[tokio::test]
async fn sigterm_ends_health_watch_streams_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (mut server, address, log) =
        crate::harness::process::spawn_demo_server(&db, &["--shutdown-grace-secs", "30"]);
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = watch.next().await.unwrap().unwrap();
    assert_eq!(first.status, ServingStatus::Serving as i32);

    signal(&server, "-TERM");
    // The watcher hears NOT_SERVING, then the stream ends...
    let mut statuses = Vec::new();
    let ended = loop {
        match tokio::time::timeout(Duration::from_secs(10), watch.next())
            .await
            .expect("the Watch stream ends")
        {
            Some(Ok(update)) => statuses.push(update.status),
            Some(Err(status)) => break status.code(),
            None => break tonic::Code::Ok,
        }
    };
    assert_eq!(statuses.last(), Some(&(ServingStatus::NotServing as i32)));
    assert_eq!(ended, tonic::Code::Unavailable);
    // ...and the process exits long before its 30 s grace period.
    exits_flushed_within(&mut server, Duration::from_secs(10), &log);
}

#[tokio::test]
async fn a_second_signal_stops_at_once_with_the_database_flushed() {
    use http_body_util::StreamBody;
    use hyper::body::Frame;
    type Frames = Result<Frame<bytes::Bytes>, std::convert::Infallible>;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let db = db.to_str().unwrap();
    let args = [
        "serve",
        "--db",
        db,
        "--insecure-open-writes",
        "--listen",
        "127.0.0.1:0",
        "--shutdown-grace-secs",
        "600",
    ];
    let (mut server, address, log) = spawn_server(&args, &[]);
    let mut statements = StatementServiceClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    statements
        .create_statement(pb::CreateStatementRequest {
            statement: Some(statement("kept", "The quay lamp was lit at dusk.")),
            ..Default::default()
        })
        .await
        .unwrap();
    // A call that never ends: an import stream opened and never closed.
    let address_parsed: std::net::SocketAddr = address.parse().unwrap();
    let mut sender = crate::harness::raw_http2(address_parsed).await;
    let (_keep_open, frames) = tokio::sync::mpsc::channel::<Frames>(1);
    let body = StreamBody::new(tokio_stream::wrappers::ReceiverStream::new(frames));
    let request = hyper::Request::post(format!(
        "http://{address}/factdesk.v1.StatementService/ImportStatements"
    ))
    .header("content-type", "application/grpc")
    .header("te", "trailers")
    .body(body)
    .unwrap();
    tokio::spawn(async move {
        let _ = sender.send_request(request).await;
    });
    // The first signal begins the 600 s grace period; the server waits...
    signal(&server, "-TERM");
    let began = std::iter::from_fn(|| log.recv_timeout(Duration::from_secs(10)).ok())
        .any(|line| line.contains("shutting down"));
    assert!(began, "the first signal begins the shutdown");
    assert!(server.0.try_wait().unwrap().is_none(), "waits for the call");
    // ...until a second signal, which stops it at once.
    signal(&server, "-INT");
    exits_flushed_within(&mut server, Duration::from_secs(10), &log);

    let exported = run_factdesk(&["export", "--db", db]);
    assert!(exported.status.success());
    assert!(String::from_utf8_lossy(&exported.stdout).contains("\"kept\""));
}

#[test]
fn a_taken_port_fails_before_the_database_opens() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let started = Instant::now();
    let output = run_factdesk(&[
        "serve",
        "--insecure-open-writes",
        "--db",
        db.to_str().unwrap(),
        "--listen",
        &port,
    ]);
    let elapsed = started.elapsed();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&port), "{stderr}");
    assert!(!db.exists(), "the database was not created: {stderr}");
    eprintln!("taken port refused in {} ms", elapsed.as_millis());
}

/// The async runtime's worker threads of process `pid` (tokio names them
/// `tokio-rt-worker`).
fn runtime_threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter(|task| {
            let comm = std::fs::read_to_string(task.as_ref().unwrap().path().join("comm"));
            comm.is_ok_and(|name| name.trim() == "tokio-rt-worker")
        })
        .count()
}

/// `--io-threads` sets how many threads the network side runs on (checks
/// have their own pool): the server has exactly that many once serving,
/// before any storage call could start a blocking thread; 0 is refused
/// naming the flag.
#[test]
fn io_threads_sets_the_runtime_and_zero_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _address, _log) =
        crate::harness::process::spawn_demo_server(&dir.path().join("db"), &["--io-threads", "3"]);
    assert_eq!(runtime_threads(server.0.id()), 3);
    drop(server);
    let refused = run_factdesk(&["serve", "--demo", "--io-threads", "0"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--io-threads"), "{stderr}");
}
