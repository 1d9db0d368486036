//! What a check takes and gives: the claim, the options, and the result
//! (matches with stance, highlights and figures; the verdict; what was
//! understood of the claim).

use chrono::{DateTime, Utc};

use super::{StanceReason, Statement};
use crate::text::quantity::{Agreement, Quantity};
use crate::text::CharSpan;

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
    /// Most matches returned (1 to [`super::limits::MAX_MATCHES`]).
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
    /// What was read from a claim pasted as a social-media post.
    pub post: PostNotes,
}

/// What factdesk read from a claim pasted as a post (`text::post`): empty
/// for a claim that is not one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PostNotes {
    /// The text as checked, when it differs from the claim's: links,
    /// handles, hashtag marks, emoji and the signature left out.
    pub checked_text: String,
    /// The claimant, from the post's signature, when the request gave none.
    pub claimant: String,
    /// The claim time, from the post's signature, when the request gave none.
    pub claim_time: Option<DateTime<Utc>>,
}

/// The answer to one check.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub analysis: ClaimAnalysis,
    pub matches: Vec<Match>,
    pub verdict: Verdict,
    pub verdict_explanation: String,
}
