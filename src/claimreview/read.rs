//! Reading ClaimReview JSON-LD: find the records in a document, map each
//! onto a statement with one review, and merge reviews of the same claim.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::model::{validate_id, Attribution, FieldError, Review, Source, Speaker, Statement};

/// Prefix of ids derived from a claim's text and claimant.
const DERIVED_ID_PREFIX: &str = "claimreview-";
/// factdesk's namespace for the name-based (v5) UUIDs of derived ids.
const ID_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x4e8b_1006_89e3_4e75_b96f_debb_1a10_c7b5);

/// One record (a ClaimReview, in document order, zero-based) that could not
/// be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    pub index: usize,
    pub error: FieldError,
}

/// What [`read`] found in a document.
#[derive(Clone, Debug, Default)]
pub struct ReadRecords {
    /// Records seen, good and bad.
    pub records: usize,
    /// One statement per claim, with every review of it, keyed by the index
    /// of the first record that named it.
    pub statements: Vec<(usize, Statement)>,
    pub errors: Vec<RecordError>,
}

/// Reads every ClaimReview in `document`: a ClaimReview object, an array of
/// them, a `@graph` (other node types are skipped), or a schema.org
/// `DataFeed` whose `dataFeedElement` entries hold them (directly or as
/// `item`). Record indexes count records across the whole document.
pub fn read(document: &Value) -> ReadRecords {
    read_all([document])
}

/// [`read`] over several documents as one: record indexes count on across
/// them, and reviews of one claim meet whichever document they are in.
pub fn read_all<'a>(documents: impl IntoIterator<Item = &'a Value>) -> ReadRecords {
    read_at_most(documents, usize::MAX).unwrap_or_default()
}

/// [`read_all`], refusing (`None`) as soon as more than `limit` records are
/// found, before any is read into a statement.
pub fn read_at_most<'a>(
    documents: impl IntoIterator<Item = &'a Value>,
    limit: usize,
) -> Option<ReadRecords> {
    let mut found = Vec::new();
    for document in documents {
        collect(document, Place::Top, &mut found);
        if found.len() > limit {
            return None;
        }
    }
    let mut out = ReadRecords {
        records: found.len(),
        ..ReadRecords::default()
    };
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (index, entry) in found.into_iter().enumerate() {
        match entry.and_then(record) {
            Ok(statement) => merge(&mut out.statements, &mut by_id, index, statement),
            Err(error) => out.errors.push(RecordError { index, error }),
        }
    }
    Some(out)
}

/// Where a value sits, which decides what an unexpected node means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The document, an array of records, or a data feed's items: anything
    /// but a ClaimReview here is an error.
    Top,
    /// A `@graph`: other node types (the page, the organisation) belong.
    Graph,
}

fn collect<'a>(value: &'a Value, place: Place, out: &mut Vec<Result<&'a Value, FieldError>>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| collect(item, place, out)),
        Value::Object(object) => {
            if let Some(graph) = object.get("@graph") {
                collect(graph, Place::Graph, out);
            } else if let Some(elements) = object.get("dataFeedElement") {
                let items = elements
                    .as_array()
                    .map_or(std::slice::from_ref(elements), Vec::as_slice);
                for element in items {
                    collect(element.get("item").unwrap_or(element), Place::Top, out);
                }
            } else if is_claim_review(object) {
                out.push(Ok(value));
            } else if place == Place::Top {
                out.push(Err(FieldError::new("@type", "is not ClaimReview")));
            }
        }
        _ if place == Place::Top => out.push(Err(FieldError::new(
            "@type",
            "expected a ClaimReview object",
        ))),
        _ => {}
    }
}

/// `@type` names ClaimReview (also as "schema:ClaimReview", a full schema.org
/// IRI, or in a list), or, untyped, the object has `claimReviewed`.
fn is_claim_review(object: &Map<String, Value>) -> bool {
    let named = |value: &Value| {
        value.as_str().is_some_and(|name| {
            name.rsplit(['/', ':', '#'])
                .next()
                .is_some_and(|last| last == "ClaimReview")
        })
    };
    match object.get("@type") {
        Some(Value::Array(types)) => types.iter().any(named),
        Some(name) => named(name),
        None => object.contains_key("claimReviewed"),
    }
}

/// Adds `statement` (one review) to the statement it shares an id with, or
/// as a new one.
fn merge(
    statements: &mut Vec<(usize, Statement)>,
    by_id: &mut HashMap<String, usize>,
    index: usize,
    statement: Statement,
) {
    match by_id.get(&statement.id) {
        Some(&at) => {
            let existing = &mut statements[at].1;
            for review in statement.reviews {
                if !existing.reviews.contains(&review) {
                    existing.reviews.push(review);
                }
            }
        }
        None => {
            by_id.insert(statement.id.clone(), statements.len());
            statements.push((index, statement));
        }
    }
}

/// One ClaimReview as a statement with its one review.
fn record(value: &Value) -> Result<Statement, FieldError> {
    let text = required_text(value, "claimReviewed")?;
    let item = value.get("itemReviewed");
    let attribution = match item {
        Some(item) => claimant(item).map_err(|e| e.within("itemReviewed"))?,
        None => Attribution::default(),
    };
    let review = review(value)?;
    let id = match item
        .and_then(|item| item.get("identifier"))
        .and_then(Value::as_str)
    {
        Some(given) if validate_id("id", given).is_ok() => given.to_owned(),
        _ => derived_id(&text, attribution.speaker.as_ref()),
    };
    Ok(Statement {
        id,
        text,
        attribution,
        reviews: vec![review],
        ..Statement::default()
    })
}

/// The fact-checker's side: who, where, when, which rating.
fn review(value: &Value) -> Result<Review, FieldError> {
    let author = value.get("author").map(party).transpose();
    let author = author.map_err(|e| e.within("author"))?;
    let publisher = value.get("publisher").map(party).transpose();
    let publisher = publisher.map_err(|e| e.within("publisher"))?;
    let (publisher, author) = match (author, publisher) {
        (Some(person), Some(organisation)) if person.is_person => (organisation.name, person.name),
        (Some(author), _) => (author.name, String::new()),
        (None, Some(organisation)) => (organisation.name, String::new()),
        // Google's guidelines recommend an author; a review without one is
        // kept (factdesk's own reviews may lack a publisher).
        (None, None) => (String::new(), String::new()),
    };
    let rating = value
        .get("reviewRating")
        .ok_or_else(|| FieldError::new("reviewRating", "is required"))?;
    let rated = |field: &str| number(rating, field).map_err(|e| e.within("reviewRating"));
    let review = Review {
        publisher,
        author,
        url: optional_text(value, "url")?,
        review_time: optional_time(value, "datePublished")?,
        textual_rating: optional_text(rating, "alternateName")
            .map_err(|e| e.within("reviewRating"))?,
        language: language(value)?,
        rating_value: rated("ratingValue")?,
        best_rating: rated("bestRating")?,
        worst_rating: rated("worstRating")?,
        normalized_rating: None,
    };
    if review.textual_rating.is_empty() && review.rating_value.is_none() {
        return Err(FieldError::new(
            "reviewRating",
            "needs alternateName or ratingValue",
        ));
    }
    Ok(review)
}

/// The claim's side: who made it, when, and where it appeared.
fn claimant(item: &Value) -> Result<Attribution, FieldError> {
    let speaker = match item.get("author") {
        Some(author) => {
            let who = party(author).map_err(|e| e.within("author"))?;
            Some(Speaker {
                name: who.name,
                title: who.title,
                affiliation: who.affiliation,
            })
        }
        None => None,
    };
    let appearance = ["appearance", "firstAppearance"]
        .iter()
        .find_map(|field| item.get(field).map(|value| (*field, first(value))));
    let source = match appearance {
        Some((field, work)) => Some(source(work).map_err(|e| e.within(field))?),
        None => None,
    };
    Ok(Attribution {
        speaker,
        source,
        statement_time: optional_time(item, "datePublished")?,
    })
}

fn source(work: &Value) -> Result<Source, FieldError> {
    if let Some(url) = work.as_str() {
        return Ok(Source {
            url: url.to_owned(),
            ..Source::default()
        });
    }
    let named = |field: &str| -> Result<String, FieldError> {
        Ok(match work.get(field) {
            Some(value) => party(value).map_err(|e| e.within(field))?.name,
            None => String::new(),
        })
    };
    let mut title = optional_text(work, "headline")?;
    if title.is_empty() {
        title = optional_text(work, "name")?;
    }
    Ok(Source {
        publisher: named("publisher")?,
        url: optional_text(work, "url")?,
        title,
        author: named("author")?,
        publish_time: optional_time(work, "datePublished")?,
    })
}

/// A person or organisation as ClaimReview gives one: an object with
/// `name`, a bare string, or a list (the first is taken).
struct Party {
    name: String,
    title: String,
    affiliation: String,
    is_person: bool,
}

fn party(value: &Value) -> Result<Party, FieldError> {
    let value = first(value);
    if let Some(name) = value.as_str() {
        return Ok(Party {
            name: name.trim().to_owned(),
            title: String::new(),
            affiliation: String::new(),
            is_person: false,
        });
    }
    if !value.is_object() {
        return Err(FieldError::new(
            "name",
            "expected a name or an object with one",
        ));
    }
    let name = required_text(value, "name")?;
    let affiliation = match value.get("affiliation") {
        Some(inner) => party(inner).map_err(|e| e.within("affiliation"))?.name,
        None => String::new(),
    };
    let is_person = value.get("@type").and_then(Value::as_str) == Some("Person");
    Ok(Party {
        name,
        title: optional_text(value, "jobTitle")?,
        affiliation,
        is_person,
    })
}

/// `inLanguage`: a BCP-47 string, or a Language object's `alternateName`.
fn language(value: &Value) -> Result<String, FieldError> {
    match value.get("inLanguage").map(first) {
        None => Ok(String::new()),
        Some(Value::String(tag)) => Ok(tag.trim().to_owned()),
        Some(object) => optional_text(object, "alternateName").map_err(|e| e.within("inLanguage")),
    }
}

/// The first of a list, or the value itself.
fn first(value: &Value) -> &Value {
    match value {
        Value::Array(items) => items.first().unwrap_or(value),
        _ => value,
    }
}

fn required_text(value: &Value, field: &str) -> Result<String, FieldError> {
    let text = optional_text(value, field)?;
    if text.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    Ok(text)
}

fn optional_text(value: &Value, field: &str) -> Result<String, FieldError> {
    match value.get(field) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(text)) => Ok(text.trim().to_owned()),
        Some(_) => Err(FieldError::new(field, "expected text")),
    }
}

/// A number, also as a numeric string ("4"), as publishers write both.
fn number(value: &Value, field: &str) -> Result<Option<f64>, FieldError> {
    match value.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or_else(|| FieldError::new(field, format!("{text:?} is not a number"))),
        Some(_) => Err(FieldError::new(field, "expected a number")),
    }
}

/// A date ("2024-03-05", midnight UTC) or an RFC 3339 date-time.
fn optional_time(value: &Value, field: &str) -> Result<Option<DateTime<Utc>>, FieldError> {
    let text = optional_text(value, field)?;
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(&text) {
        return Ok(Some(time.with_timezone(&Utc)));
    }
    if let Ok(time) = chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S") {
        return Ok(Some(time.and_utc())); // no offset written: UTC
    }
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| Some(time.and_utc()))
        .ok_or_else(|| {
            FieldError::new(
                field,
                format!("{text:?} is not a date (YYYY-MM-DD or RFC 3339)"),
            )
        })
}

/// A stable id for a claim without an identifier: a name-based UUID of its
/// whitespace-normalised text and claimant, so reviews of the same claim
/// meet on one statement and a second import changes nothing.
fn derived_id(text: &str, speaker: Option<&Speaker>) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let claimant = speaker.map_or("", |s| s.name.as_str());
    let name = format!(
        "{}\u{1f}{}",
        words.join(" "),
        claimant.trim().to_lowercase()
    );
    let uuid = uuid::Uuid::new_v5(&ID_NAMESPACE, name.as_bytes());
    format!("{DERIVED_ID_PREFIX}{uuid}")
}
