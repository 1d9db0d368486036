//! Reviews between their proto and domain forms; the normalised rating is
//! output only, so it is never read from a request.

use super::convert::{time_from_proto, time_to_proto};
use crate::model::{self, FieldError, NormalizedRating};
use crate::pb;

/// Each proto review in domain form; a bad time names its field.
pub fn reviews_from_proto(reviews: Vec<pb::Review>) -> Result<Vec<model::Review>, FieldError> {
    reviews
        .into_iter()
        .enumerate()
        .map(|(index, review)| {
            let field = format!("reviews[{index}].review_time");
            Ok(model::Review {
                publisher: review.publisher,
                author: review.author,
                url: review.url,
                review_time: time_from_proto(&field, review.review_time)?,
                textual_rating: review.textual_rating,
                language: review.language,
                rating_value: review.rating_value,
                best_rating: review.best_rating,
                worst_rating: review.worst_rating,
                normalized_rating: None,
            })
        })
        .collect()
}

/// A domain review in proto form.
pub fn review_to_proto(review: model::Review) -> pb::Review {
    let normalized = normalized_to_proto(review.rating());
    pb::Review {
        publisher: review.publisher,
        author: review.author,
        url: review.url,
        review_time: time_to_proto(review.review_time),
        textual_rating: review.textual_rating,
        language: review.language,
        rating_value: review.rating_value,
        best_rating: review.best_rating,
        worst_rating: review.worst_rating,
        normalized_rating: normalized as i32,
    }
}

/// The proto value of a normalised rating.
pub fn normalized_to_proto(rating: NormalizedRating) -> pb::NormalizedRating {
    match rating {
        NormalizedRating::True => pb::NormalizedRating::True,
        NormalizedRating::MostlyTrue => pb::NormalizedRating::MostlyTrue,
        NormalizedRating::Mixed => pb::NormalizedRating::Mixed,
        NormalizedRating::MostlyFalse => pb::NormalizedRating::MostlyFalse,
        NormalizedRating::False => pb::NormalizedRating::False,
        NormalizedRating::Unproven => pb::NormalizedRating::Unproven,
        NormalizedRating::Satire => pb::NormalizedRating::Satire,
        NormalizedRating::Other => pb::NormalizedRating::Other,
    }
}
