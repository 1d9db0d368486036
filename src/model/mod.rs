//! Domain types: statements with attribution, claims, matches and verdicts.
//!
//! `Statement` serialises to the proto3 JSON form of `factdesk.v1.Statement`
//! (camelCase, RFC 3339 timestamps), which is also the import/export line
//! format. Nothing here knows about gRPC or sled.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::text::quantity::{Agreement, Quantity};
use crate::text::CharSpan;

pub mod limits;
mod mask;
pub mod rating;
mod reason;
mod review;
mod validate;

pub use mask::UpdateMask;
pub use rating::NormalizedRating;
pub use reason::StanceReason;
pub use review::Review;
pub use validate::{check_len, validate_claim, validate_id, validate_statement, FieldError};

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
        let digest = sha1_smol::Sha1::from(self.to_json_line()).digest().bytes();
        // 96 bits: no two versions of one statement will share it.
        digest[..12]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
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

/// A claim to check, with optional context about who made it and when.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Claim {
    pub text: String,
    /// Who made the claim; a ranking signal (speaker match, name terms).
    pub claimant: String,
    pub claim_time: Option<DateTime<Utc>>,
    /// BCP-47 tag; detected when empty.
    pub language: String,
}

/// Which statements a check may return.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckFilter {
    /// Lower-cased publisher names; any may match.
    pub publishers: Vec<String>,
    /// Lower-cased speaker names; any may match.
    pub speakers: Vec<String>,
    /// Lower-cased language tags; any may match.
    pub languages: Vec<String>,
    /// Inclusive lower bound on [`Statement::effective_time`].
    pub start_time: Option<DateTime<Utc>>,
    /// Exclusive upper bound on [`Statement::effective_time`].
    pub end_time: Option<DateTime<Utc>>,
}

/// How a check is run. `CheckOptions::default()` is what a request that
/// sets nothing but the claim gets.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckOptions {
    /// Most matches returned (1 to [`limits::MAX_MATCHES`]).
    pub max_matches: usize,
    /// Matches scoring below this are left out.
    pub min_score: f32,
    pub filter: CheckFilter,
    pub ranking: RankingParams,
    /// Score from which a match can support or contradict (and so decide
    /// the verdict); below it a match is RELATED.
    pub verdict_threshold: f32,
    /// Re-rank with sentence embeddings when the library has a model.
    pub use_embeddings: bool,
}

impl CheckOptions {
    /// Matches returned when the request does not say.
    pub const DEFAULT_MAX_MATCHES: usize = 5;
    /// `min_score` when the request does not say.
    pub const DEFAULT_MIN_SCORE: f32 = 0.1;
    /// Score from which a match can support or contradict, when the request
    /// does not say.
    pub const DEFAULT_VERDICT_THRESHOLD: f32 = 0.5;
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_matches: CheckOptions::DEFAULT_MAX_MATCHES,
            min_score: CheckOptions::DEFAULT_MIN_SCORE,
            filter: CheckFilter::default(),
            ranking: RankingParams::default(),
            verdict_threshold: CheckOptions::DEFAULT_VERDICT_THRESHOLD,
            use_embeddings: true,
        }
    }
}

/// Weights of the request-context ranking signals. Each applies only when
/// the claim carries the field it needs (claimant, claim time).
#[derive(Clone, Debug, PartialEq)]
pub struct RankingParams {
    /// Added to the score of statements whose speaker is the claimant.
    pub speaker_bonus: f32,
    /// Weight of the claimant's name terms found in a statement, relative to
    /// a claim term (statements *about* the claimant).
    pub claimant_term_weight: f32,
    /// Most that closeness in time adds to a score.
    pub time_weight: f32,
    /// Days over which the time bonus falls by a factor e.
    pub time_scale_days: f32,
    /// With embeddings: weight of the claim–statement cosine in the score;
    /// the lexical score gets the rest.
    pub semantic_weight: f32,
}

impl Default for RankingParams {
    fn default() -> Self {
        RankingParams {
            speaker_bonus: 0.1,
            claimant_term_weight: 0.3,
            time_weight: 0.2,
            time_scale_days: 30.0,
            semantic_weight: 0.7,
        }
    }
}

/// How one statement bears on the claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stance {
    Supports,
    Contradicts,
    Related,
}

/// What the library says about a claim as a whole (see `check::verdict`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A fact-checker rated what the claim says true or mostly true.
    Supported,
    /// A statement on record says the opposite.
    Contradicted,
    /// Strong matches, or one statement's reviews, disagree.
    Disputed,
    /// Nothing close enough, or nothing that decides.
    Unverified,
    /// A fact-checker's rating makes the claim false.
    Refuted,
    /// On record: someone said it; nobody verified it.
    Attributed,
    /// A fact-checker rated what the claim says half true or misleading.
    Mixed,
}

/// A term shared by the claim and a statement, located in both texts
/// (Unicode code point offsets, end exclusive).
#[derive(Clone, Debug, PartialEq)]
pub struct Highlight {
    pub statement_span: CharSpan,
    pub claim_span: CharSpan,
    pub term: String,
}

/// One statement that matches the claim, with why.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub statement: Statement,
    /// 0..1, see `index::Index::search`.
    pub score: f32,
    pub stance: Stance,
    /// The stance rule that decided, with what it found.
    pub reason: StanceReason,
    pub highlights: Vec<Highlight>,
    /// Each claim figure with the statement figure it was compared with.
    pub quantities: Vec<QuantityComparison>,
    pub citation: String,
    pub explanation: String,
}

/// A figure found in a text, located (Unicode code point offsets).
#[derive(Clone, Debug, PartialEq)]
pub struct QuantityMention {
    pub quantity: Quantity,
    /// The span as written, e.g. "more than half".
    pub text: String,
    pub span: CharSpan,
}

/// A claim figure paired with the statement's figure about the same thing.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantityComparison {
    pub claim: QuantityMention,
    /// `None` when the statement has no comparable figure.
    pub statement: Option<QuantityMention>,
    pub agreement: Agreement,
}

/// What factdesk understood of a claim.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClaimAnalysis {
    pub language: String,
    pub terms: Vec<String>,
    pub negations: Vec<String>,
    pub quantities: Vec<QuantityMention>,
    /// Direction words as written ("rose", "cut").
    pub directions: Vec<String>,
    /// Named entities as written ("Tencent", "Joseph Tsai" → each word).
    pub entities: Vec<String>,
}

/// The answer to one check.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub analysis: ClaimAnalysis,
    pub matches: Vec<Match>,
    pub verdict: Verdict,
    pub verdict_explanation: String,
}

#[cfg(test)]
mod proptests;
