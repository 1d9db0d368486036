//! Domain types: statements with attribution, claims, matches and verdicts.
//!
//! `Statement` serialises to the proto3 JSON form of `factdesk.v1.Statement`
//! (camelCase, RFC 3339 timestamps), which is also the import/export line
//! format. Nothing here knows about gRPC or sled.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod claim;
pub mod limits;
mod mask;
pub mod rating;
mod reason;
mod review;
mod validate;

pub use claim::{
    CheckFilter, CheckOptions, CheckResult, Claim, ClaimAnalysis, Highlight, Match, PostNotes,
    QuantityComparison, QuantityMention, RankingParams, Stance, Verdict,
};
pub use mask::UpdateMask;
pub use rating::NormalizedRating;
pub use reason::StanceReason;
pub use review::Review;
pub use validate::{
    check_controls, check_len, validate_claim, validate_id, validate_statement, FieldError,
};

/// Something someone said or published, with who, where and when.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Statement {
    /// Stable id; empty until chosen by the caller or assigned on write.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Verbatim text; required.
    #[serde(default)]
    pub text: String,
    /// Venue, subtitle or surrounding text; searched with a lower weight.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub context: String,
    #[serde(default, skip_serializing_if = "Attribution::is_empty")]
    pub attribution: Attribution,
    /// BCP-47 tag; filled in by [`detect_language`] when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub language: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// Set by the store when the statement is first written.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "create_time"
    )]
    pub create_time: Option<DateTime<Utc>>,
    /// Fact-checkers' reviews of the statement as a claim; empty for a
    /// statement on record that nobody rated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
    /// Set when the statement is changed after it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "update_time"
    )]
    pub update_time: Option<DateTime<Utc>>,
}

/// Who said a statement, where it was published and when.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Attribution {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Speaker>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "statement_time"
    )]
    pub statement_time: Option<DateTime<Utc>>,
}

/// The person or organisation who made a statement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Speaker {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub affiliation: String,
}

/// Where a statement was published or reported.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Source {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub publisher: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "publish_time"
    )]
    pub publish_time: Option<DateTime<Utc>>,
}

/// A fact-checker's ruling on a statement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rating {
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        alias = "textual_rating"
    )]
    pub textual_rating: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
}

impl Attribution {
    fn is_empty(&self) -> bool {
        self == &Attribution::default()
    }
}

impl Statement {
    /// Source publisher, or "" when unknown.
    pub fn publisher(&self) -> &str {
        self.attribution
            .source
            .as_ref()
            .map_or("", |source| source.publisher.as_str())
    }

    /// Speaker name, or "" when unknown.
    pub fn speaker_name(&self) -> &str {
        self.attribution
            .speaker
            .as_ref()
            .map_or("", |speaker| speaker.name.as_str())
    }

    /// Source title, or "" when unknown.
    pub fn source_title(&self) -> &str {
        self.attribution
            .source
            .as_ref()
            .map_or("", |source| source.title.as_str())
    }

    /// When the statement was made: its statement time, else the source's
    /// publish time.
    pub fn effective_time(&self) -> Option<DateTime<Utc>> {
        self.attribution.statement_time.or_else(|| {
            self.attribution
                .source
                .as_ref()
                .and_then(|source| source.publish_time)
        })
    }

    /// True when both carry the same content, ignoring the output-only
    /// `create_time` and `update_time`.
    pub fn same_content(&self, other: &Statement) -> bool {
        let strip = |statement: &Statement| Statement {
            create_time: None,
            update_time: None,
            ..statement.clone()
        };
        strip(self) == strip(other)
    }

    /// A checksum of the statement as stored (its JSON line, times
    /// included), for optimistic concurrency (AIP-154): any change to any
    /// field, or an update that rewrote it, gives another etag.
    pub fn etag(&self) -> String {
        // The JSON goes straight into the hash, not into a string first.
        let mut hasher = Sha1Writer(sha1_smol::Sha1::new());
        serde_json::to_writer(&mut hasher, self).expect("a Statement always serialises");
        let digest = hasher.0.digest().bytes();
        // 96 bits: no two versions of one statement will share it.
        let mut etag = String::with_capacity(24);
        for byte in &digest[..12] {
            etag.push(char::from(HEX[usize::from(byte >> 4)]));
            etag.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        etag
    }

    /// Reads a first-release `rating` as one review when there are no
    /// reviews, and normalises every review's rating. Returns how many
    /// ratings were not recognised (normalised to OTHER).
    pub fn complete_reviews(&mut self) -> usize {
        if self.reviews.is_empty() {
            if let Some(rating) = &self.rating {
                if !rating.textual_rating.is_empty() || !rating.reviewer.is_empty() {
                    self.reviews.push(Review::from_rating(rating));
                }
            }
        }
        self.reviews
            .iter_mut()
            .map(|review| usize::from(!review.normalize()))
            .sum()
    }

    /// Parses one import line (the proto3 JSON form of a statement).
    pub fn from_json_line(line: &str) -> Result<Statement, serde_json::Error> {
        serde_json::from_str(line)
    }

    /// The statement as one export line (no trailing newline).
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("a Statement always serialises")
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Feeds what is written to a SHA-1.
struct Sha1Writer(sha1_smol::Sha1);

impl std::io::Write for Sha1Writer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// "zh" when most letters are CJK ideographs or kana, otherwise "en".
pub fn detect_language(text: &str) -> &'static str {
    let (mut cjk, mut other) = (0usize, 0usize);
    for ch in text.chars().filter(|ch| ch.is_alphabetic()) {
        if crate::text::is_cjk(ch) {
            cjk += 1;
        } else {
            other += 1;
        }
    }
    if cjk > other {
        "zh"
    } else {
        "en"
    }
}

#[cfg(test)]
mod proptests;
