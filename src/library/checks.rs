//! Checking claims against the library: the full check, and the candidate
//! stages alone for evaluation and benchmarks.

use super::Library;
use crate::check;
use crate::error::Error;
use crate::index::Hit;
use crate::model::{CheckOptions, CheckResult, Claim};

impl Library {
    /// Checks a claim (already validated) against the library: a pasted
    /// post is read as [`check::as_checked`] says, the claim is embedded (when a model is loaded and `options.use_embeddings`) before
    /// the index lock is taken; the ranked statements are fetched from the
    /// store once and judged by the pure [`check`] core. Blocks while the
    /// claim waits for its embedding batch; async callers use
    /// [`Library::claim_vector`] and [`Library::check_with_vector`].
    pub fn check(&self, claim: &Claim, options: &CheckOptions) -> Result<CheckResult, Error> {
        self.usable()?;
        let claim_vector = self.claim_vector_blocking(claim, options)?;
        self.check_with_vector(claim, options, claim_vector)
    }

    /// [`Library::check`] with the claim's vector already computed (by
    /// [`Library::claim_vector`]; `None` for a lexical check).
    pub fn check_with_vector(
        &self,
        claim: &Claim,
        options: &CheckOptions,
        claim_vector: Option<Vec<f32>>,
    ) -> Result<CheckResult, Error> {
        self.usable()?;
        let (claim, post) = check::as_checked(claim);
        let analysed = check::AnalysedClaim::new(&claim);
        let index = self.read_index();
        let depth = check::judged_depth(options, claim_vector.is_some());
        let hits = check::rank(&index, &analysed, options, claim_vector.as_deref(), depth);
        let candidates = self.fetch(hits)?;
        let mut result = check::judge(&analysed, candidates, &index, &self.analyses, options);
        result.analysis.post = post;
        Ok(result)
    }

    /// The statements of `hits`, in order; one deleted since the search is
    /// left out.
    fn fetch(&self, hits: Vec<Hit>) -> Result<Vec<check::Candidate>, Error> {
        let mut candidates = Vec::with_capacity(hits.len());
        for hit in hits {
            if let Some(statement) = self.store.get(&hit.id)? {
                candidates.push(check::Candidate { hit, statement });
            }
        }
        Ok(candidates)
    }

    /// The candidate stage alone (for evaluation): the best `limit` hits.
    pub fn candidates(&self, claim: &Claim, options: &CheckOptions, limit: usize) -> Vec<Hit> {
        let claim_vector = self.claim_vector_blocking(claim, options).ok().flatten();
        let (claim, _) = check::as_checked(claim);
        let analysed = check::AnalysedClaim::new(&claim);
        let index = self.read_index();
        check::rank(&index, &analysed, options, claim_vector.as_deref(), limit)
    }

    /// The lexical candidates alone, as served or (with `exhaustive`)
    /// with every statement sharing a term scored (for benchmarks).
    pub fn lexical_candidates(
        &self,
        claim: &Claim,
        options: &CheckOptions,
        limit: usize,
        exhaustive: bool,
    ) -> Vec<Hit> {
        let (claim, _) = check::as_checked(claim);
        let analysed = check::AnalysedClaim::new(&claim);
        let index = self.read_index();
        check::retrieve_with(&index, &analysed, options, limit, exhaustive)
    }
}
