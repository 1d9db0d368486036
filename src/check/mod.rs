//! The check pipeline: analyse the claim → retrieve (BM25F) → load the
//! statements → stance per match → verdict for the claim → explanations.
//!
//! Stance rules (v1, lexical):
//! - score below [`STRONG_MATCH`] → RELATED (too little of the claim is on record);
//! - exactly one side negated ("not", "never", "没有"...) → CONTRADICTS;
//! - otherwise → SUPPORTS.
//!
//! Verdict: among matches scoring at least [`STRONG_MATCH`] with a stance
//! other than RELATED, all SUPPORTS → SUPPORTED, all CONTRADICTS →
//! CONTRADICTED, both → DISPUTED; none → UNVERIFIED.

mod explain;

use crate::index::{Hit, Index, Query};
use crate::model::{
    detect_language, CheckOptions, CheckResult, Claim, ClaimAnalysis, Match, Stance, Statement,
    Verdict,
};
use crate::store::{Store, StoreError};
use crate::text::{self, Token};

/// Normalised score from which a match counts towards the verdict.
pub const STRONG_MATCH: f32 = 0.5;

/// Runs one claim through the pipeline against `index` and `store`.
pub fn check(
    index: &Index,
    store: &Store,
    claim: &Claim,
    options: &CheckOptions,
) -> Result<CheckResult, StoreError> {
    let claim_tokens = text::analyze(&claim.text);
    let analysis = analyse(claim, &claim_tokens);
    let hits = retrieve(index, claim, &analysis.terms, options, options.max_matches);
    let mut matches = Vec::with_capacity(hits.len());
    for hit in hits {
        // A statement deleted between search and load is simply skipped.
        if let Some(statement) = store.get(&hit.id)? {
            matches.push(build_match(claim, &claim_tokens, statement, hit.score));
        }
    }
    let (verdict, verdict_explanation) = decide_verdict(&matches);
    Ok(CheckResult {
        analysis,
        matches,
        verdict,
        verdict_explanation,
    })
}

/// The candidate stage: the best `limit` statements by BM25F plus the
/// request-context signals (see `index::Query::context_bonus`).
pub fn retrieve(
    index: &Index,
    claim: &Claim,
    terms: &[String],
    options: &CheckOptions,
    limit: usize,
) -> Vec<Hit> {
    let claimant_terms = text::terms(&claim.claimant);
    let claimant = claim.claimant.to_lowercase();
    let query = Query {
        terms,
        claimant_terms: &claimant_terms,
        claimant: &claimant,
        claim_time: claim.claim_time.map(|time| time.timestamp()),
        filter: &options.filter,
        ranking: &options.ranking,
        min_score: options.min_score,
    };
    index.search(&query, limit)
}

fn analyse(claim: &Claim, claim_tokens: &[Token]) -> ClaimAnalysis {
    let language = if claim.language.is_empty() {
        detect_language(&claim.text).to_owned()
    } else {
        claim.language.clone()
    };
    ClaimAnalysis {
        language,
        terms: claim_tokens
            .iter()
            .map(|token| token.term.clone())
            .collect(),
        negations: claim_tokens
            .iter()
            .filter(|token| token.negation)
            .map(|token| claim.text[token.start..token.end].to_lowercase())
            .collect(),
    }
}

fn build_match(claim: &Claim, claim_tokens: &[Token], statement: Statement, score: f32) -> Match {
    let statement_tokens = text::analyze(&statement.text);
    let (stance, stance_reason) = decide_stance(claim_tokens, &statement_tokens, score);
    let coverage = explain::coverage(claim_tokens, &statement);
    Match {
        highlights: explain::highlights(
            &claim.text,
            claim_tokens,
            &statement.text,
            &statement_tokens,
        ),
        citation: explain::citation(&statement),
        explanation: format!("{coverage}; {stance_reason}"),
        statement,
        score,
        stance,
    }
}

fn decide_stance(claim: &[Token], statement: &[Token], score: f32) -> (Stance, String) {
    if score < STRONG_MATCH {
        return (
            Stance::Related,
            format!("RELATED: score {score:.2} is below {STRONG_MATCH}"),
        );
    }
    let claim_negated = claim.iter().any(|token| token.negation);
    let statement_negated = statement.iter().any(|token| token.negation);
    match (claim_negated, statement_negated) {
        (true, false) => (
            Stance::Contradicts,
            "CONTRADICTS: the claim is negated, the statement is not".to_owned(),
        ),
        (false, true) => (
            Stance::Contradicts,
            "CONTRADICTS: the statement is negated, the claim is not".to_owned(),
        ),
        _ => (
            Stance::Supports,
            "SUPPORTS: strong match and no negation differs".to_owned(),
        ),
    }
}

fn decide_verdict(matches: &[Match]) -> (Verdict, String) {
    let strong = |stance: Stance| {
        matches
            .iter()
            .filter(|m| m.score >= STRONG_MATCH && m.stance == stance)
            .count()
    };
    let (supporting, contradicting) = (strong(Stance::Supports), strong(Stance::Contradicts));
    match (supporting, contradicting) {
        (0, 0) => (
            Verdict::Unverified,
            format!("no statement on record matches the claim with score ≥ {STRONG_MATCH} and a clear stance"),
        ),
        (s, 0) => (Verdict::Supported, format!("{s} strong match(es) support the claim")),
        (0, c) => (Verdict::Contradicted, format!("{c} strong match(es) contradict the claim")),
        (s, c) => (
            Verdict::Disputed,
            format!("{s} strong match(es) support and {c} contradict the claim"),
        ),
    }
}

#[cfg(test)]
mod tests;
