//! The check pipeline's pure core: analyse the claim → rank candidates in
//! the index → (the caller fetches the statements) → judge them: favour
//! agreeing figures, stance per match, verdict, explanations.
//!
//! Nothing here reads the store or does I/O: [`rank`] reads the in-memory
//! index, and [`judge`] decides from the claim and the statements it is
//! handed. `library::Library::check` runs the stages in order and fetches
//! the ranked statements from the store once, in between.
//!
//! Stance rules are in [`stance`], the verdict in [`verdict`].

mod analysed;
mod explain;
mod facts;
mod post;
mod rank;
pub mod stance;
pub mod verdict;

pub use analysed::{Analyses, StatementText};
pub use explain::MAX_HIGHLIGHTS;
pub use facts::{MAX_CLAIM_FIGURES, MAX_FIGURES};
pub use post::as_checked;

use std::sync::Arc;

use crate::index::{Hit, Index};
use crate::model::{
    detect_language, CheckOptions, CheckResult, Claim, ClaimAnalysis, Match, Stance, Statement,
};
use crate::text::lexicon::KeyIndex;
use crate::text::quantity::{self, Agreement};
use crate::text::{self, Token};
use stance::ClaimFacts;

pub use rank::{
    rank, retrieve, retrieve_with, search_terms, LEXICAL_CANDIDATES, VECTOR_CANDIDATES,
};
pub use verdict::DISPUTE_MARGIN;

/// Top hits re-ordered by agreeing figures when ranking used embeddings.
pub const FIGURE_RERANK_DEPTH: usize = 20;
/// Added to the ranking of a statement that states a figure agreeing with
/// one of the claim's ("50%" and "half").
pub const FIGURE_BONUS: f32 = 0.1;
/// How far below the best match a match with a clear stance may score and
/// still be listed first, in lexical rankings (see `decisive_first`).
pub const DECISIVE_BAND: f32 = 0.05;

/// A claim analysed once per check, shared by ranking and every match.
#[derive(Clone, Debug)]
pub struct AnalysedClaim<'a> {
    pub claim: &'a Claim,
    /// Search terms of the claim text, negations included.
    pub tokens: Vec<Token>,
    /// Figures, entities, direction words, negation, predicate terms.
    pub facts: ClaimFacts,
    /// The terms retrieval scores (see [`search_terms`]).
    pub search_terms: Vec<String>,
    /// The claim's words and phrases as the lexicon knows them.
    pub keys: KeyIndex,
    /// Per token, whether the lexicon relates it to other words.
    pub relatable: Vec<bool>,
    /// The keys with opposites a statement could say (see
    /// [`stance::opposable`]).
    pub opposable: Vec<(usize, Vec<&'static str>)>,
}

impl<'a> AnalysedClaim<'a> {
    pub fn new(claim: &'a Claim) -> AnalysedClaim<'a> {
        let tokens = text::analyze(&claim.text);
        let facts = ClaimFacts::new(&claim.text, &tokens);
        let search_terms = search_terms(&tokens);
        let keys = KeyIndex::of(&tokens);
        let relatable = keys.relatable(tokens.len());
        let opposable = stance::opposable(&keys);
        AnalysedClaim {
            claim,
            tokens,
            facts,
            search_terms,
            keys,
            relatable,
            opposable,
        }
    }

    /// What factdesk understood of the claim, as the response reports it.
    pub fn analysis(&self) -> ClaimAnalysis {
        let claim = self.claim;
        let language = if claim.language.is_empty() {
            detect_language(&claim.text).to_owned()
        } else {
            claim.language.clone()
        };
        ClaimAnalysis {
            language,
            terms: self.tokens.iter().map(|token| token.term.clone()).collect(),
            negations: self
                .tokens
                .iter()
                .filter(|token| token.negation)
                .map(|token| {
                    let word = token.span.slice(&claim.text);
                    // `tokens` are analysed from `claim.text` in `new`.
                    word.expect("a claim token spans claim text").to_lowercase()
                })
                .collect(),
            quantities: self.facts.quantities.clone(),
            directions: self
                .facts
                .directions
                .iter()
                .map(|(w, _)| w.clone())
                .collect(),
            entities: self.facts.entities.iter().map(|(w, _)| w.clone()).collect(),
            post: Default::default(),
        }
    }
}

/// How many ranked hits [`judge`] needs statements for: the matches asked
/// for, and with embeddings the [`FIGURE_RERANK_DEPTH`] it re-orders.
pub fn judged_depth(options: &CheckOptions, semantic: bool) -> usize {
    if semantic {
        FIGURE_RERANK_DEPTH.max(options.max_matches)
    } else {
        options.max_matches
    }
}

/// A ranked hit with its statement as stored.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub hit: Hit,
    pub statement: Statement,
}

/// Judges ranked candidates (best first, as [`rank`] returned them, minus
/// any the caller could not fetch): figure preference when the ranking used
/// embeddings, the first `options.max_matches` as matches with stance and
/// explanation, and the verdict. `index` supplies term coverage for the
/// explanations; `analyses` the statement texts analysed.
pub fn judge(
    claim: &AnalysedClaim<'_>,
    candidates: Vec<Candidate>,
    index: &Index,
    analyses: &Analyses,
    options: &CheckOptions,
) -> CheckResult {
    let mut judged: Vec<Judged> = candidates
        .into_iter()
        .map(|candidate| Judged {
            analysed: analyses.get(&candidate.statement.text),
            candidate,
        })
        .collect();
    // Measured on CheckThat! train/dev/devtest, the figure boost costs
    // lexical ranking 0.01–0.02 MAP@5; with embeddings it lets paraphrases
    // that restate the figure win, so it applies only then.
    let semantic = judged.iter().any(|j| j.candidate.hit.semantic.is_some());
    if semantic {
        favour_agreeing_figures(&claim.facts, &mut judged);
    }
    judged.truncate(options.max_matches);
    let mut matches: Vec<Match> = judged
        .into_iter()
        .map(|judged| build_match(claim, index, analyses, judged, options.verdict_threshold))
        .collect();
    // Meaning similarity already orders paraphrases; re-ordering by stance
    // on top of it cost CheckThat! dev 0.0025 MAP@5 (measured), so only
    // lexical rankings get it.
    if !semantic {
        decisive_first(&mut matches);
    }
    let (verdict, verdict_explanation) = verdict::decide(&matches, options.verdict_threshold);
    CheckResult {
        analysis: claim.analysis(),
        matches,
        verdict,
        verdict_explanation,
    }
}

/// Moves the matches with a clear stance (SUPPORTS, CONTRADICTS) that score
/// within [`DECISIVE_BAND`] of the best match ahead of the RELATED ones
/// there, keeping the order otherwise (lexical rankings only): the statement that decides the
/// verdict leads when the ranking barely separates it from one that says
/// something else.
fn decisive_first(matches: &mut [Match]) {
    let Some(best) = matches.first().map(|m| m.score) else {
        return;
    };
    matches.sort_by_key(|m| m.stance == Stance::Related || m.score < best - DECISIVE_BAND);
}

/// A candidate being judged, with its statement's text analysed.
struct Judged {
    candidate: Candidate,
    analysed: Arc<StatementText>,
}

/// Raises the score (capped at 1) of the top [`FIGURE_RERANK_DEPTH`]
/// statements that state a figure agreeing with the claim's — a shared
/// number is strong evidence of the same fact — and re-sorts them.
fn favour_agreeing_figures(facts: &ClaimFacts, judged: &mut [Judged]) {
    if facts.quantities.is_empty() {
        return;
    }
    let depth = judged.len().min(FIGURE_RERANK_DEPTH);
    for entry in &mut judged[..depth] {
        let agrees = entry.analysed.mentions.iter().any(|theirs| {
            facts
                .quantities
                .iter()
                .any(|ours| quantity::compare(&ours.quantity, &theirs.quantity) == Agreement::Agree)
        });
        let bonus = if agrees { FIGURE_BONUS } else { 0.0 };
        entry.candidate.hit.score = (entry.candidate.hit.score + bonus).min(1.0);
    }
    // A stable sort on the new scores: equal scores keep their rank order.
    judged[..depth].sort_by(|a, b| b.candidate.hit.score.total_cmp(&a.candidate.hit.score));
}

fn build_match(
    claim: &AnalysedClaim<'_>,
    index: &Index,
    analyses: &Analyses,
    judged: Judged,
    threshold: f32,
) -> Match {
    let Judged {
        candidate: Candidate { hit, statement },
        analysed,
    } = judged;
    let decision = stance::decide(
        claim,
        &stance::StatementView {
            statement: &statement,
            analysed: &analysed,
            analyses,
        },
        hit.score,
        threshold,
    );
    let mut coverage = explain::coverage(&claim.tokens, index.term_test(&statement.id));
    if !decision.said_another_way.is_empty() {
        let pairs: Vec<String> = decision
            .said_another_way
            .iter()
            .map(|(ours, theirs)| format!("{ours} ≈ {theirs}"))
            .collect();
        coverage.push_str(&format!("; said another way: {}", pairs.join(", ")));
    }
    if let Some(cosine) = hit.semantic {
        coverage.push_str(&format!("; meaning similarity {cosine:.2}"));
    }
    Match {
        highlights: explain::highlights(
            &claim.claim.text,
            &claim.tokens,
            &statement.text,
            &analysed.tokens,
        ),
        citation: explain::citation(&statement),
        explanation: format!("{}; {coverage}", decision.reason),
        stance: decision.reason.stance(),
        reason: decision.reason,
        quantities: decision.comparisons,
        statement,
        score: hit.score,
    }
}

#[cfg(test)]
mod tests;
