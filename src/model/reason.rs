//! Why a statement got its stance: one variant per row of the stance table
//! (see `check::stance`), rendered for editors by `Display`
//! ("CONTRADICTS: claim says 80% of china generative ai; Joseph Tsai said
//! half (50%)").

use std::fmt;

use super::{QuantityComparison, QuantityMention, Stance};
use crate::text::quantity;

/// The rule that decided a stance, with what it found.
#[derive(Clone, Debug, PartialEq)]
pub enum StanceReason {
    /// The match scores below the verdict threshold.
    BelowThreshold { score: f32, threshold: f32 },
    /// The claim names someone or something the statement does not.
    EntitiesMissing { names: Vec<String> },
    /// Under half of what the claim says (its other content words) is in the
    /// statement.
    PredicateMissing { absent: Vec<String> },
    /// A claim year differs from the statement's: another time, not a
    /// contradiction.
    AnotherTime {
        comparison: QuantityComparison,
        /// Who the statement is attributed to ("the statement" if nobody).
        speaker: String,
    },
    /// A claim figure conflicts with the statement's figure for the same thing.
    FigureConflict {
        comparison: QuantityComparison,
        speaker: String,
    },
    /// Exactly one side is negated.
    Negation {
        /// True when the claim is the negated side.
        claim_negated: bool,
    },
    /// One side says up ("rose"), the other down ("fell").
    DirectionConflict {
        claim_word: String,
        statement_word: String,
    },
    /// The claim and the statement use words of opposite meaning
    /// ("remains" and "stepped down"; "went ahead" and "abandoned").
    OppositeWords {
        claim_word: String,
        statement_word: String,
    },
    /// A decisive claim figure (percent, money, multiple, count) has nothing
    /// on record to compare with.
    FigureUnmatched {
        claim_figure: String,
        /// A statement figure of the same kind that measures something else
        /// (not compared), if there is one.
        unlike: Option<String>,
    },
    /// A strong match whose figures agree.
    FiguresAgree {
        agreeing: Vec<QuantityComparison>,
        speaker: String,
    },
    /// A strong match where no figure, negation or direction differs.
    NothingDiffers,
}

impl StanceReason {
    /// The stance this reason gives.
    pub fn stance(&self) -> Stance {
        match self {
            StanceReason::BelowThreshold { .. }
            | StanceReason::EntitiesMissing { .. }
            | StanceReason::PredicateMissing { .. }
            | StanceReason::AnotherTime { .. }
            | StanceReason::FigureUnmatched { .. } => Stance::Related,
            StanceReason::FigureConflict { .. }
            | StanceReason::Negation { .. }
            | StanceReason::DirectionConflict { .. }
            | StanceReason::OppositeWords { .. } => Stance::Contradicts,
            StanceReason::FiguresAgree { .. } | StanceReason::NothingDiffers => Stance::Supports,
        }
    }
}

impl fmt::Display for StanceReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.stance() {
            Stance::Supports => "SUPPORTS",
            Stance::Contradicts => "CONTRADICTS",
            Stance::Related => "RELATED",
        };
        write!(f, "{label}: ")?;
        match self {
            StanceReason::BelowThreshold { score, threshold } => {
                write!(f, "score {score:.2} is below {threshold}")
            }
            StanceReason::EntitiesMissing { names } => write!(
                f,
                "the claim names {}; the statement does not",
                names.join(", ")
            ),
            StanceReason::PredicateMissing { absent } => write!(
                f,
                "the statement does not say what the claim says ({})",
                absent.join(", ")
            ),
            StanceReason::AnotherTime {
                comparison,
                speaker,
            } => write!(f, "about another time: {}", describe(comparison, speaker)),
            StanceReason::FigureConflict {
                comparison,
                speaker,
            } => f.write_str(&describe(comparison, speaker)),
            StanceReason::Negation {
                claim_negated: true,
            } => f.write_str("the claim is negated, the statement is not"),
            StanceReason::Negation {
                claim_negated: false,
            } => f.write_str("the statement is negated, the claim is not"),
            StanceReason::DirectionConflict {
                claim_word,
                statement_word,
            } => write!(
                f,
                "the claim says \"{claim_word}\", the statement says \"{statement_word}\""
            ),
            StanceReason::OppositeWords {
                claim_word,
                statement_word,
            } => write!(
                f,
                "the claim says \"{claim_word}\", the statement says the opposite: \"{statement_word}\""
            ),
            StanceReason::FigureUnmatched {
                claim_figure,
                unlike: None,
            } => write!(
                f,
                "the statement gives no figure to compare with {claim_figure}"
            ),
            StanceReason::FigureUnmatched {
                claim_figure,
                unlike: Some(other),
            } => write!(
                f,
                "the statement gives no figure to compare with {claim_figure} (its {other} measures something else: not comparable)"
            ),
            StanceReason::FiguresAgree { agreeing, speaker } => {
                let described: Vec<String> =
                    agreeing.iter().map(|c| describe(c, speaker)).collect();
                f.write_str(&described.join("; "))
            }
            StanceReason::NothingDiffers => {
                f.write_str("strong match; no figure, negation or direction differs")
            }
        }
    }
}

/// "claim says 80% of china generative ai; Joseph Tsai said half (50%)".
fn describe(comparison: &QuantityComparison, speaker: &str) -> String {
    let claim = &comparison.claim;
    let mut line = format!("claim says {}", shown(claim));
    if !claim.quantity.counts.is_empty() {
        line.push_str(&format!(" of {}", claim.quantity.counts.join(" ")));
    }
    if let Some(statement) = &comparison.statement {
        line.push_str(&format!("; {speaker} said {}", shown(statement)));
    }
    line
}

/// The span text, with the normalised value when it reads differently.
fn shown(mention: &QuantityMention) -> String {
    let display = quantity::format(&mention.quantity);
    if display.eq_ignore_ascii_case(&mention.text) {
        mention.text.clone()
    } else {
        format!("{} ({display})", mention.text)
    }
}
