//! A fact-checker's review of a statement as a claim, as published
//! (schema.org ClaimReview), with its rating read onto factdesk's scale.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rating::{normalize_label, normalize_numeric, NormalizedRating};
use super::Rating;

/// One fact-checker's review.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Review {
    /// The fact-checking organisation ("PolitiFact").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub publisher: String,
    /// The person who wrote the review, where known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// The review article.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "review_time"
    )]
    pub review_time: Option<DateTime<Utc>>,
    /// The rating exactly as published.
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        alias = "textual_rating"
    )]
    pub textual_rating: String,
    /// BCP-47 language of the review.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub language: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "rating_value"
    )]
    pub rating_value: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "best_rating"
    )]
    pub best_rating: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "worst_rating"
    )]
    pub worst_rating: Option<f64>,
    /// Output only: set by [`Review::normalize`] when the statement is
    /// stored; whatever a caller sends here is replaced.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "normalized_rating",
        with = "rating_name"
    )]
    pub normalized_rating: Option<NormalizedRating>,
}

impl Review {
    /// The review a first-release `rating` stands for.
    pub fn from_rating(rating: &Rating) -> Review {
        Review {
            publisher: rating.reviewer.clone(),
            textual_rating: rating.textual_rating.clone(),
            ..Review::default()
        }
    }

    /// The rating on factdesk's scale: from the textual rating when the
    /// label is known, else from the numeric rating, else `None` (unknown:
    /// recorded as OTHER, never guessed).
    pub fn recognised_rating(&self) -> Option<NormalizedRating> {
        normalize_label(&self.textual_rating).or_else(|| {
            let (value, best, worst) = (self.rating_value?, self.best_rating, self.worst_rating);
            // ClaimReview's defaults: best 5, worst 1.
            normalize_numeric(value, best.unwrap_or(5.0), worst.unwrap_or(1.0))
        })
    }

    /// Sets [`Review::normalized_rating`]; returns false when the rating was
    /// not recognised (and so normalised to OTHER).
    pub fn normalize(&mut self) -> bool {
        let recognised = self.recognised_rating();
        self.normalized_rating = Some(recognised.unwrap_or(NormalizedRating::Other));
        recognised.is_some()
    }

    /// The normalised rating (OTHER until [`Review::normalize`] has run on
    /// an unknown label).
    pub fn rating(&self) -> NormalizedRating {
        self.normalized_rating
            .or_else(|| self.recognised_rating())
            .unwrap_or(NormalizedRating::Other)
    }
}

/// `NormalizedRating` in JSON as the proto3 JSON mapping names it
/// ("NORMALIZED_RATING_FALSE").
mod rating_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::rating::NormalizedRating;

    const PREFIX: &str = "NORMALIZED_RATING_";

    pub fn serialize<S: Serializer>(
        value: &Option<NormalizedRating>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(rating) => serializer.serialize_str(&format!("{PREFIX}{}", rating.name())),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a stored value back; any other string is accepted as absent
    /// (the field is output only: a caller's value is recomputed anyway).
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NormalizedRating>, D::Error> {
        let name = Option::<String>::deserialize(deserializer)?;
        Ok(name
            .as_deref()
            .and_then(|name| name.strip_prefix(PREFIX))
            .and_then(NormalizedRating::from_name))
    }
}
