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
    claim_vector: Option<&[f32]>,
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
    let terms = search_terms(&claim_tokens);
    let mut hits = rank(
        index,
        claim,
        &terms,
        options,
        claim_vector,
        FIGURE_RERANK_DEPTH.max(options.max_matches),
    );
    // Measured on CheckThat! train/dev/devtest, the boost costs lexical
    // ranking 0.01–0.02 MAP@5; with embeddings it lets paraphrases that
    // restate the figure win, so it applies only then.
    if claim_vector.is_some() {
        favour_agreeing_figures(store, &facts, &mut hits)?;
    }
    hits.truncate(options.max_matches);
    let mut matches = Vec::with_capacity(hits.len());
    for hit in hits {
        // A statement deleted between search and load is simply skipped.
        if let Some(statement) = store.get(&hit.id)? {
            matches.push(build_match(&view, index, statement, &hit));
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

/// Top hits re-ordered by [`favour_agreeing_figures`].
pub const FIGURE_RERANK_DEPTH: usize = 20;
/// Added to the ranking of a statement that states a figure agreeing with
/// one of the claim's ("50%" and "half").
pub const FIGURE_BONUS: f32 = 0.1;

/// With embeddings: raises the score (capped at 1) of statements among the top
/// [`FIGURE_RERANK_DEPTH`] that state a figure agreeing with the claim's — a
/// shared number is strong evidence of the same fact — and re-sorts them.
pub fn favour_agreeing_figures(
    store: &Store,
    facts: &ClaimFacts,
    hits: &mut [Hit],
) -> Result<(), StoreError> {
    if facts.quantities.is_empty() {
        return Ok(());
    }
    let depth = hits.len().min(FIGURE_RERANK_DEPTH);
    let mut keyed = Vec::with_capacity(depth);
    for (position, hit) in hits[..depth].iter().enumerate() {
        let agrees = match store.get(&hit.id)? {
            Some(statement) => stance::mentions(&statement.text).iter().any(|theirs| {
                facts.quantities.iter().any(|ours| {
                    text::quantity::compare(&ours.quantity, &theirs.quantity)
                        == text::quantity::Agreement::Agree
                })
            }),
            None => false,
        };
        let bonus = if agrees { FIGURE_BONUS } else { 0.0 };
        keyed.push(((hit.score + bonus).min(1.0), position));
    }
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let reordered: Vec<Hit> = keyed
        .iter()
        .map(|&(score, position)| Hit {
            score,
            ..hits[position].clone()
        })
        .collect();
    hits[..depth].clone_from_slice(&reordered);
    Ok(())
}

/// Lexical candidates considered when re-ranking with embeddings.
pub const LEXICAL_CANDIDATES: usize = 100;
/// Nearest-embedding candidates added when re-ranking, so paraphrases with
/// no shared words are found.
pub const VECTOR_CANDIDATES: usize = 50;

/// The final ranking: lexical candidates, re-ranked with the claim
/// embedding when one is given. Fused score = (1 − w)·lexical + w·cosine
/// (w = `ranking.semantic_weight`, negative cosines count as 0) plus the
/// request-context bonus, capped at 1.
pub fn rank(
    index: &Index,
    claim: &Claim,
    terms: &[String],
    options: &CheckOptions,
    claim_vector: Option<&[f32]>,
    limit: usize,
) -> Vec<Hit> {
    let Some(vector) = claim_vector else {
        return retrieve(index, claim, terms, options, limit);
    };
    let mut candidate_options = options.clone();
    candidate_options.min_score = 0.0;
    let mut hits = retrieve(index, claim, terms, &candidate_options, LEXICAL_CANDIDATES);
    let claimant = claim.claimant.to_lowercase();
    let query = Query {
        terms,
        claimant_terms: &[],
        claimant: &claimant,
        claim_time: claim.claim_time.map(|time| time.timestamp()),
        filter: &options.filter,
        ranking: &options.ranking,
        min_score: 0.0,
    };
    for (id, _) in index.nearest(vector, &options.filter, VECTOR_CANDIDATES) {
        if hits.iter().any(|hit| hit.id == id) {
            continue;
        }
        let bonus = index
            .doc_meta(&id)
            .map_or(0.0, |meta| query.context_bonus(meta));
        hits.push(Hit {
            id,
            bm25: 0.0,
            lexical: 0.0,
            score: bonus,
            semantic: None,
        });
    }
    let weight = options.ranking.semantic_weight;
    let mut fused: Vec<(f32, Hit)> = hits
        .into_iter()
        .map(|mut hit| {
            let cosine = index.cosine(&hit.id, vector).unwrap_or(0.0);
            let bonus = (hit.score - hit.lexical.min(1.0)).max(0.0);
            let key = (1.0 - weight) * hit.lexical + weight * cosine.max(0.0) + bonus;
            hit.semantic = Some(cosine);
            hit.score = key.min(1.0);
            (key, hit)
        })
        .filter(|(_, hit)| hit.score >= options.min_score)
        .collect();
    fused.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    fused.into_iter().take(limit).map(|(_, hit)| hit).collect()
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

fn build_match(view: &ClaimView<'_>, index: &Index, statement: Statement, hit: &Hit) -> Match {
    let score = hit.score;
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
    let mut coverage = explain::coverage(view.tokens, |term| index.has_term(&statement.id, term));
    if let Some(cosine) = hit.semantic {
        coverage.push_str(&format!("; meaning similarity {cosine:.2}"));
    }
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
