//! ClaimReview reading and writing, in memory.

use serde_json::{json, Value};

use super::{read, write};
use crate::model::Review;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/claimreview/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    serde_json::from_str(&text).expect("fixture is JSON")
}

#[test]
fn every_shape_is_read_and_reviews_of_one_claim_meet() {
    let found = read(&fixture("reviews.json"));
    assert_eq!(
        found.records, 4,
        "array, @graph (WebPage skipped), data feed"
    );
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(found.statements.len(), 3);

    let (index, toll) = &found.statements[0];
    assert_eq!(*index, 0);
    assert_eq!(toll.reviews.len(), 2, "two fact-checkers, one claim");
    let speaker = toll.attribution.speaker.as_ref().expect("claimant");
    assert_eq!(speaker.name, "Dana Whitfield");
    assert_eq!(speaker.title, "City councillor");
    assert_eq!(speaker.affiliation, "Harbor Party");
    let source = toll.attribution.source.as_ref().expect("appearance");
    assert_eq!(source.publisher, "Example Radio");
    assert_eq!(source.title, "Morning call-in show");
    let first = &toll.reviews[0];
    assert_eq!(first.publisher, "Example Fact Check");
    assert_eq!(first.textual_rating, "Mostly False");
    assert_eq!(first.rating_value, Some(2.0));
    let second = &toll.reviews[1];
    assert_eq!(second.publisher, "Second Example Desk");
    assert_eq!(second.author, "Robin Alder");
    assert_eq!(
        second.review_time.map(|t| t.to_rfc3339()),
        Some("2025-04-05T09:30:00+00:00".to_owned())
    );

    let (_, bridge) = &found.statements[1];
    assert_eq!(bridge.reviews[0].language, "es");
    assert_eq!(bridge.reviews[0].textual_rating, "Falso");
    let (_, ferry) = &found.statements[2];
    assert_eq!(
        ferry.reviews[0].rating_value,
        Some(5.0),
        "\"5\" is read as 5"
    );
    assert_eq!(
        ferry.attribution.source.as_ref().map(|s| s.url.as_str()),
        Some("https://transit.example/annual-report-2024")
    );
}

#[test]
fn bad_records_are_reported_by_index_and_field_and_good_ones_kept() {
    let found = read(&fixture("malformed.json"));
    assert_eq!(found.records, 6);
    let errors: Vec<(usize, &str)> = found
        .errors
        .iter()
        .map(|e| (e.index, e.error.field.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (1, "claimReviewed"),
            (2, "reviewRating.ratingValue"),
            (3, "@type"),
            (4, "datePublished")
        ]
    );
    let kept: Vec<usize> = found.statements.iter().map(|(index, _)| *index).collect();
    assert_eq!(kept, [0, 5]);
}

#[test]
fn derived_ids_are_stable_and_an_identifier_is_kept() {
    let record = |identifier: Option<&str>| {
        let mut item = json!({"@type": "Claim", "author": "Someone"});
        if let Some(id) = identifier {
            item["identifier"] = json!(id);
        }
        json!({"@type": "ClaimReview", "claimReviewed": "A  claim.", "author": "Checker",
               "reviewRating": {"alternateName": "False"}, "itemReviewed": item})
    };
    let a = read(&record(None)).statements[0].1.id.clone();
    let b = read(&json!([record(None)])).statements[0].1.id.clone();
    assert_eq!(a, b);
    assert!(a.starts_with("claimreview-"), "{a}");
    let kept = read(&record(Some("my-claim-7"))).statements[0].1.id.clone();
    assert_eq!(kept, "my-claim-7");
    let invalid = read(&record(Some("not an id!"))).statements[0].1.id.clone();
    assert_eq!(invalid, a, "an identifier that is no valid id is not used");
}

#[test]
fn a_record_needs_a_rating_and_may_lack_a_reviewer() {
    let no_reviewer = json!({"@type": "ClaimReview", "claimReviewed": "x",
                             "reviewRating": {"alternateName": "False"}});
    let found = read(&no_reviewer);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(found.statements[0].1.reviews[0].publisher, "");
    let no_rating = json!({"@type": "ClaimReview", "claimReviewed": "x", "author": "A",
                           "reviewRating": {"@type": "Rating"}});
    assert_eq!(read(&no_rating).errors[0].error.field, "reviewRating");
}

#[test]
fn too_many_records_are_refused_before_any_is_read() {
    let feed = json!({"dataFeedElement": vec![Value::Null; 11]});
    assert!(super::read_at_most([&feed], 10).is_none());
    let found = super::read_at_most([&feed], 11).expect("within the limit");
    assert_eq!((found.records, found.errors.len()), (11, 11));
}

#[test]
fn written_reviews_read_back_the_same() {
    let found = read(&fixture("reviews.json"));
    for (_, statement) in &found.statements {
        let written = write(statement);
        assert_eq!(written.objects.len(), statement.reviews.len());
        for object in &written.objects {
            assert!(object["claimReviewed"].is_string());
            assert!(object["reviewRating"]["alternateName"].is_string());
        }
        let again = read(&Value::Array(written.objects));
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!(again.statements.len(), 1);
        let back = &again.statements[0].1;
        assert_eq!(back.id, statement.id);
        assert_eq!(back.text, statement.text);
        assert_eq!(back.attribution, statement.attribution);
        let reviews = |s: &crate::model::Statement| -> Vec<Review> { s.reviews.clone() };
        assert_eq!(reviews(back), reviews(statement));
    }
}
