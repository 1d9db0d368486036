//! Fact-checkers' reviews as data: a database written by the schema-1
//! release is upgraded in place and answers with reviews; reviews go in and
//! out over gRPC with their normalised rating; bad reviews name the field;
//! export → import keeps them.

use std::path::Path;

use factdesk::pb;
use tonic::Code;

use crate::harness::process::run_factdesk;
use crate::harness::strip_create_times;
use crate::harness::{statement, violated_field, TestServer};

/// The fixture database of the schema-1 release, copied (opening upgrades
/// it in place).
fn v1_database(into: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1-database");
    std::fs::create_dir_all(into.join("blobs")).unwrap();
    for file in ["conf", "db", "factdesk.generation"] {
        std::fs::copy(fixture.join(file), into.join(file)).unwrap();
    }
}

/// Runs `factdesk <args>`; panics unless it succeeds. Returns stdout.
fn factdesk(args: &[&str]) -> String {
    let output = run_factdesk(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?}: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn schema_1_database_is_upgraded_and_answers_with_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    v1_database(&db);
    let server = TestServer::builder(&db).start().await;
    let mut client = server.statements().await;
    let get = |id: &str| pb::GetStatementRequest { id: id.into() };
    let rated = client.get_statement(get("example-bike-ban")).await.unwrap();
    let rated = rated.into_inner();
    assert_eq!(rated.rating.as_ref().unwrap().textual_rating, "pants-fire");
    let review = &rated.reviews[0];
    assert_eq!(review.publisher, "Example Fact Check");
    assert_eq!(review.textual_rating, "pants-fire");
    assert_eq!(review.normalized_rating(), pb::NormalizedRating::False);
    let half = client
        .get_statement(get("example-budget-share"))
        .await
        .unwrap();
    assert_eq!(
        half.into_inner().reviews[0].normalized_rating(),
        pb::NormalizedRating::Mixed
    );
    let on_record = client
        .get_statement(get("example-on-record"))
        .await
        .unwrap();
    assert!(on_record.into_inner().reviews.is_empty());
    server.stop().await;

    // export → import into a new database → export: the same statements.
    let exported = factdesk(&["export", "--db", db.to_str().unwrap()]);
    assert_eq!(exported.lines().count(), 4);
    assert!(exported.contains(r#""normalizedRating":"NORMALIZED_RATING_FALSE""#));
    let file = dir.path().join("exported.jsonl");
    std::fs::write(&file, &exported).unwrap();
    let second = dir.path().join("second");
    factdesk(&[
        "import",
        "--create",
        file.to_str().unwrap(),
        "--db",
        second.to_str().unwrap(),
    ]);
    let again = factdesk(&["export", "--db", second.to_str().unwrap()]);
    assert_eq!(strip_create_times(&exported), strip_create_times(&again));
}

fn review(publisher: &str, textual_rating: &str) -> pb::Review {
    pb::Review {
        publisher: publisher.into(),
        textual_rating: textual_rating.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn reviews_round_trip_with_their_normalised_rating() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut client = server.statements().await;
    let mut reviewed = statement("vaccine-5g", "Vaccines contain 5G microchips.");
    let mut numeric = review("Example Checker", "");
    numeric.rating_value = Some(4.0);
    numeric.best_rating = Some(5.0);
    numeric.worst_rating = Some(1.0);
    let mut sent_normalised = review("Vérif Exemple", "Faux");
    sent_normalised.language = "fr".into();
    // Output only: what a caller sends is replaced.
    sent_normalised.normalized_rating = pb::NormalizedRating::True as i32;
    reviewed.reviews = vec![sent_normalised, review("Example", "Blue"), numeric];
    let stored = client
        .create_statement(pb::CreateStatementRequest {
            statement: Some(reviewed),
            statement_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let ratings: Vec<_> = stored
        .reviews
        .iter()
        .map(|r| r.normalized_rating())
        .collect();
    assert_eq!(
        ratings,
        [
            pb::NormalizedRating::False,
            pb::NormalizedRating::Other,
            pb::NormalizedRating::MostlyTrue
        ]
    );
    assert_eq!(
        stored.reviews[0].textual_rating, "Faux",
        "kept as published"
    );
    assert_eq!(stored.reviews[0].language, "fr");

    let mut unknown = statement("odd-label", "The moon is made of cheese.");
    unknown.reviews = vec![review("Example", "Blue"), review("Example", "Green")];
    let response = client
        .import_statements(tokio_stream::iter(vec![pb::ImportStatementsRequest {
            statements: vec![unknown],
        }]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.created_count, 1);
    assert_eq!(response.unrecognized_rating_count, 2);
    server.stop().await;
}

#[tokio::test]
async fn bad_reviews_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(dir.path()).start().await;
    let mut client = server.statements().await;
    let create = |reviews: Vec<pb::Review>| {
        let mut bad = statement("bad", "Rain fell in Spain.");
        bad.reviews = reviews;
        pb::CreateStatementRequest {
            statement: Some(bad),
            statement_id: String::new(),
        }
    };
    let mut nan = review("Example", "");
    nan.rating_value = Some(f64::NAN);
    let status = client
        .create_statement(create(vec![nan]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(violated_field(&status), "statement.reviews[0].rating_value");
    let many = vec![review("Example", "False"); 33];
    let status = client.create_statement(create(many)).await.unwrap_err();
    assert_eq!(violated_field(&status), "statement.reviews");
    let mut control = review("Example", "False");
    control.url = "https://example.org/\u{7}".into();
    let status = client
        .create_statement(create(vec![control]))
        .await
        .unwrap_err();
    assert_eq!(violated_field(&status), "statement.reviews[0].url");
    server.stop().await;
}
