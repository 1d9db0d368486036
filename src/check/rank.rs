//! The ranking stage: BM25F candidates from the index plus the request
//! context, re-ranked with the claim embedding when there is one. Reads the
//! index only; the statements themselves are fetched by the caller.

use crate::index::{Hit, Index, Query};
use crate::model::CheckOptions;
use crate::text::{self, Token};

use super::AnalysedClaim;

/// Lexical candidates considered when re-ranking with embeddings.
pub const LEXICAL_CANDIDATES: usize = 100;
/// Nearest-embedding candidates added when re-ranking, so paraphrases with
/// no shared words are found.
pub const VECTOR_CANDIDATES: usize = 50;

/// The claim terms that retrieval scores: all but negations, which the
/// stance rules judge (a statement need not repeat "not" to be the match).
pub fn search_terms(tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter(|token| !token.negation)
        .map(|token| token.term.clone())
        .collect()
}

/// The final ranking: lexical candidates, re-ranked with the claim
/// embedding when one is given. Fused score = (1 − w)·lexical + w·cosine
/// (w = `ranking.semantic_weight`, negative cosines count as 0) plus the
/// request-context bonus, capped at 1. Hits re-ranked this way carry their
/// cosine in [`Hit::semantic`].
pub fn rank(
    index: &Index,
    claim: &AnalysedClaim<'_>,
    options: &CheckOptions,
    claim_vector: Option<&[f32]>,
    limit: usize,
) -> Vec<Hit> {
    let Some(vector) = claim_vector else {
        return retrieve(index, claim, options, limit);
    };
    let mut candidate_options = options.clone();
    candidate_options.min_score = 0.0;
    let mut hits = retrieve(index, claim, &candidate_options, LEXICAL_CANDIDATES);
    let claimant = claim.claim.claimant.to_lowercase();
    let query = Query {
        terms: &claim.search_terms,
        claimant_terms: &[],
        claimant: &claimant,
        claim_time: claim.claim.claim_time.map(|time| time.timestamp()),
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
    claim: &AnalysedClaim<'_>,
    options: &CheckOptions,
    limit: usize,
) -> Vec<Hit> {
    retrieve_with(index, claim, options, limit, false)
}

/// [`retrieve`], or with `exhaustive` every statement sharing a term
/// scored (the reference the pruned search must equal; for benchmarks).
pub fn retrieve_with(
    index: &Index,
    claim: &AnalysedClaim<'_>,
    options: &CheckOptions,
    limit: usize,
    exhaustive: bool,
) -> Vec<Hit> {
    let claimant_terms = text::terms(&claim.claim.claimant);
    let claimant = claim.claim.claimant.to_lowercase();
    let query = Query {
        terms: &claim.search_terms,
        claimant_terms: &claimant_terms,
        claimant: &claimant,
        claim_time: claim.claim.claim_time.map(|time| time.timestamp()),
        filter: &options.filter,
        ranking: &options.ranking,
        min_score: options.min_score,
    };
    if exhaustive {
        index.search_exhaustive(&query, limit)
    } else {
        index.search(&query, limit)
    }
}
