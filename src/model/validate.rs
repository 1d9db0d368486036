//! Validation of what callers send: ids, statements, claims; and the
//! field-naming error it returns.

use super::limits::{
    MAX_CLAIM_CHARS, MAX_FIELD_BYTES, MAX_ID_BYTES, MAX_LANGUAGE_BYTES, MAX_REVIEWS,
    MAX_STATEMENT_TEXT_BYTES, MAX_TOPICS,
};
use super::{Claim, Review, Statement};

/// Checks a statement id: 1-128 bytes of `[A-Za-z0-9._~-]`.
pub fn validate_id(field: &str, id: &str) -> Result<(), FieldError> {
    if id.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_ID_BYTES} bytes"),
        ));
    }
    let allowed = |byte: &u8| byte.is_ascii_alphanumeric() || b"._~-".contains(byte);
    if !id.as_bytes().iter().all(allowed) {
        return Err(FieldError::new(
            field,
            "may contain only letters, digits and . _ ~ -",
        ));
    }
    // "-rf" and "--help" read as options to the tools that handle ids;
    // "." and ".." as directories.
    if id.starts_with('-') {
        return Err(FieldError::new(field, "must not start with '-'"));
    }
    if id.bytes().all(|byte| byte == b'.') {
        return Err(FieldError::new(field, "must not be only dots"));
    }
    Ok(())
}

/// Checks what a caller may send in a statement (the id is checked apart).
pub fn validate_statement(statement: &Statement) -> Result<(), FieldError> {
    if statement.text.trim().is_empty() {
        return Err(FieldError::new("text", "must not be empty"));
    }
    check_len("text", &statement.text, MAX_STATEMENT_TEXT_BYTES)?;
    check_len("context", &statement.context, MAX_STATEMENT_TEXT_BYTES)?;
    check_len("language", &statement.language, MAX_LANGUAGE_BYTES)?;
    if statement.topics.len() > MAX_TOPICS {
        return Err(FieldError::new(
            "topics",
            format!("at most {MAX_TOPICS} topics"),
        ));
    }
    for topic in &statement.topics {
        check_len("topics", topic, MAX_FIELD_BYTES)?;
    }
    if let Some(speaker) = &statement.attribution.speaker {
        check_len("attribution.speaker.name", &speaker.name, MAX_FIELD_BYTES)?;
        check_len("attribution.speaker.title", &speaker.title, MAX_FIELD_BYTES)?;
        check_len(
            "attribution.speaker.affiliation",
            &speaker.affiliation,
            MAX_FIELD_BYTES,
        )?;
    }
    if let Some(source) = &statement.attribution.source {
        check_len(
            "attribution.source.publisher",
            &source.publisher,
            MAX_FIELD_BYTES,
        )?;
        check_len("attribution.source.url", &source.url, MAX_FIELD_BYTES)?;
        check_len("attribution.source.title", &source.title, MAX_FIELD_BYTES)?;
        check_len("attribution.source.author", &source.author, MAX_FIELD_BYTES)?;
    }
    if let Some(rating) = &statement.rating {
        check_len(
            "rating.textual_rating",
            &rating.textual_rating,
            MAX_FIELD_BYTES,
        )?;
        check_len("rating.reviewer", &rating.reviewer, MAX_FIELD_BYTES)?;
    }
    if statement.reviews.len() > MAX_REVIEWS {
        return Err(FieldError::new(
            "reviews",
            format!("at most {MAX_REVIEWS} reviews"),
        ));
    }
    for (index, review) in statement.reviews.iter().enumerate() {
        validate_review(review).map_err(|error| error.within(&format!("reviews[{index}]")))?;
    }
    Ok(())
}

/// Checks one review's fields.
fn validate_review(review: &Review) -> Result<(), FieldError> {
    check_len("publisher", &review.publisher, MAX_FIELD_BYTES)?;
    check_len("author", &review.author, MAX_FIELD_BYTES)?;
    check_len("url", &review.url, MAX_FIELD_BYTES)?;
    check_len("textual_rating", &review.textual_rating, MAX_FIELD_BYTES)?;
    check_len("language", &review.language, MAX_LANGUAGE_BYTES)?;
    let numbers = [
        ("rating_value", review.rating_value),
        ("best_rating", review.best_rating),
        ("worst_rating", review.worst_rating),
    ];
    for (field, value) in numbers {
        if value.is_some_and(|number| !number.is_finite()) {
            return Err(FieldError::new(field, "must be a finite number"));
        }
    }
    Ok(())
}

/// Checks a text field's length and that it holds no control characters.
pub fn check_len(field: &str, value: &str, max_bytes: usize) -> Result<(), FieldError> {
    if value.len() > max_bytes {
        return Err(FieldError::new(
            field,
            format!("must be at most {max_bytes} bytes"),
        ));
    }
    check_controls(field, value)
}

/// Refuses ASCII control characters (U+0000-U+001F and U+007F) other than
/// tab, line feed and carriage return: they carry no meaning in a statement
/// or claim, and would reach terminals that act on them. C1 controls
/// (U+0080-U+009F) stay allowed: mis-decoded text in real fact-check data
/// holds them.
pub fn check_controls(field: &str, value: &str) -> Result<(), FieldError> {
    let is_control = |ch: char| ch.is_ascii_control() && !matches!(ch, '\t' | '\n' | '\r');
    match value.chars().position(is_control) {
        Some(position) => {
            let ch = value.chars().nth(position).unwrap_or_default();
            Err(FieldError::new(
                field,
                format!(
                    "must not contain control characters (U+{:04X} at character {position})",
                    ch as u32
                ),
            ))
        }
        None => Ok(()),
    }
}

/// A request field that is not acceptable, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {description}")]
pub struct FieldError {
    /// Path of the field, e.g. `claim.text` or `attribution.source.url`.
    pub field: String,
    pub description: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            description: description.into(),
        }
    }

    /// The same error with its field path under `parent` (e.g. `statement`).
    pub fn within(self, parent: &str) -> Self {
        FieldError {
            field: format!("{parent}.{}", self.field),
            description: self.description,
        }
    }
}

/// Checks a claim: non-empty text of at most [`MAX_CLAIM_CHARS`].
pub fn validate_claim(claim: &Claim) -> Result<(), FieldError> {
    if claim.text.trim().is_empty() {
        return Err(FieldError::new("claim.text", "must not be empty"));
    }
    if claim.text.chars().count() > MAX_CLAIM_CHARS {
        return Err(FieldError::new(
            "claim.text",
            format!("must be at most {MAX_CLAIM_CHARS} characters"),
        ));
    }
    check_controls("claim.text", &claim.text)?;
    check_len("claim.claimant", &claim.claimant, MAX_FIELD_BYTES)?;
    check_len("claim.language", &claim.language, MAX_LANGUAGE_BYTES)
}
