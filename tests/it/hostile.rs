//! Hostile requests through a real server: each row of the table gets its
//! status (and the field it names), the server stays SERVING after every
//! row, and nothing is written by a refused call.

use crate::harness::{claim_request, statement, violated_field, TestServer};
use factdesk::pb;
use prost_types::Timestamp;
use tonic::Code;

/// The call a row makes.
enum Call {
    Check(pb::CheckClaimRequest),
    Create(pb::CreateStatementRequest),
    Import(Vec<pb::ImportStatementsRequest>),
    Get(&'static str),
    Delete(&'static str),
    List(pb::ListStatementsRequest),
}

struct Row {
    name: &'static str,
    call: Call,
    code: Code,
    /// The field named in the BadRequest details, for INVALID_ARGUMENT.
    field: Option<&'static str>,
}

fn row(name: &'static str, call: Call, code: Code, field: Option<&'static str>) -> Row {
    Row {
        name,
        call,
        code,
        field,
    }
}

fn check_with(edit: impl FnOnce(&mut pb::CheckClaimRequest)) -> Call {
    let mut request = claim_request("Alibaba Cloud hosts half of China's generative AI firms");
    edit(&mut request);
    Call::Check(request)
}

fn create_with(edit: impl FnOnce(&mut pb::CreateStatementRequest)) -> Call {
    let mut request = pb::CreateStatementRequest {
        statement: Some(statement("hostile-1", "Bridge tolls rose 5% in 2024.")),
        ..Default::default()
    };
    edit(&mut request);
    Call::Create(request)
}

fn statement_of(request: &mut pb::CreateStatementRequest) -> &mut pb::Statement {
    request.statement.as_mut().unwrap()
}

fn timestamp(seconds: i64, nanos: i32) -> Option<Timestamp> {
    Some(Timestamp { seconds, nanos })
}

fn table() -> Vec<Row> {
    use Code::{InvalidArgument as Invalid, NotFound, Ok, OutOfRange};
    let many = |n: usize| (0..n).map(|i| format!("value-{i}")).collect::<Vec<_>>();
    vec![
        row(
            "empty claim",
            check_with(|r| r.claim.as_mut().unwrap().text.clear()),
            Invalid,
            Some("claim.text"),
        ),
        row(
            "whitespace claim",
            check_with(|r| r.claim.as_mut().unwrap().text = " \n\t ".into()),
            Invalid,
            Some("claim.text"),
        ),
        row(
            "no claim",
            check_with(|r| r.claim = None),
            Invalid,
            Some("claim"),
        ),
        row(
            "60 KB claim",
            check_with(|r| r.claim.as_mut().unwrap().text = "cloud ".repeat(10_000)),
            Invalid,
            Some("claim.text"),
        ),
        row(
            "1 MB claim: over the CheckClaim request limit, refused undecoded",
            check_with(|r| r.claim.as_mut().unwrap().text = "cloud ".repeat(175_000)),
            OutOfRange,
            None,
        ),
        row(
            "claim over the 16 MiB message limit",
            check_with(|r| r.claim.as_mut().unwrap().text = "x".repeat(17 << 20)),
            OutOfRange,
            None,
        ),
        row(
            "control characters",
            check_with(|r| r.claim.as_mut().unwrap().text = "Alibaba\u{0}Cloud \u{1b}[2J".into()),
            Invalid,
            Some("claim.text"),
        ),
        row(
            "mixed scripts",
            check_with(|r| {
                r.claim.as_mut().unwrap().text = "Alibaba Cloud 阿里云 Облако سحابة 50% ☁️".into();
            }),
            Ok,
            None,
        ),
        row(
            "zero-width and bidi marks",
            check_with(|r| {
                r.claim.as_mut().unwrap().text = "Ali\u{200b}baba \u{202e}duolC\u{202c} 80%".into();
            }),
            Ok,
            None,
        ),
        row(
            "10,000 filters",
            check_with(|r| {
                r.filter = Some(pb::CheckFilter {
                    publishers: many(10_000),
                    ..Default::default()
                });
            }),
            Invalid,
            Some("filter.publishers"),
        ),
        row(
            "64 KB filter value",
            check_with(|r| {
                r.filter = Some(pb::CheckFilter {
                    speakers: vec!["x".repeat(1 << 16)],
                    ..Default::default()
                });
            }),
            Invalid,
            Some("filter.speakers"),
        ),
        row(
            "huge max_matches",
            check_with(|r| r.max_matches = i32::MAX),
            Invalid,
            Some("max_matches"),
        ),
        row(
            "negative max_matches",
            check_with(|r| r.max_matches = -1),
            Invalid,
            Some("max_matches"),
        ),
        row(
            "NaN min_score",
            check_with(|r| r.min_score = Some(f32::NAN)),
            Invalid,
            Some("min_score"),
        ),
        row(
            "negative nanos",
            check_with(|r| r.claim.as_mut().unwrap().claim_time = timestamp(0, -1)),
            Invalid,
            Some("claim.claim_time"),
        ),
        row(
            "timestamp past year 9999",
            check_with(|r| r.claim.as_mut().unwrap().claim_time = timestamp(i64::MAX, 0)),
            Invalid,
            Some("claim.claim_time"),
        ),
        row(
            "filter ends before it starts",
            check_with(|r| {
                r.filter = Some(pb::CheckFilter {
                    start_time: timestamp(2_000_000_000, 0),
                    end_time: timestamp(1_000_000_000, 0),
                    ..Default::default()
                });
            }),
            Invalid,
            Some("filter.end_time"),
        ),
        row(
            "huge page size",
            Call::List(pb::ListStatementsRequest {
                page_size: i32::MAX,
                ..Default::default()
            }),
            Ok,
            None,
        ),
        row(
            "negative page size",
            Call::List(pb::ListStatementsRequest {
                page_size: -5,
                ..Default::default()
            }),
            Invalid,
            Some("page_size"),
        ),
        row(
            "bogus page token",
            Call::List(pb::ListStatementsRequest {
                page_token: "!!not a token".into(),
                ..Default::default()
            }),
            Invalid,
            Some("page_token"),
        ),
        row(
            "base64 garbage page token",
            Call::List(pb::ListStatementsRequest {
                page_token: "AAAAAAAA".into(),
                ..Default::default()
            }),
            Invalid,
            Some("page_token"),
        ),
        row(
            "id with /",
            create_with(|r| r.statement_id = "a/b".into()),
            Invalid,
            Some("statement_id"),
        ),
        row(
            "id with NUL",
            create_with(|r| statement_of(r).id = "a\0b".into()),
            Invalid,
            Some("statement.id"),
        ),
        row(
            "path traversal id",
            create_with(|r| r.statement_id = "../../etc/passwd".into()),
            Invalid,
            Some("statement_id"),
        ),
        row(
            "200-byte id",
            create_with(|r| r.statement_id = "a".repeat(200)),
            Invalid,
            Some("statement_id"),
        ),
        row(
            "1.2 MB of output-only analysis in a check",
            check_with(|r| {
                r.claim.as_mut().unwrap().analysis = Some(pb::ClaimAnalysis {
                    quantities: vec![pb::Quantity::default(); 600_000],
                    ..Default::default()
                });
            }),
            OutOfRange,
            None,
        ),
        row(
            "id that reads as an option",
            create_with(|r| r.statement_id = "-rf".into()),
            Invalid,
            Some("statement_id"),
        ),
        row(
            "id '--help'",
            create_with(|r| r.statement_id = "--help".into()),
            Invalid,
            Some("statement_id"),
        ),
        row(
            "id '..'",
            create_with(|r| r.statement_id = "..".into()),
            Invalid,
            Some("statement_id"),
        ),
        row(
            "id '.' in the statement",
            create_with(|r| statement_of(r).id = ".".into()),
            Invalid,
            Some("statement.id"),
        ),
        row(
            "statement time in year 10000",
            create_with(|r| {
                statement_of(r).attribution = Some(pb::Attribution {
                    statement_time: timestamp(253_402_300_800, 0),
                    ..Default::default()
                });
            }),
            Invalid,
            Some("statement.attribution.statement_time"),
        ),
        row(
            "statement time in year 0",
            create_with(|r| {
                statement_of(r).attribution = Some(pb::Attribution {
                    statement_time: timestamp(-62_167_219_200, 0),
                    ..Default::default()
                });
            }),
            Invalid,
            Some("statement.attribution.statement_time"),
        ),
        row(
            "60 KB publisher filter",
            Call::List(pb::ListStatementsRequest {
                publisher: "x".repeat(60_000),
                ..Default::default()
            }),
            Invalid,
            Some("publisher"),
        ),
        row(
            "1 MiB publisher filter: more than a listing can need",
            Call::List(pb::ListStatementsRequest {
                publisher: "x".repeat(1 << 20),
                ..Default::default()
            }),
            OutOfRange,
            None,
        ),
        row(
            "speaker filter with a control character",
            Call::List(pb::ListStatementsRequest {
                speaker: "Ana\u{7}Ruiz".into(),
                ..Default::default()
            }),
            Invalid,
            Some("speaker"),
        ),
        row(
            "1 MB statement text",
            create_with(|r| statement_of(r).text = "toll ".repeat(210_000)),
            Invalid,
            Some("statement.text"),
        ),
        row(
            "statement text with NUL",
            create_with(|r| statement_of(r).text = "tolls\0rose".into()),
            Invalid,
            Some("statement.text"),
        ),
        row(
            "nanos out of range",
            create_with(|r| {
                statement_of(r).attribution = Some(pb::Attribution {
                    statement_time: timestamp(0, 2_000_000_000),
                    ..Default::default()
                });
            }),
            Invalid,
            Some("statement.attribution.statement_time"),
        ),
        row(
            "10,000 topics",
            create_with(|r| statement_of(r).topics = many(10_000)),
            Invalid,
            Some("statement.topics"),
        ),
        row(
            "no statement",
            create_with(|r| r.statement = None),
            Invalid,
            Some("statement"),
        ),
        row("get id with /", Call::Get("a/b"), Invalid, Some("id")),
        row("get empty id", Call::Get(""), Invalid, Some("id")),
        row(
            "delete unknown id",
            Call::Delete("no-such-statement"),
            NotFound,
            None,
        ),
        row(
            "1,001 statements in one message",
            Call::Import(vec![pb::ImportStatementsRequest {
                statements: (0..1001)
                    .map(|i| statement(&format!("bulk-{i}"), "Fares rose."))
                    .collect(),
            }]),
            Invalid,
            Some("statements"),
        ),
        row(
            "import of bad records only",
            Call::Import(vec![pb::ImportStatementsRequest {
                statements: vec![
                    statement("a/b", "x"),
                    statement("ok-id", ""),
                    statement("c", "nul\0"),
                ],
            }]),
            Ok,
            None,
        ),
    ]
}

#[tokio::test]
async fn hostile_requests_get_precise_statuses_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).demo().start().await;
    let channel = server.channel().await;
    let mut claims = pb::claim_service_client::ClaimServiceClient::new(channel.clone())
        .max_decoding_message_size(64 << 20);
    let mut statements = pb::statement_service_client::StatementServiceClient::new(channel)
        .max_decoding_message_size(64 << 20);
    let demo_count = factdesk::demo::statements().len();
    for row in table() {
        let result: Result<(), tonic::Status> = match row.call {
            Call::Check(request) => claims.check_claim(request).await.map(drop),
            Call::Create(request) => statements.create_statement(request).await.map(drop),
            Call::Get(id) => statements
                .get_statement(pb::GetStatementRequest { id: id.into() })
                .await
                .map(drop),
            Call::Delete(id) => statements
                .delete_statement(pb::DeleteStatementRequest { id: id.into() })
                .await
                .map(drop),
            Call::Import(messages) => statements
                .import_statements(tokio_stream::iter(messages))
                .await
                .map(|response| {
                    let response = response.into_inner();
                    assert_eq!(response.created_count, 0, "{}", row.name);
                    assert_eq!(response.rejected_count, 3, "{}", row.name);
                }),
            Call::List(request) => statements.list_statements(request).await.map(|response| {
                assert!(
                    response.into_inner().statements.len() <= 1000,
                    "{}",
                    row.name
                );
            }),
        };
        let code = result.as_ref().err().map_or(Code::Ok, tonic::Status::code);
        assert_eq!(code, row.code, "{}: {result:?}", row.name);
        if let (Some(field), Err(status)) = (row.field, &result) {
            assert_eq!(violated_field(status), field, "{}", row.name);
        }
        assert!(server.serving().await, "not SERVING after {}", row.name);
    }
    // Nothing was written.
    let listed = statements
        .list_statements(pb::ListStatementsRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.statements.len(), demo_count);
    server.stop().await;
}
