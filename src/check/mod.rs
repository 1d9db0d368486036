//! The check pipeline: analyse the claim → retrieve (BM25F) → load the
//! statements → stance per match → verdict for the claim → explanations.
//!
//! Stance rules are in [`stance`]. Verdict: among matches scoring at least
//! the verdict threshold (default [`STRONG_MATCH`], tunable per request)
//! with a stance other than RELATED: none → UNVERIFIED; only SUPPORTS →
//! SUPPORTED; only CONTRADICTS → CONTRADICTED; both → the side of the
//! higher-scoring match, or DISPUTED when the two best are within
//! [`DISPUTE_MARGIN`].

mod explain;
mod facts;
pub mod stance;

use crate::index::{Hit, Index, Query};
use crate::model::{
    detect_language, CheckOptions, CheckResult, Claim, ClaimAnalysis, Match, Stance, Statement,
    Verdict,
};
use crate::store::{Store, StoreError};
use crate::text::{self, Token};
use stance::ClaimFacts;

pub use stance::STRONG_MATCH;

/// Runs one claim through the pipeline against `index` and `store`.
pub fn check(
    index: &Index,
    store: &Store,
    claim: &Claim,
    options: &CheckOptions,
) -> Result<CheckResult, StoreError> {
    let claim_tokens = text::analyze(&claim.text);
    let facts = ClaimFacts::new(&claim.text, &claim_tokens);
    let analysis = analyse(claim, &claim_tokens, &facts);
    let view = ClaimView {
        claim,
        tokens: &claim_tokens,
        facts: &facts,
        verdict_threshold: options.verdict_threshold,
    };
    let hits = retrieve(
        index,
        claim,
        &search_terms(&claim_tokens),
        options,
        options.max_matches,
    );
    let mut matches = Vec::with_capacity(hits.len());
    for hit in hits {
        // A statement deleted between search and load is simply skipped.
        if let Some(statement) = store.get(&hit.id)? {
            matches.push(build_match(&view, statement, hit.score));
        }
    }
    let (verdict, verdict_explanation) = decide_verdict(&matches, options.verdict_threshold);
    Ok(CheckResult {
        analysis,
        matches,
        verdict,
        verdict_explanation,
    })
}

/// The claim terms that retrieval scores: all but negations, which the
/// stance rules judge (a statement need not repeat "not" to be the match).
pub fn search_terms(tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter(|token| !token.negation)
        .map(|token| token.term.clone())
        .collect()
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

fn analyse(claim: &Claim, claim_tokens: &[Token], facts: &ClaimFacts) -> ClaimAnalysis {
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
        quantities: facts.quantities.clone(),
        directions: facts
            .directions
            .iter()
            .map(|(word, _)| word.clone())
            .collect(),
        entities: facts
            .entities
            .iter()
            .map(|(word, _)| word.clone())
            .collect(),
    }
}

/// The claim as analysed once per check, shared by every match.
struct ClaimView<'a> {
    claim: &'a Claim,
    tokens: &'a [Token],
    facts: &'a ClaimFacts,
    verdict_threshold: f32,
}

fn build_match(view: &ClaimView<'_>, statement: Statement, score: f32) -> Match {
    let statement_tokens = text::analyze(&statement.text);
    let decision = stance::decide(
        view.facts,
        &view.claim.text,
        view.tokens,
        &statement,
        &statement_tokens,
        score,
        view.verdict_threshold,
    );
    let coverage = explain::coverage(view.tokens, &statement);
    Match {
        highlights: explain::highlights(
            &view.claim.text,
            view.tokens,
            &statement.text,
            &statement_tokens,
        ),
        citation: explain::citation(&statement),
        explanation: format!("{}; {coverage}", decision.reason),
        quantities: decision.comparisons,
        statement,
        score,
        stance: decision.stance,
    }
}

/// A contradicting and a supporting match closer than this in score make
/// the verdict DISPUTED; otherwise the stronger side decides.
pub const DISPUTE_MARGIN: f32 = 0.1;

fn decide_verdict(matches: &[Match], threshold: f32) -> (Verdict, String) {
    let strongest = |stance: Stance| {
        matches
            .iter()
            .filter(|m| m.score >= threshold && m.stance == stance)
            .max_by(|a, b| a.score.total_cmp(&b.score))
    };
    match (strongest(Stance::Supports), strongest(Stance::Contradicts)) {
        (None, None) => (
            Verdict::Unverified,
            format!("no statement on record matches the claim with score ≥ {threshold} and a clear stance"),
        ),
        (Some(support), None) => (Verdict::Supported, format!("{} supports the claim", who(support))),
        (None, Some(contradiction)) => (
            Verdict::Contradicted,
            format!("{} contradicts the claim", who(contradiction)),
        ),
        (Some(support), Some(contradiction)) => {
            if (support.score - contradiction.score).abs() < DISPUTE_MARGIN {
                (
                    Verdict::Disputed,
                    format!(
                        "{} supports and {} contradicts the claim, with scores {:.2} and {:.2}",
                        who(support), who(contradiction), support.score, contradiction.score
                    ),
                )
            } else if support.score > contradiction.score {
                (Verdict::Supported, format!("{} supports the claim (a weaker match contradicts it)", who(support)))
            } else {
                (Verdict::Contradicted, format!("{} contradicts the claim (a weaker match supports it)", who(contradiction)))
            }
        }
    }
}

/// "statement <id> (<citation>)" for verdict lines.
fn who(found: &Match) -> String {
    format!("statement {} ({})", found.statement.id, found.citation)
}

#[cfg(test)]
mod tests;
