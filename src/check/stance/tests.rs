//! One test per row of the stance table: the rule that fires, as a
//! [`StanceReason`] variant, and how it reads.

use super::{decide, StatementView};
use crate::check::{AnalysedClaim, Analyses, StatementText};
use crate::model::{Claim, Speaker, Stance, StanceReason, Statement};

const THRESHOLD: f32 = 0.5;

/// The reason `statement_text` (said by Joseph Tsai) gets for `claim_text`
/// at match score `score`.
fn reason_at(claim_text: &str, statement_text: &str, score: f32) -> StanceReason {
    let claim = Claim {
        text: claim_text.to_owned(),
        ..Claim::default()
    };
    let statement = Statement {
        id: "s".to_owned(),
        text: statement_text.to_owned(),
        attribution: crate::model::Attribution {
            speaker: Some(Speaker {
                name: "Joseph Tsai".to_owned(),
                ..Speaker::default()
            }),
            ..Default::default()
        },
        ..Statement::default()
    };
    let analysed = StatementText::of(&statement.text);
    let view = StatementView {
        statement: &statement,
        analysed: &analysed,
        analyses: &Analyses::new(0),
    };
    decide(&AnalysedClaim::new(&claim), &view, score, THRESHOLD).reason
}

fn reason(claim_text: &str, statement_text: &str) -> StanceReason {
    reason_at(claim_text, statement_text, 1.0)
}

const CLOUD: &str = "Alibaba Cloud hosts half of China's generative AI firms";

#[test]
fn weak_match_is_related() {
    let found = reason_at(CLOUD, "Cloud firms are growing in China", 0.42);
    assert_eq!(
        found,
        StanceReason::BelowThreshold {
            score: 0.42,
            threshold: THRESHOLD
        }
    );
}

#[test]
fn a_paired_figure_lowers_the_bar_by_the_figure_bonus() {
    // "half" on both sides, about the same firms: evidence of the same fact.
    let partly = "Analysts say half of China's generative AI firms are startups";
    let found = reason_at(CLOUD, partly, 0.42);
    assert!(
        matches!(found, StanceReason::FiguresAgree { .. }),
        "{found:?}"
    );
    let found = reason_at(CLOUD, partly, 0.38);
    assert!(
        matches!(found, StanceReason::BelowThreshold { .. }),
        "{found:?}"
    );
}

#[test]
fn a_well_covered_paraphrase_is_judged_whatever_its_score() {
    // In a small library every shared word is common and scores little;
    // a statement that accounts for the claim's words is judged anyway.
    let found = reason_at(
        "Daniel Zhang quit Alibaba's cloud unit",
        "Daniel Zhang unexpectedly resigned from Alibaba's cloud unit.",
        0.2,
    );
    assert_eq!(found, StanceReason::NothingDiffers);
}

#[test]
fn missing_entity_is_related() {
    let found = reason(
        "Tencent Cloud hosts half of China's generative AI firms",
        CLOUD,
    );
    assert!(
        matches!(&found, StanceReason::EntitiesMissing { names } if names == &["Tencent"]),
        "{found:?}"
    );
    assert_eq!(
        found.to_string(),
        "RELATED: the claim names Tencent; the statement does not"
    );
}

#[test]
fn missing_predicate_is_related() {
    let found = reason(
        "Alibaba Cloud fired half of its engineers",
        "Alibaba Cloud hosts half of China's generative AI firms",
    );
    assert!(
        matches!(found, StanceReason::PredicateMissing { .. }),
        "{found:?}"
    );
}

#[test]
fn another_year_is_related() {
    let found = reason(
        "Alibaba Cloud hosted half of China's AI firms in 2019",
        "Alibaba Cloud hosted half of China's AI firms in 2023",
    );
    assert!(
        matches!(found, StanceReason::AnotherTime { .. }),
        "{found:?}"
    );
    assert_eq!(found.stance(), Stance::Related);
}

#[test]
fn conflicting_figure_contradicts() {
    let found = reason(
        "Alibaba Cloud hosts 80% of China's generative AI firms",
        CLOUD,
    );
    let StanceReason::FigureConflict {
        comparison,
        speaker,
    } = &found
    else {
        panic!("{found:?}");
    };
    assert_eq!(comparison.claim.text, "80%");
    assert_eq!(comparison.statement.as_ref().unwrap().text, "half");
    assert_eq!(speaker, "Joseph Tsai");
    assert_eq!(
        found.to_string(),
        "CONTRADICTS: claim says 80% of china generative ai; Joseph Tsai said half (50%)"
    );
}

#[test]
fn one_sided_negation_contradicts() {
    let claim_side = reason(
        "Alibaba Cloud does not host half of China's generative AI firms",
        CLOUD,
    );
    assert_eq!(
        claim_side,
        StanceReason::Negation {
            claim_negated: true
        }
    );
    let statement_side = reason(
        CLOUD,
        "Alibaba Cloud does not host half of China's generative AI firms",
    );
    assert_eq!(
        statement_side.to_string(),
        "CONTRADICTS: the statement is negated, the claim is not"
    );
}

#[test]
fn opposite_directions_contradict() {
    let found = reason(
        "Unemployment in Ohio rose during the governor's first term",
        "Unemployment in Ohio fell during the governor's first term",
    );
    assert_eq!(
        found.to_string(),
        "CONTRADICTS: the claim says \"rose\", the statement says \"fell\""
    );
}

#[test]
fn unmatched_figure_is_related() {
    let found = reason(
        "Alibaba Cloud hosts 80% of China's generative AI firms",
        "Alibaba Cloud hosts China's generative AI firms",
    );
    assert_eq!(
        found,
        StanceReason::FigureUnmatched {
            claim_figure: "80%".to_owned(),
            unlike: None,
        }
    );
}

#[test]
fn figures_that_measure_different_things_are_not_compared() {
    // "$11 billion" is the unit's value, "$2.4 billion" a loss of market
    // value: same unit, no word in common on either side.
    let found = reason(
        "The spinoff erased $2.4 billion of market value",
        "Its $11 billion cloud unit was the spinoff that erased market value",
    );
    assert_eq!(
        found,
        StanceReason::FigureUnmatched {
            claim_figure: "$2.4 billion".to_owned(),
            unlike: Some("$11 billion".to_owned()),
        }
    );
    assert!(
        found.to_string().contains("measures something else"),
        "{found}"
    );
}

#[test]
fn opposite_states_contradict() {
    for (claim, statement) in [
        (
            "Daniel Zhang stayed on at Alibaba's cloud unit",
            "Daniel Zhang unexpectedly resigned from Alibaba's cloud unit.",
        ),
        (
            "Alibaba went ahead with the spinoff of its cloud unit",
            "Alibaba has scrapped the spinoff of its cloud unit.",
        ),
    ] {
        let found = reason(claim, statement);
        assert!(
            matches!(found, StanceReason::OppositeWords { .. }),
            "{claim}: {found:?}"
        );
    }
    // Comparatives may swap sides: "A pays less than B" is "B pays more".
    let found = reason(
        "The workers pay more tax than Romney",
        "Romney pays less tax than the workers",
    );
    assert!(
        !matches!(found, StanceReason::OppositeWords { .. }),
        "{found:?}"
    );
}

#[test]
fn agreeing_figures_support() {
    let found = reason(
        "Alibaba Cloud hosts 50% of China's generative AI firms",
        CLOUD,
    );
    assert!(
        matches!(&found, StanceReason::FiguresAgree { agreeing, .. } if agreeing.len() == 1),
        "{found:?}"
    );
    assert_eq!(found.stance(), Stance::Supports);
    let plain = reason(
        "Alibaba Cloud hosts China's generative AI firms",
        "Alibaba Cloud hosts China's generative AI firms",
    );
    assert_eq!(plain, StanceReason::NothingDiffers);
    assert_eq!(
        plain.to_string(),
        "SUPPORTS: strong match; no figure, negation or direction differs"
    );
}
