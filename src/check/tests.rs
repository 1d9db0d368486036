//! Pipeline tests in memory: an index over the demo statements, ranked and
//! judged by the pure core, with no store.

use std::collections::HashMap;

use super::{judge, judged_depth, rank, AnalysedClaim, Analyses, Candidate};
use crate::index::Index;
use crate::model::{CheckOptions, CheckResult, Claim, Stance, StanceReason, Statement, Verdict};

/// Statements held in memory, indexed.
struct Shelf {
    index: Index,
    statements: HashMap<String, Statement>,
}

impl Shelf {
    fn new(statements: Vec<Statement>) -> Shelf {
        let mut index = Index::default();
        for statement in &statements {
            index.insert(statement);
        }
        let statements = statements.into_iter().map(|s| (s.id.clone(), s)).collect();
        Shelf { index, statements }
    }
}

fn demo_library() -> Shelf {
    Shelf::new(crate::demo::statements())
}

/// The pipeline as `Library::check` runs it, lexical, default options.
fn check(shelf: &Shelf, text: &str) -> CheckResult {
    check_with(shelf, text, &Analyses::default())
}

/// [`check`] with statement analyses kept in `analyses`.
fn check_with(shelf: &Shelf, text: &str, analyses: &Analyses) -> CheckResult {
    let claim = Claim {
        text: text.to_owned(),
        ..Claim::default()
    };
    let options = CheckOptions::default();
    let analysed = AnalysedClaim::new(&claim);
    let hits = rank(
        &shelf.index,
        &analysed,
        &options,
        None,
        judged_depth(&options, false),
    );
    let candidates = hits
        .into_iter()
        .map(|hit| Candidate {
            statement: shelf.statements[&hit.id].clone(),
            hit,
        })
        .collect();
    judge(&analysed, candidates, &shelf.index, analyses, &options)
}

/// Analyses kept across checks are keyed by text: a statement corrected
/// under the same id is judged on its new text, not the one analysed.
#[test]
fn a_corrected_statement_is_judged_on_its_new_text() {
    let analyses = Analyses::default();
    let claim = "Alibaba Cloud hosts half of China's generative AI firms";
    let before = check_with(&demo_library(), claim, &analyses);
    assert_eq!(before.matches[0].statement.id, "demo-tsai-cloud-share");
    assert_eq!(before.matches[0].stance, Stance::Supports);
    let mut statements = crate::demo::statements();
    for statement in &mut statements {
        if statement.id == "demo-tsai-cloud-share" {
            statement.text = statement.text.replace("half of", "a third of");
        }
    }
    let after = check_with(&Shelf::new(statements), claim, &analyses);
    let tsai = after
        .matches
        .iter()
        .find(|m| m.statement.id == "demo-tsai-cloud-share")
        .expect("the corrected statement still matches");
    assert_eq!(tsai.stance, Stance::Contradicts, "{}", tsai.explanation);
    assert!(matches!(tsai.reason, StanceReason::FigureConflict { .. }));
}

#[test]
fn tsai_claim_finds_tsai_first_with_citation() {
    let result = check(
        &demo_library(),
        "Alibaba Cloud hosts half of China's generative AI firms",
    );
    let top = &result.matches[0];
    assert_eq!(top.statement.id, "demo-tsai-cloud-share");
    assert!(
        top.citation
            .starts_with("Joseph Tsai, Chairman, Alibaba Group — "),
        "{}",
        top.citation
    );
    assert_eq!(top.stance, Stance::Supports);
    assert_eq!(result.verdict, Verdict::Attributed);
    assert!(top.highlights.iter().any(|h| h.term == "half"));
    assert!(top.explanation.contains("shares"), "{}", top.explanation);
}

#[test]
fn negated_claim_contradicts() {
    let result = check(
        &demo_library(),
        "Alibaba Cloud does not host half of China's generative AI firms",
    );
    assert_eq!(result.matches[0].statement.id, "demo-tsai-cloud-share");
    assert_eq!(
        result.matches[0].reason,
        StanceReason::Negation {
            claim_negated: true
        }
    );
    assert_eq!(result.matches[0].stance, Stance::Contradicts);
    assert_eq!(result.verdict, Verdict::Contradicted);
    assert_eq!(result.analysis.negations, ["not"]);
}

#[test]
fn unrelated_claim_is_unverified() {
    let result = check(&demo_library(), "The Eiffel Tower is in Paris");
    assert!(result.matches.is_empty());
    assert_eq!(result.verdict, Verdict::Unverified);
}

#[test]
fn chinese_claim_matches_chinese_statement() {
    let result = check(&demo_library(), "刘伟光负责阿里云公共云");
    assert_eq!(
        result.matches[0].statement.id,
        "demo-liu-weiguang-public-cloud"
    );
    assert_eq!(result.analysis.language, "zh");
}

#[test]
fn demo_eighty_percent_claim_contradicts_with_both_figures() {
    let result = check(
        &demo_library(),
        "Alibaba Cloud hosts 80% of China's generative AI firms",
    );
    let top = &result.matches[0];
    assert_eq!(top.statement.id, "demo-tsai-cloud-share");
    assert_eq!(top.stance, Stance::Contradicts, "{}", top.explanation);
    assert_eq!(result.verdict, Verdict::Contradicted);
    let conflict = top
        .quantities
        .iter()
        .find(|c| c.agreement == crate::text::quantity::Agreement::Conflict)
        .expect("a conflicting figure");
    assert_eq!(conflict.claim.text, "80%");
    assert_eq!(conflict.statement.as_ref().unwrap().text, "half");
    let StanceReason::FigureConflict {
        comparison,
        speaker,
    } = &top.reason
    else {
        panic!("{:?}", top.reason);
    };
    assert_eq!(comparison, conflict);
    assert_eq!(speaker, "Joseph Tsai");
    assert!(
        top.explanation
            .starts_with("CONTRADICTS: claim says 80% of china generative ai; Joseph Tsai said half (50%); shares"),
        "{}",
        top.explanation
    );
}

#[test]
fn demo_half_claim_agrees_on_the_figure() {
    let result = check(
        &demo_library(),
        "Alibaba Cloud hosts half of China's generative AI firms",
    );
    let top = &result.matches[0];
    assert_eq!(top.stance, Stance::Supports);
    assert_eq!(
        top.quantities[0].agreement,
        crate::text::quantity::Agreement::Agree
    );
}

#[test]
fn demo_negated_any_claim_contradicts() {
    let result = check(
        &demo_library(),
        "Alibaba Cloud does not host any Chinese AI start-ups",
    );
    let tsai = result
        .matches
        .iter()
        .find(|m| m.statement.id == "demo-tsai-cloud-share")
        .unwrap();
    assert_eq!(tsai.stance, Stance::Contradicts, "{}", tsai.explanation);
    assert_eq!(result.verdict, Verdict::Contradicted);
}

#[test]
fn demo_other_subject_is_not_supported() {
    let result = check(
        &demo_library(),
        "Tencent Cloud hosts half of China's generative AI firms",
    );
    assert!(result.matches.iter().all(|m| m.stance != Stance::Supports));
    assert_ne!(result.verdict, Verdict::Supported);
    assert!(result.analysis.entities.contains(&"Tencent".to_owned()));
    let tsai = result
        .matches
        .iter()
        .find(|m| m.statement.id == "demo-tsai-cloud-share")
        .unwrap();
    assert_eq!(
        tsai.reason,
        StanceReason::EntitiesMissing {
            names: vec!["Tencent".to_owned()]
        },
        "{}",
        tsai.explanation
    );
}

#[test]
fn demo_figures_in_other_statements() {
    let library = demo_library();
    let right = check(&library, "Alibaba's cloud unit was worth $11 billion");
    assert_eq!(
        right.matches[0].statement.id,
        "demo-alibaba-scraps-cloud-spinoff"
    );
    assert_eq!(
        right.verdict,
        Verdict::Attributed,
        "{}",
        right.matches[0].explanation
    );
    let wrong = check(
        &library,
        "The spinoff triggered a $60 billion sell-off in Alibaba shares",
    );
    assert_eq!(wrong.matches[0].statement.id, "demo-alibaba-share-selloff");
    assert_eq!(
        wrong.verdict,
        Verdict::Contradicted,
        "{}",
        wrong.matches[0].explanation
    );
    let months = check(
        &library,
        "Daniel Zhang resigned from the cloud unit about three months later",
    );
    assert_eq!(
        months.matches[0].statement.id,
        "demo-zhang-resigns-cloud-unit"
    );
    assert_eq!(
        months.matches[0].stance,
        Stance::Supports,
        "{}",
        months.matches[0].explanation
    );
}

#[test]
fn chinese_negation_contradicts() {
    let result = check(&demo_library(), "阿里巴巴宣布推进阿里云的完全分拆");
    let top = &result.matches[0];
    assert_eq!(top.statement.id, "demo-alibaba-spinoff-halt-zh");
    assert_eq!(top.stance, Stance::Contradicts, "{}", top.explanation);
}

#[test]
fn reversed_direction_contradicts() {
    let library = Shelf::new(vec![Statement {
        id: "jobs".to_owned(),
        text: "Unemployment in Ohio fell sharply during the governor's first term.".to_owned(),
        ..Default::default()
    }]);
    let rose = check(
        &library,
        "Unemployment in Ohio rose sharply during the governor's first term",
    );
    assert_eq!(
        rose.matches[0].stance,
        Stance::Contradicts,
        "{}",
        rose.matches[0].explanation
    );
    assert_eq!(
        rose.matches[0].reason,
        StanceReason::DirectionConflict {
            claim_word: "rose".to_owned(),
            statement_word: "fell".to_owned()
        }
    );
    let fell = check(
        &library,
        "Unemployment in Ohio fell sharply during the governor's first term",
    );
    assert_eq!(
        fell.matches[0].stance,
        Stance::Supports,
        "{}",
        fell.matches[0].explanation
    );
}
