//! Crash safety with the real binary: stream imports, SIGKILL the server at
//! a random moment, restart it on the same database, and check that every
//! acknowledged statement is stored, whole and findable, that an
//! unacknowledged call left only whole stream messages, and that search
//! results agree with the stored statements.
//!
//! [`DEFAULT_RUNS`] kills take a few seconds in a debug build; a soak run
//! sets `FACTDESK_CRASH_RUNS` (e.g. 20), and `FACTDESK_CRASH_SEED` picks
//! other kill moments. The one sleep picks the kill moment; everything else
//! waits on an event (the `serving` log line, the failed call, the exit).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::harness::process::{factdesk_command, serving_address, spawn_server, ServerProcess};
use crate::harness::{claim_request, statement, with_token};
use factdesk::pb;
use factdesk::pb::claim_service_client::ClaimServiceClient;
use factdesk::pb::statement_service_client::StatementServiceClient;
use tonic::transport::Channel;

/// Statements as (id, text).
type Pairs = Vec<(String, String)>;

const TOKEN: &str = "crash-test-write-token-5a6b7c";
const MESSAGES_PER_CALL: usize = 4;
const STATEMENTS_PER_MESSAGE: usize = 10;
/// Kills (runs) unless `FACTDESK_CRASH_RUNS` says otherwise.
const DEFAULT_RUNS: u64 = 5;
/// Concurrent checks while verifying that statements are findable.
const CHECKERS: usize = 4;

/// A pronounceable word unique to `n`, so each statement has rare terms.
fn word(mut n: u64) -> String {
    const SYLLABLES: [&str; 20] = [
        "ka", "lo", "mi", "ne", "pu", "ra", "so", "ti", "vu", "ze", "ba", "do", "fi", "gu", "ho",
        "ju", "ke", "ly", "mo", "nu",
    ];
    let mut word = String::from("q");
    for _ in 0..5 {
        word.push_str(SYLLABLES[(n % 20) as usize]);
        n /= 20;
    }
    word
}

/// The text of statement `index` of `call` in `run`.
fn text(run: u64, call: u64, index: u64) -> String {
    let n = run * 1_000_000 + call * 100 + index;
    let hashed = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20;
    format!(
        "{} {} reported {} new cases in {} district",
        word(hashed),
        word(hashed / 7 + 13),
        index + 1,
        word(n)
    )
}

/// One import call's statements, as (id, text) per stream message.
fn call_statements(run: u64, call: u64) -> Vec<Vec<(String, String)>> {
    (0..MESSAGES_PER_CALL as u64)
        .map(|message| {
            (0..STATEMENTS_PER_MESSAGE as u64)
                .map(|k| {
                    let index = message * STATEMENTS_PER_MESSAGE as u64 + k;
                    (format!("r{run}-c{call}-s{index}"), text(run, call, index))
                })
                .collect()
        })
        .collect()
}

/// A channel to the server at `address` (`host:port`).
async fn connect(address: &str) -> Channel {
    Channel::from_shared(format!("http://{address}"))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

/// Imports calls one after another until the server dies; returns the
/// acknowledged statements and the messages of the call in flight.
async fn import_until_killed(address: &str, run: u64) -> (Pairs, Vec<Pairs>) {
    let channel = connect(address).await;
    let mut client = StatementServiceClient::new(channel);
    let mut acknowledged = Vec::new();
    for call in 0.. {
        let messages = call_statements(run, call);
        let requests: Vec<pb::ImportStatementsRequest> = messages
            .iter()
            .map(|message| pb::ImportStatementsRequest {
                statements: message
                    .iter()
                    .map(|(id, text)| statement(id, text))
                    .collect(),
            })
            .collect();
        let request = with_token(tokio_stream::iter(requests), TOKEN);
        match client.import_statements(request).await {
            Ok(response) => {
                let response = response.into_inner();
                assert_eq!(
                    response.created_count as usize,
                    MESSAGES_PER_CALL * STATEMENTS_PER_MESSAGE
                );
                acknowledged.extend(messages.into_iter().flatten());
            }
            Err(_) => return (acknowledged, messages),
        }
    }
    unreachable!()
}

/// Every stored statement, by id.
async fn stored(channel: Channel) -> HashMap<String, String> {
    let mut client = StatementServiceClient::new(channel);
    let mut all = HashMap::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_statements(pb::ListStatementsRequest {
                page_size: 1000,
                page_token,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        all.extend(page.statements.into_iter().map(|s| (s.id, s.text)));
        if page.next_page_token.is_empty() {
            return all;
        }
        page_token = page.next_page_token;
    }
}

/// Checks the database after a kill; returns the statements of the call in
/// flight that had been stored. `durable` holds every statement that must be
/// there: acknowledged ones, and those earlier restarts found stored.
async fn verify(
    address: &str,
    durable: &HashMap<String, String>,
    run_statements: &[(String, String)],
    in_flight: &[Vec<(String, String)>],
) -> Vec<(String, String)> {
    let channel = connect(address).await;
    let stored = stored(channel.clone()).await;
    for (id, text) in durable {
        assert_eq!(
            stored.get(id),
            Some(text),
            "acknowledged statement {id} lost or changed"
        );
    }
    // The call in flight left whole messages, in order, and nothing else.
    let flags: Vec<bool> = in_flight
        .iter()
        .map(|message| {
            let present = message
                .iter()
                .filter(|(id, _)| stored.contains_key(id))
                .count();
            assert!(
                present == 0 || present == message.len(),
                "half-written message: {present}"
            );
            present > 0
        })
        .collect();
    assert!(
        flags.windows(2).all(|w| w[0] || !w[1]),
        "messages stored out of order: {flags:?}"
    );
    let in_flight_stored: Vec<(String, String)> = in_flight
        .iter()
        .flatten()
        .filter(|(id, _)| stored.contains_key(id))
        .cloned()
        .collect();
    let known = durable.len() + in_flight_stored.len();
    assert!(stored.len() >= known);
    assert_eq!(stored.len() - known, 0, "statements nobody imported");

    let mut to_find = run_statements.to_vec();
    to_find.extend(in_flight_stored.iter().cloned());
    assert_findable(channel, to_find, Arc::new(stored)).await;
    in_flight_stored
}

/// Checks each statement's own text, on [`CHECKERS`] concurrent calls: the
/// statement must come first, and every match must be a stored statement
/// with the stored text (the index agrees with the store).
async fn assert_findable(
    channel: Channel,
    statements: Pairs,
    stored: Arc<HashMap<String, String>>,
) {
    let mut checkers = tokio::task::JoinSet::new();
    let share = statements.len().div_ceil(CHECKERS).max(1);
    for chunk in statements.chunks(share) {
        let (chunk, stored) = (chunk.to_vec(), Arc::clone(&stored));
        let mut claims = ClaimServiceClient::new(channel.clone());
        checkers.spawn(async move {
            for (id, text) in chunk {
                let response = claims
                    .check_claim(claim_request(&text))
                    .await
                    .unwrap()
                    .into_inner();
                let first = response
                    .matches
                    .first()
                    .map(|m| &m.statement.as_ref().unwrap().id);
                assert_eq!(first, Some(&id), "{id} not found first for its own text");
                for found in &response.matches {
                    let found = found.statement.as_ref().unwrap();
                    assert_eq!(
                        stored.get(&found.id),
                        Some(&found.text),
                        "index disagrees with store"
                    );
                }
            }
        });
    }
    while let Some(checked) = checkers.join_next().await {
        if let Err(failed) = checked {
            std::panic::resume_unwind(failed.into_panic());
        }
    }
}

/// SIGKILLs process `pid` once `delay` has passed (a random moment of the
/// import that starts now).
fn sigkill_after(pid: u32, delay: Duration) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        let status = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    })
}

fn start(db: &str) -> (ServerProcess, String) {
    let args = ["serve", "--db", db, "--listen", "127.0.0.1:0"];
    let (server, address, _log) = spawn_server(&args, &[("FACTDESK_WRITE_TOKEN", TOKEN)]);
    (server, address)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_imports_survive_sigkill() {
    let number = |name: &str, default: u64| {
        std::env::var(name).map_or(default, |v| v.parse().expect("a whole number"))
    };
    let runs = number("FACTDESK_CRASH_RUNS", DEFAULT_RUNS);
    let seed = number("FACTDESK_CRASH_SEED", 20261128);
    let mut rng = fastrand::Rng::with_seed(seed);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let db = db.to_str().unwrap();
    let mut acknowledged = 0;
    let mut durable: HashMap<String, String> = HashMap::new();
    let mut previous: Option<(Pairs, Vec<Pairs>)> = None;
    let mut total_in_flight_stored = 0;
    for run in 0..runs {
        let (mut server, address) = start(db);
        if let Some((run_statements, in_flight)) = previous.take() {
            let found = verify(&address, &durable, &run_statements, &in_flight).await;
            total_in_flight_stored += found.len();
            durable.extend(found);
        }
        let kill_after = Duration::from_millis(rng.u64(30..600));
        let killer = sigkill_after(server.0.id(), kill_after);
        let (run_acknowledged, in_flight) = import_until_killed(&address, run).await;
        killer.join().unwrap();
        let status = server.0.wait().unwrap();
        assert!(!status.success(), "the server was killed");
        eprintln!(
            "run {run}: killed after {kill_after:?}, {} statements acknowledged",
            run_acknowledged.len()
        );
        acknowledged += run_acknowledged.len();
        durable.extend(run_acknowledged.iter().cloned());
        previous = Some((run_acknowledged, in_flight));
    }
    let (server, address) = start(db);
    let (run_statements, in_flight) = previous.take().unwrap();
    total_in_flight_stored += verify(&address, &durable, &run_statements, &in_flight)
        .await
        .len();
    drop(server);
    eprintln!(
        "{runs} kills: {acknowledged} acknowledged statements, all present and findable; {total_in_flight_stored} of \
         unacknowledged calls stored as whole messages"
    );
    assert!(acknowledged > runs as usize, "the runs imported something");
}

#[tokio::test]
async fn the_server_outlives_a_closed_log_pipe() {
    use std::io::{BufRead, BufReader};
    let mut child = factdesk_command(&["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("server logs 'serving'").unwrap();
        if let Some(address) = serving_address(&line) {
            break address;
        }
    };
    let server = ServerProcess(child);
    // The log reader goes away; every request below makes the server log.
    drop(lines);
    let channel = connect(&address).await;
    let mut statements = StatementServiceClient::new(channel);
    for n in 0..20 {
        let request = pb::CreateStatementRequest {
            statement: Some(statement(&format!("pipe-{n}"), "Tolls rose 3% in May.")),
            ..Default::default()
        };
        statements
            .create_statement(request)
            .await
            .expect("still serving");
    }
    drop(server);
}
