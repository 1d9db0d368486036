//! Store and index never disagree: writes to one id from several clients at
//! once leave the statement findable by CheckClaim exactly when
//! GetStatement finds it (hardening finding 6: create and delete of one id
//! at once left the index without a stored statement).

use factdesk::pb;
use tonic::Code;

use crate::harness::{claim_request, statement, TestServer};

/// Rounds of concurrent create/delete races on one id.
const ROUNDS: usize = 150;
/// Racing clients per round.
const CLIENTS: usize = 4;

const TEXT: &str = "The harbor lighthouse was repainted blue in 1987";

/// Whether GetStatement finds `id`, and whether a check of `text` (its
/// own) finds it among the matches.
async fn agreement(server: &TestServer, id: &str, text: &str) -> (bool, bool) {
    let mut statements = server.statements().await;
    let stored = match statements
        .get_statement(pb::GetStatementRequest { id: id.into() })
        .await
    {
        Ok(_) => true,
        Err(status) if status.code() == Code::NotFound => false,
        Err(status) => panic!("get {id}: {status}"),
    };
    let mut claims = server.claims().await;
    let result = claims
        .check_claim(claim_request(text))
        .await
        .unwrap()
        .into_inner();
    let indexed = result
        .matches
        .iter()
        .any(|m| m.statement.as_ref().is_some_and(|s| s.id == id));
    (stored, indexed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_create_and_delete_of_one_id_keep_store_and_index_agreed() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    // Without a race, the two agree both ways.
    let mut statements = server.statements().await;
    statements
        .create_statement(pb::CreateStatementRequest {
            statement: Some(statement("calm", TEXT)),
            statement_id: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(agreement(&server, "calm", TEXT).await, (true, true));
    statements
        .delete_statement(pb::DeleteStatementRequest { id: "calm".into() })
        .await
        .unwrap();
    assert_eq!(agreement(&server, "calm", TEXT).await, (false, false));
    for round in 0..ROUNDS {
        let id = format!("race-{}", round % 3);
        let mut tasks = Vec::new();
        for client in 0..CLIENTS {
            let mut statements = server.statements().await;
            let id = id.clone();
            tasks.push(tokio::spawn(async move {
                if client % 2 == 0 {
                    let _ = statements
                        .create_statement(pb::CreateStatementRequest {
                            statement: Some(statement(&id, TEXT)),
                            statement_id: String::new(),
                        })
                        .await;
                } else {
                    let _ = statements
                        .delete_statement(pb::DeleteStatementRequest { id: id.clone() })
                        .await;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let (stored, indexed) = agreement(&server, &id, TEXT).await;
        assert_eq!(
            stored, indexed,
            "round {round}: GetStatement finds {id}: {stored}; CheckClaim finds it: {indexed}"
        );
    }
    server.stop().await;
}

/// Ids the property test writes to: few, so clients collide on them.
const IDS: [&str; 5] = ["p-amber", "p-birch", "p-cedar", "p-dune", "p-ember"];
/// Rounds of the property test; after each, store and index must agree.
const PROPERTY_ROUNDS: u64 = 40;
/// Operations per client per round.
const OPERATIONS: usize = 6;

/// Each id's own text, with a word no other id's text has.
fn text_of(id: &str) -> String {
    let word = id.trim_start_matches("p-");
    format!("The {word} lantern was lit over the quay at dusk")
}

/// The text an update gives `id` (words its own text does not have).
fn corrected_text_of(id: &str) -> String {
    let word = id.trim_start_matches("p-");
    format!("The {word} beacon was dimmed beneath the pier before dawn")
}

/// For every id: (GetStatement finds it, a check of its stored text, or
/// of its own text when it is not stored, finds it).
async fn views(server: &TestServer) -> Vec<(bool, bool)> {
    let mut seen = Vec::new();
    let mut statements = server.statements().await;
    for id in IDS {
        let text = match statements
            .get_statement(pb::GetStatementRequest { id: id.into() })
            .await
        {
            Ok(stored) => stored.into_inner().text,
            Err(_) => text_of(id),
        };
        seen.push(agreement(server, id, &text).await);
    }
    seen
}

/// Creates, updates, deletes, imports and checks from several clients at
/// once on a few ids (fixed seeds), then: store and index agree on every id
/// (and index the stored version), and again after a restart, with the same
/// statements stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_and_checks_leave_store_and_index_agreed_across_a_restart() {
    concurrent_writes_then_audit(None, PROPERTY_ROUNDS).await;
}

/// The same with sentence embeddings: every indexed statement carries
/// exactly its stored vector, and no vector outlives its statement.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_keep_vectors_agreed_with_the_store() {
    let Some(embedder) = crate::harness::embedding_model() else {
        return;
    };
    concurrent_writes_then_audit(Some(embedder), PROPERTY_ROUNDS / 4).await;
}

async fn start(
    dir: &std::path::Path,
    embedder: Option<&std::sync::Arc<factdesk::embed::Embedder>>,
) -> TestServer {
    let builder = TestServer::builder(dir);
    match embedder {
        Some(embedder) => builder.embedder(std::sync::Arc::clone(embedder)),
        None => builder,
    }
    .start()
    .await
}

async fn concurrent_writes_then_audit(
    embedder: Option<std::sync::Arc<factdesk::embed::Embedder>>,
    rounds: u64,
) {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), embedder.as_ref()).await;
    let mut before = Vec::new();
    for round in 0..rounds {
        let mut clients = Vec::new();
        for client in 0..CLIENTS as u64 {
            let mut statements = server.statements().await;
            let mut claims = server.claims().await;
            clients.push(tokio::spawn(async move {
                let mut rng = fastrand::Rng::with_seed(0x5eed + round * 100 + client);
                for _ in 0..OPERATIONS {
                    let id = IDS[rng.usize(..IDS.len())];
                    match rng.u8(..6) {
                        0 => {
                            let _ = statements
                                .create_statement(pb::CreateStatementRequest {
                                    statement: Some(statement(id, &text_of(id))),
                                    statement_id: String::new(),
                                })
                                .await;
                        }
                        1 | 4 => {
                            let _ = statements
                                .delete_statement(pb::DeleteStatementRequest { id: id.into() })
                                .await;
                        }
                        2 => {
                            let other = IDS[rng.usize(..IDS.len())];
                            let batch = pb::ImportStatementsRequest {
                                statements: vec![
                                    statement(id, &text_of(id)),
                                    statement(other, &text_of(other)),
                                ],
                            };
                            let _ = statements
                                .import_statements(tokio_stream::iter(vec![batch]))
                                .await;
                        }
                        5 => {
                            let text = if rng.bool() {
                                corrected_text_of(id)
                            } else {
                                text_of(id)
                            };
                            let _ = statements
                                .update_statement(pb::UpdateStatementRequest {
                                    statement: Some(statement(id, &text)),
                                    update_mask: Some(prost_types::FieldMask {
                                        paths: vec!["text".into()],
                                    }),
                                })
                                .await;
                        }
                        _ => {
                            claims
                                .check_claim(claim_request(&text_of(id)))
                                .await
                                .unwrap();
                        }
                    }
                }
            }));
        }
        for client in clients {
            client.await.unwrap();
        }
        before = views(&server).await;
        for (id, (stored, indexed)) in IDS.iter().zip(&before) {
            assert_eq!(
                stored, indexed,
                "round {round}, {id}: stored {stored}, indexed {indexed}"
            );
        }
        let audit = server.audit().await;
        assert!(audit.agrees(), "round {round}: {audit:?}");
    }
    server.stop().await;

    let server = start(dir.path(), embedder.as_ref()).await;
    let after = views(&server).await;
    assert_eq!(
        after, before,
        "the same statements, stored and indexed, after a restart"
    );
    let audit = server.audit().await;
    assert!(audit.agrees(), "after the restart: {audit:?}");
    server.stop().await;
}
