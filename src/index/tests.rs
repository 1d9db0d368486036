//! Index tests: ranking, normalised scores, filters, removal.

use chrono::{TimeZone, Utc};

use super::*;
use crate::model::{Attribution, Source, Speaker};

fn statement(id: &str, text: &str, publisher: &str, speaker: &str) -> Statement {
    Statement {
        id: id.to_owned(),
        text: text.to_owned(),
        language: "en".to_owned(),
        attribution: Attribution {
            speaker: Some(Speaker {
                name: speaker.to_owned(),
                ..Speaker::default()
            }),
            source: Some(Source {
                publisher: publisher.to_owned(),
                publish_time: Some(Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap()),
                ..Source::default()
            }),
            statement_time: None,
        },
        ..Statement::default()
    }
}

fn sample() -> Index {
    let mut index = Index::default();
    index.insert(&statement(
        "a",
        "The cloud hosts half of the AI firms",
        "Reuters",
        "Tsai",
    ));
    index.insert(&statement(
        "b",
        "Shares fell sharply after the spinoff",
        "Reuters",
        "Wu",
    ));
    index.insert(&statement("c", "Cloud revenue grew", "Leifeng", "Liu"));
    index
}

fn search(
    index: &Index,
    text: &str,
    filter: &CheckFilter,
    min_score: f32,
    limit: usize,
) -> Vec<Hit> {
    let terms = crate::text::terms(text);
    let ranking = crate::model::RankingParams::default();
    let query = Query {
        terms: &terms,
        claimant_terms: &[],
        claimant: "",
        claim_time: None,
        filter,
        ranking: &ranking,
        min_score,
    };
    index.search(&query, limit)
}

#[test]
fn best_match_first_with_score_in_unit_range() {
    let hits = search(
        &sample(),
        "cloud hosts half of AI firms",
        &CheckFilter::default(),
        0.0,
        5,
    );
    assert_eq!(hits[0].id, "a");
    assert_eq!(hits[1].id, "c");
    for hit in &hits {
        assert!((0.0..=1.0).contains(&hit.score));
    }
    assert!(hits[0].score > 0.8, "{}", hits[0].score);
}

#[test]
fn unknown_words_lower_the_score() {
    let index = sample();
    let full = search(&index, "cloud hosts half", &CheckFilter::default(), 0.0, 1);
    let partial = search(
        &index,
        "cloud hosts half zebra",
        &CheckFilter::default(),
        0.0,
        1,
    );
    assert!(partial[0].score < full[0].score);
}

#[test]
fn filters_restrict_candidates() {
    let index = sample();
    let filter = CheckFilter {
        publishers: vec!["leifeng".to_owned()],
        ..CheckFilter::default()
    };
    let hits = search(&index, "cloud", &filter, 0.0, 5);
    assert_eq!(
        hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["c"]
    );
    let later = CheckFilter {
        start_time: Some(Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap()),
        ..CheckFilter::default()
    };
    assert!(search(&index, "cloud", &later, 0.0, 5).is_empty());
}

#[test]
fn removed_statements_leave_results() {
    let mut index = sample();
    assert!(index.remove("a"));
    assert!(!index.remove("a"));
    let hits = search(&index, "cloud hosts half", &CheckFilter::default(), 0.0, 5);
    assert!(hits.iter().all(|hit| hit.id != "a"));
    assert_eq!(index.len(), 2);
}

#[test]
fn min_score_and_limit_apply() {
    let index = sample();
    let hits = search(
        &index,
        "cloud hosts half of AI firms",
        &CheckFilter::default(),
        0.9,
        5,
    );
    assert_eq!(hits.len(), 1);
    let hits = search(&index, "cloud", &CheckFilter::default(), 0.0, 1);
    assert_eq!(hits.len(), 1);
}

#[test]
fn claim_time_and_claimant_lift_matching_statements() {
    let mut index = Index::default();
    let mut old = statement("old", "Cloud revenue grew", "Reuters", "Liu");
    old.attribution.source.as_mut().unwrap().publish_time =
        Some(Utc.with_ymd_and_hms(2010, 1, 1, 0, 0, 0).unwrap());
    index.insert(&old);
    index.insert(&statement("new", "Cloud revenue grew", "Reuters", "Wu"));
    let terms = crate::text::terms("cloud revenue grew");
    let ranking = crate::model::RankingParams::default();
    let filter = CheckFilter::default();
    let query = |claimant: &'static str, time: Option<i64>| Query {
        terms: &terms,
        claimant_terms: &[],
        claimant,
        claim_time: time,
        filter: &filter,
        ranking: &ranking,
        min_score: 0.0,
    };
    // No context: tie broken by id.
    assert_eq!(index.search(&query("", None), 2)[0].id, "new");
    let in_2010 = Utc
        .with_ymd_and_hms(2010, 1, 5, 0, 0, 0)
        .unwrap()
        .timestamp();
    assert_eq!(index.search(&query("", Some(in_2010)), 2)[0].id, "old");
    assert_eq!(index.search(&query("liu", None), 2)[0].id, "old");
}

/// Statements that share only common terms with the claim still count:
/// the search is exhaustive in what it returns (pruning only skips work),
/// so they fill the places below the statement that holds the rare term.
#[test]
fn statements_with_only_common_terms_still_rank() {
    let mut index = Index::default();
    for i in 0..2000 {
        index.insert(&statement(
            &format!("filler-{i:04}"),
            "The report said",
            "Reuters",
            "Wu",
        ));
    }
    index.insert(&statement(
        "rare",
        "The report said zebras escaped",
        "Reuters",
        "Wu",
    ));
    let hits = search(
        &index,
        "report said zebras",
        &CheckFilter::default(),
        0.0,
        5,
    );
    let ids: Vec<&str> = hits.iter().map(|hit| hit.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "rare",
            "filler-0000",
            "filler-0001",
            "filler-0002",
            "filler-0003"
        ]
    );
    // A score floor above what common terms give leaves the rare one.
    let hits = search(
        &index,
        "report said zebras",
        &CheckFilter::default(),
        0.1,
        5,
    );
    assert_eq!(hits.len(), 1, "{hits:?}");
}
