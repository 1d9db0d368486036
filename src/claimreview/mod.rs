//! schema.org ClaimReview JSON-LD, the format fact-checkers publish, in and
//! out: [`read()`] turns documents (single objects, arrays, `@graph`, data
//! feeds) into statements carrying reviews, [`write()`] turns reviewed
//! statements back into ClaimReview objects.
//!
//! | ClaimReview | factdesk |
//! | --- | --- |
//! | `claimReviewed` | `Statement.text` |
//! | `itemReviewed.author` (name, jobTitle, affiliation) | `attribution.speaker` (the claimant) |
//! | `itemReviewed.datePublished` | `attribution.statement_time` |
//! | `itemReviewed.appearance` / `firstAppearance` (url, headline, publisher, datePublished) | `attribution.source` |
//! | `itemReviewed.identifier` | `Statement.id` (else derived from text and claimant) |
//! | `author` (Organization) or `publisher` | `Review.publisher` |
//! | `author` (Person, beside a `publisher`) | `Review.author` |
//! | `url`, `datePublished`, `inLanguage` | `Review.url`, `review_time`, `language` |
//! | `reviewRating` (alternateName, ratingValue, bestRating, worstRating) | `Review.textual_rating`, `rating_value`, `best_rating`, `worst_rating` |
//!
//! Several reviews of one claim (same identifier, or same text and
//! claimant) land on one statement.

mod read;
mod write;

pub use read::{read, read_all, read_at_most, ReadRecords, RecordError};
pub use write::{write, Written};

#[cfg(test)]
mod tests;
