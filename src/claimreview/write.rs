//! Writing ClaimReview JSON-LD: one object per review of a statement, with
//! the properties Google's ClaimReview structured-data guidelines require
//! (`claimReviewed`, `reviewRating` with `alternateName`, `url`) and those
//! they recommend (`author`, `datePublished`, `itemReviewed` with the
//! claim's `author`, `datePublished` and `appearance`).

use chrono::{DateTime, Timelike, Utc};
use serde_json::{json, Map, Value};

use crate::model::{Review, Statement};

/// The ClaimReview objects of one statement.
#[derive(Clone, Debug, Default)]
pub struct Written {
    /// One ClaimReview per review, in the statement's order.
    pub objects: Vec<Value>,
    /// Reviews written without the `url` Google requires (the review had
    /// none on record).
    pub missing_url: usize,
}

/// ClaimReview objects for every review of `statement` (none when it has no
/// review). Reading them back gives the same statement and reviews.
pub fn write(statement: &Statement) -> Written {
    let mut written = Written::default();
    for review in &statement.reviews {
        if review.url.is_empty() {
            written.missing_url += 1;
        }
        written.objects.push(claim_review(statement, review));
    }
    written
}

fn claim_review(statement: &Statement, review: &Review) -> Value {
    let mut object = Map::new();
    object.insert("@context".into(), json!("https://schema.org"));
    object.insert("@type".into(), json!("ClaimReview"));
    put(&mut object, "url", &review.url);
    object.insert("claimReviewed".into(), json!(statement.text));
    if let Some(time) = review.review_time {
        object.insert("datePublished".into(), json!(date(time)));
    }
    if review.author.is_empty() {
        if !review.publisher.is_empty() {
            object.insert("author".into(), organisation(&review.publisher));
        }
    } else {
        object.insert(
            "author".into(),
            json!({"@type": "Person", "name": review.author}),
        );
        object.insert("publisher".into(), organisation(&review.publisher));
    }
    put(&mut object, "inLanguage", &review.language);
    object.insert("reviewRating".into(), rating(review));
    object.insert("itemReviewed".into(), claim(statement));
    Value::Object(object)
}

fn rating(review: &Review) -> Value {
    let mut rating = Map::new();
    rating.insert("@type".into(), json!("Rating"));
    put(&mut rating, "alternateName", &review.textual_rating);
    let numbers = [
        ("ratingValue", review.rating_value),
        ("bestRating", review.best_rating),
        ("worstRating", review.worst_rating),
    ];
    for (field, value) in numbers {
        if let Some(value) = value {
            rating.insert(field.into(), json!(value));
        }
    }
    Value::Object(rating)
}

/// `itemReviewed`: the claim, with its claimant and where it appeared. The
/// statement id travels as `identifier`, so a re-import keeps it.
fn claim(statement: &Statement) -> Value {
    let mut claim = Map::new();
    claim.insert("@type".into(), json!("Claim"));
    claim.insert("identifier".into(), json!(statement.id));
    let attribution = &statement.attribution;
    if let Some(speaker) = attribution.speaker.as_ref().filter(|s| !s.name.is_empty()) {
        let mut author = Map::new();
        author.insert("@type".into(), json!("Person"));
        author.insert("name".into(), json!(speaker.name));
        put(&mut author, "jobTitle", &speaker.title);
        if !speaker.affiliation.is_empty() {
            author.insert("affiliation".into(), organisation(&speaker.affiliation));
        }
        claim.insert("author".into(), Value::Object(author));
    }
    if let Some(time) = attribution.statement_time {
        claim.insert("datePublished".into(), json!(date(time)));
    }
    if let Some(source) = &attribution.source {
        let mut work = Map::new();
        work.insert("@type".into(), json!("CreativeWork"));
        put(&mut work, "url", &source.url);
        put(&mut work, "headline", &source.title);
        if !source.publisher.is_empty() {
            work.insert("publisher".into(), organisation(&source.publisher));
        }
        if !source.author.is_empty() {
            work.insert(
                "author".into(),
                json!({"@type": "Person", "name": source.author}),
            );
        }
        if let Some(time) = source.publish_time {
            work.insert("datePublished".into(), json!(date(time)));
        }
        claim.insert("appearance".into(), Value::Object(work));
    }
    Value::Object(claim)
}

fn organisation(name: &str) -> Value {
    json!({"@type": "Organization", "name": name})
}

fn put(object: &mut Map<String, Value>, field: &str, text: &str) {
    if !text.is_empty() {
        object.insert(field.into(), json!(text));
    }
}

/// A date as publishers write it ("2024-03-05") when the time is midnight
/// UTC, else RFC 3339, so reading it back gives the same instant.
fn date(time: DateTime<Utc>) -> String {
    if time.num_seconds_from_midnight() == 0 && time.nanosecond() == 0 {
        time.format("%Y-%m-%d").to_string()
    } else {
        time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}
