//! UpdateStatement through a real server: field masks, etags, and checks
//! that follow the corrected statement (its text, its reviews) at once and
//! after a restart.

use factdesk::pb;
use factdesk::pb::check_claim_response::Verdict;
use factdesk::pb::statement_service_client::StatementServiceClient;
use prost_types::FieldMask;
use tonic::Code;

use crate::harness::{claim_request, statement, violated_field, TestServer};

const ON_RECORD: &str = "The harbour bridge will reopen to traffic in March 2025.";
const CORRECTED: &str = "The harbour bridge will stay closed to traffic until 2027.";

fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|path| path.to_string()).collect(),
    })
}

fn update(values: pb::Statement, paths: &[&str]) -> pb::UpdateStatementRequest {
    pb::UpdateStatementRequest {
        statement: Some(values),
        update_mask: mask(paths),
    }
}

/// The bridge statement, said by the port authority's spokesperson.
fn bridge() -> pb::Statement {
    pb::Statement {
        attribution: Some(pb::Attribution {
            speaker: Some(pb::Speaker {
                name: "Lena Park".into(),
                title: "Spokesperson".into(),
                affiliation: "Port Authority".into(),
            }),
            ..Default::default()
        }),
        ..statement("bridge", ON_RECORD)
    }
}

/// Creates `statement`; the stored form.
async fn create(
    statements: &mut StatementServiceClient<tonic::transport::Channel>,
    statement: pb::Statement,
) -> pb::Statement {
    statements
        .create_statement(pb::CreateStatementRequest {
            statement: Some(statement),
            statement_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
}

/// The verdict on `claim` and whether the bridge statement is its first
/// match.
async fn verdict_on(server: &TestServer, claim: &str) -> (Verdict, bool) {
    let response = server
        .claims()
        .await
        .check_claim(claim_request(claim))
        .await
        .unwrap()
        .into_inner();
    let first = response
        .matches
        .first()
        .and_then(|m| m.statement.as_ref())
        .is_some_and(|s| s.id == "bridge");
    (response.verdict(), first)
}

#[tokio::test]
async fn a_stale_etag_is_aborted_and_the_right_one_changes_what_checks_return() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut statements = server.statements().await;
    let created = create(&mut statements, bridge()).await;
    assert!(!created.etag.is_empty());
    assert_eq!(created.update_time, created.create_time);
    assert_eq!(
        verdict_on(&server, ON_RECORD).await,
        (Verdict::Attributed, true)
    );

    // A stale etag changes nothing.
    let stale = pb::Statement {
        etag: "0123456789abcdef01234567".into(),
        ..statement("bridge", CORRECTED)
    };
    let status = statements
        .update_statement(update(stale, &["text"]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Aborted, "{status:?}");
    let get = pb::GetStatementRequest {
        id: "bridge".into(),
    };
    let unchanged = statements.get_statement(get.clone()).await.unwrap();
    assert_eq!(unchanged.into_inner(), created);
    assert_eq!(
        verdict_on(&server, ON_RECORD).await,
        (Verdict::Attributed, true)
    );

    // The current etag: the text changes, the speaker stays.
    let current = pb::Statement {
        etag: created.etag.clone(),
        ..statement("bridge", CORRECTED)
    };
    let updated = statements
        .update_statement(update(current, &["text"]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.text, CORRECTED);
    assert_eq!(updated.attribution, created.attribution);
    assert_eq!(updated.create_time, created.create_time);
    assert_ne!(updated.etag, created.etag);
    let (created_at, updated_at) = (created.update_time.unwrap(), updated.update_time.unwrap());
    assert!(
        (updated_at.seconds, updated_at.nanos) > (created_at.seconds, created_at.nanos),
        "update_time moves on"
    );
    assert_eq!(
        statements
            .get_statement(get.clone())
            .await
            .unwrap()
            .into_inner(),
        updated
    );
    // What checks return follows at once: the corrected text is on record,
    // the old one no longer is.
    assert_eq!(
        verdict_on(&server, CORRECTED).await,
        (Verdict::Attributed, true)
    );
    assert_ne!(verdict_on(&server, ON_RECORD).await.0, Verdict::Attributed);

    // The etag read before the update is stale now.
    let again = pb::Statement {
        etag: created.etag.clone(),
        ..statement("bridge", ON_RECORD)
    };
    let status = statements
        .update_statement(update(again, &["text"]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Aborted);

    // A fact-checker's review added by an update decides the verdict.
    let review = pb::Review {
        publisher: "Harbour Check".into(),
        textual_rating: "False".into(),
        ..Default::default()
    };
    let reviewed = pb::Statement {
        etag: updated.etag.clone(),
        reviews: vec![review],
        ..statement("bridge", "")
    };
    let reviewed = statements
        .update_statement(update(reviewed, &["reviews"]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        reviewed.reviews[0].normalized_rating(),
        pb::NormalizedRating::False,
        "the review is normalised as on create"
    );
    assert_eq!(reviewed.text, CORRECTED);
    assert_eq!(
        verdict_on(&server, CORRECTED).await,
        (Verdict::Refuted, true)
    );
    assert!(server.audit().await.agrees());
    server.stop().await;

    // The update is durable and the rebuilt index agrees.
    let server = TestServer::builder(dir.path()).start().await;
    let mut statements = server.statements().await;
    let stored = statements.get_statement(get).await.unwrap().into_inner();
    assert_eq!(stored, reviewed, "same content, times and etag");
    assert_eq!(
        verdict_on(&server, CORRECTED).await,
        (Verdict::Refuted, true)
    );
    server.stop().await;
}

#[tokio::test]
async fn masks_change_only_what_they_name() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut statements = server.statements().await;
    let briefing = pb::Statement {
        context: "Press briefing".into(),
        topics: vec!["transport".into()],
        ..bridge()
    };
    let created = create(&mut statements, briefing).await;

    // A nested path: the title changes, the name and affiliation stay.
    let retitled = pb::Statement {
        attribution: Some(pb::Attribution {
            speaker: Some(pb::Speaker {
                title: "Director".into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..statement("bridge", "")
    };
    let updated = statements
        .update_statement(update(retitled, &["attribution.speaker.title"]))
        .await
        .unwrap()
        .into_inner();
    let speaker = updated.attribution.unwrap().speaker.unwrap();
    assert_eq!(
        (
            speaker.name.as_str(),
            speaker.title.as_str(),
            speaker.affiliation.as_str()
        ),
        ("Lena Park", "Director", "Port Authority")
    );
    assert_eq!(updated.text, ON_RECORD);
    assert_eq!(updated.topics, created.topics);

    // No mask: the fields set in the request change (AIP-134), here the
    // context only; a named field sent empty is cleared.
    let implied = pb::Statement {
        context: "Council meeting".into(),
        ..statement("bridge", "")
    };
    let request = pb::UpdateStatementRequest {
        statement: Some(implied),
        update_mask: None,
    };
    let updated = statements
        .update_statement(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (updated.context.as_str(), updated.text.as_str()),
        ("Council meeting", ON_RECORD)
    );
    let cleared = statements
        .update_statement(update(statement("bridge", ""), &["topics"]))
        .await
        .unwrap()
        .into_inner();
    assert!(cleared.topics.is_empty());
    assert_eq!(cleared.context, "Council meeting");

    // An update that changes nothing leaves the etag alone.
    let same = statements
        .update_statement(update(statement("bridge", ON_RECORD), &["text"]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(same.etag, cleared.etag);
    server.stop().await;
}

#[tokio::test]
async fn bad_updates_name_the_field_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut statements = server.statements().await;
    let created = create(&mut statements, bridge()).await;

    let cases = [
        (
            update(statement("bridge", "x"), &["text", "txet"]),
            "update_mask.paths[1]",
        ),
        (
            update(statement("bridge", "x"), &["*", "text"]),
            "update_mask.paths",
        ),
        (update(statement("", "x"), &["text"]), "statement.id"),
        (update(statement("bridge", ""), &["text"]), "statement.text"),
        (
            update(statement("bridge id", "x"), &["text"]),
            "statement.id",
        ),
        (
            update(
                pb::Statement {
                    etag: "e".repeat(65),
                    ..statement("bridge", "x")
                },
                &["text"],
            ),
            "statement.etag",
        ),
        (
            pb::UpdateStatementRequest {
                statement: None,
                update_mask: mask(&["text"]),
            },
            "statement",
        ),
        (
            pb::UpdateStatementRequest {
                statement: Some(statement("bridge", "")),
                update_mask: None,
            },
            "statement",
        ),
    ];
    for (request, field) in cases {
        let status = statements.update_statement(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
        assert_eq!(violated_field(&status), field, "{status:?}");
    }
    let status = statements
        .update_statement(update(statement("absent", "x"), &["text"]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);

    let stored = statements
        .get_statement(pb::GetStatementRequest {
            id: "bridge".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored, created, "nothing changed");
    server.stop().await;
}
