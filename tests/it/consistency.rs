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

/// Whether GetStatement finds `id`, and whether a check of its own text
/// finds it first.
async fn agreement(server: &TestServer, id: &str) -> (bool, bool) {
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
        .check_claim(claim_request(TEXT))
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
    assert_eq!(agreement(&server, "calm").await, (true, true));
    statements
        .delete_statement(pb::DeleteStatementRequest { id: "calm".into() })
        .await
        .unwrap();
    assert_eq!(agreement(&server, "calm").await, (false, false));
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
        let (stored, indexed) = agreement(&server, &id).await;
        assert_eq!(
            stored, indexed,
            "round {round}: GetStatement finds {id}: {stored}; CheckClaim finds it: {indexed}"
        );
    }
    server.stop().await;
}
