//! StatementService through a real server: create, get, list, paging,
//! delete, import with bad records, and the error codes.

use crate::harness::{statement, violated_field, TestServer};
use factdesk::pb;
use tonic::Code;

#[tokio::test]
async fn create_get_list_delete() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut client = server.statements().await;

    let mut with_speaker = statement("", "The river flooded twice in 2020.");
    with_speaker.attribution = Some(pb::Attribution {
        speaker: Some(pb::Speaker {
            name: "Ana Ruiz".into(),
            title: "Mayor".into(),
            affiliation: "Riverton".into(),
        }),
        source: Some(pb::Source {
            publisher: "Gazette".into(),
            ..Default::default()
        }),
        statement_time: None,
    });
    let created = client
        .create_statement(pb::CreateStatementRequest {
            statement: Some(with_speaker),
            statement_id: "flood-1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.id, "flood-1");
    assert_eq!(created.language, "en");
    assert!(created.create_time.is_some());

    let assigned = client
        .create_statement(pb::CreateStatementRequest {
            statement: Some(statement("", "Another statement")),
            statement_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(assigned.id.len(), 36, "server assigns a UUID");

    let fetched = client
        .get_statement(pb::GetStatementRequest {
            id: "flood-1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched, created);

    let by_speaker = client
        .list_statements(pb::ListStatementsRequest {
            speaker: "ana ruiz".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_speaker.statements, vec![created.clone()]);
    let by_publisher = client
        .list_statements(pb::ListStatementsRequest {
            publisher: "Nobody".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(by_publisher.statements.is_empty());

    client
        .delete_statement(pb::DeleteStatementRequest {
            id: "flood-1".into(),
        })
        .await
        .unwrap();
    let gone = client
        .get_statement(pb::GetStatementRequest {
            id: "flood-1".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
    let again = client
        .delete_statement(pb::DeleteStatementRequest {
            id: "flood-1".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::NotFound);

    // Deleted statements leave check results at once.
    let mut claims = server.claims().await;
    let result = claims
        .check_claim(crate::harness::claim_request(
            "the river flooded twice in 2020",
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(result
        .matches
        .iter()
        .all(|m| m.statement.as_ref().unwrap().id != "flood-1"));
    server.stop().await;
}

#[tokio::test]
async fn create_is_idempotent_and_conflicts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut client = server.statements().await;
    let request = |text: &str| pb::CreateStatementRequest {
        statement: Some(statement("", text)),
        statement_id: "same".into(),
    };
    let first = client
        .create_statement(request("one"))
        .await
        .unwrap()
        .into_inner();
    let second = client
        .create_statement(request("one"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first, second, "same content returns the stored statement");
    let conflict = client.create_statement(request("two")).await.unwrap_err();
    assert_eq!(conflict.code(), Code::AlreadyExists);
    server.stop().await;
}

#[tokio::test]
async fn paging_walks_every_statement_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut client = server.statements().await;
    let batch: Vec<pb::Statement> = (0..23)
        .map(|i| statement(&format!("s-{i:02}"), &format!("statement number {i}")))
        .collect();
    let stream = tokio_stream::iter(vec![pb::ImportStatementsRequest { statements: batch }]);
    client.import_statements(stream).await.unwrap();

    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_statements(pb::ListStatementsRequest {
                page_size: 5,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(page.statements.len() <= 5);
        seen.extend(page.statements.into_iter().map(|s| s.id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let expected: Vec<String> = (0..23).map(|i| format!("s-{i:02}")).collect();
    assert_eq!(seen, expected);

    let first_token = token_for_first_page(&mut client).await;
    let mismatched = client
        .list_statements(pb::ListStatementsRequest {
            page_size: 5,
            page_token: first_token,
            speaker: "someone else".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(mismatched.code(), Code::InvalidArgument);
    assert_eq!(violated_field(&mismatched), "page_token");
    server.stop().await;
}

async fn token_for_first_page(
    client: &mut pb::statement_service_client::StatementServiceClient<tonic::transport::Channel>,
) -> String {
    client
        .list_statements(pb::ListStatementsRequest {
            page_size: 5,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .next_page_token
}

#[tokio::test]
async fn import_stores_good_records_and_reports_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut client = server.statements().await;
    let mut bad_time = statement("bad-time", "has a bad timestamp");
    bad_time.attribution = Some(pb::Attribution {
        statement_time: Some(prost_types::Timestamp {
            seconds: 0,
            nanos: -5,
        }),
        ..Default::default()
    });
    let messages = vec![
        pb::ImportStatementsRequest {
            statements: vec![statement("good-1", "first good"), statement("", "")],
        },
        pb::ImportStatementsRequest {
            statements: vec![
                statement("bad/id", "slash in id"),
                bad_time,
                statement("good-2", "second good"),
                statement("good-1", "first good"),
            ],
        },
    ];
    let response = client
        .import_statements(tokio_stream::iter(messages))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.created_count, 2);
    assert_eq!(response.unchanged_count, 1);
    assert_eq!(response.rejected_count, 3);
    let errors: Vec<(i64, &str)> = response
        .errors
        .iter()
        .map(|e| (e.index, e.field.as_str()))
        .collect();
    assert_eq!(
        errors,
        [(1, "text"), (2, "id"), (3, "attribution.statement_time")]
    );
    for id in ["good-1", "good-2"] {
        client
            .get_statement(pb::GetStatementRequest { id: id.into() })
            .await
            .unwrap();
    }
    server.stop().await;
}

#[tokio::test]
async fn bad_requests_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut client = server.statements().await;
    let cases: Vec<(pb::CreateStatementRequest, &str)> = vec![
        (pb::CreateStatementRequest::default(), "statement"),
        (
            pb::CreateStatementRequest {
                statement: Some(statement("", "   ")),
                statement_id: String::new(),
            },
            "statement.text",
        ),
        (
            pb::CreateStatementRequest {
                statement: Some(statement("", "fine")),
                statement_id: "has space".into(),
            },
            "statement_id",
        ),
    ];
    for (request, field) in cases {
        let status = client.create_statement(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(violated_field(&status), field);
    }
    let status = client
        .list_statements(pb::ListStatementsRequest {
            page_token: "not-a-token!".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (status.code(), violated_field(&status)),
        (Code::InvalidArgument, "page_token".into())
    );
    let status = client
        .list_statements(pb::ListStatementsRequest {
            page_size: -1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(violated_field(&status), "page_size");
    let status = client
        .get_statement(pb::GetStatementRequest { id: String::new() })
        .await
        .unwrap_err();
    assert_eq!(violated_field(&status), "id");
    server.stop().await;
}

/// A filter that matches little does not scan the whole store in one call:
/// each call examines at most MAX_LIST_SCAN statements and hands back a
/// token to go on (hardening II, finding 5).
#[tokio::test]
async fn a_listing_filter_scans_a_bounded_number_of_statements_per_call() {
    use factdesk::model::limits::MAX_LIST_SCAN;
    use factdesk::model::{Attribution, Source, Statement};

    let library = crate::harness::temporary_library();
    let total = MAX_LIST_SCAN + 50;
    let statements: Vec<(u64, Statement)> = (0..total)
        .map(|n| {
            let publisher = if n == total - 1 {
                "Last Gazette"
            } else {
                "Daily"
            };
            let statement = Statement {
                id: format!("s{n:06}"),
                text: format!("Statement number {n}."),
                attribution: Attribution {
                    source: Some(Source {
                        publisher: publisher.into(),
                        ..Source::default()
                    }),
                    ..Attribution::default()
                },
                ..Statement::default()
            };
            (n as u64, statement)
        })
        .collect();
    for chunk in statements.chunks(1000) {
        let report = library.import_batch(chunk.to_vec()).unwrap();
        assert!(report.rejected.is_empty());
    }
    let server = TestServer::over(library, factdesk::server::ServerOptions::default()).await;
    let mut client = server.statements().await;
    for (publisher, expected) in [("Nobody", 0), ("Last Gazette", 1)] {
        let mut found = 0;
        let mut calls = 0;
        let mut page_token = String::new();
        loop {
            let page = client
                .list_statements(pb::ListStatementsRequest {
                    publisher: publisher.into(),
                    page_token: page_token.clone(),
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner();
            calls += 1;
            found += page.statements.len();
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
        assert_eq!((found, calls), (expected, 2), "{publisher}");
    }
    server.stop().await;
}
