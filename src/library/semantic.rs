//! Embeddings in the library: claims through the batching worker (one
//! forward pass for the claims that arrive together), statements in
//! length-sorted batches at import, and the stored vectors kept in step
//! with the loaded model at start-up.

use std::time::Instant;

use rayon::prelude::*;

use super::Library;
use crate::check;
use crate::embed::{EmbedError, Embedder};
use crate::error::Error;
use crate::index::Index;
use crate::model::{CheckOptions, Claim, Statement};
use crate::store::Store;

impl Library {
    /// The claim's vector when a check of it uses one (a model is loaded and
    /// `options.use_embeddings`), else `None`. Awaits its batch without
    /// holding a thread: for async callers, before [`Library::check_with_vector`].
    pub async fn claim_vector(
        &self,
        claim: &Claim,
        options: &CheckOptions,
    ) -> Result<Option<Vec<f32>>, Error> {
        let Some((batcher, text)) = self.claim_to_embed(claim, options) else {
            return Ok(None);
        };
        let started = Instant::now();
        let vector = batcher.embed(text).await?;
        crate::metrics::embedded(started.elapsed());
        Ok(Some(vector))
    }

    /// [`Library::claim_vector`] for synchronous callers: blocks the thread.
    pub(super) fn claim_vector_blocking(
        &self,
        claim: &Claim,
        options: &CheckOptions,
    ) -> Result<Option<Vec<f32>>, Error> {
        let Some((batcher, text)) = self.claim_to_embed(claim, options) else {
            return Ok(None);
        };
        let started = Instant::now();
        let vector = batcher.embed_blocking(text)?;
        crate::metrics::embedded(started.elapsed());
        Ok(Some(vector))
    }

    /// The batcher and the text a check of `claim` embeds (the claim as
    /// [`check::as_checked`] reads it), when it embeds one.
    fn claim_to_embed(
        &self,
        claim: &Claim,
        options: &CheckOptions,
    ) -> Option<(&crate::embed::Batcher, String)> {
        let batcher = self.claims.as_ref().filter(|_| options.use_embeddings)?;
        let (checked, _) = check::as_checked(claim);
        Some((batcher, checked.text))
    }

    /// One embedding per statement (all `None` without a model), computed in
    /// batches.
    pub(super) fn embed_statements(
        &self,
        statements: &[Statement],
    ) -> Result<Vec<Option<Vec<f32>>>, Error> {
        let Some(embedder) = &self.embedder else {
            return Ok(vec![None; statements.len()]);
        };
        let texts: Vec<&str> = statements.iter().map(|s| s.text.as_str()).collect();
        let started = Instant::now();
        let vectors = embed_all(embedder, &texts)?;
        crate::metrics::embedded(started.elapsed());
        Ok(vectors.into_iter().map(Some).collect())
    }
}

/// Statements embedded per forward pass: small, since a joint pass saves
/// nothing on the q8 kernels and any length difference is padding (bulk
/// rate with 1–4: 345–363 statements/s; with 32: 282/s).
pub const EMBED_BATCH: usize = 4;
/// Statements embedded and stored per durable write when backfilling.
const BACKFILL_CHUNK: usize = 1024;

/// Embeds texts in batches of [`EMBED_BATCH`] texts of similar length (a
/// batch is padded to its longest text, so mixing lengths wastes work),
/// the batches side by side on every core (each forward pass runs on one);
/// returns the vectors in the order of `texts`.
pub fn embed_all(embedder: &Embedder, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| texts[i].len());
    let batches: Vec<Vec<Vec<f32>>> = order
        .par_chunks(EMBED_BATCH)
        .map(|chunk| {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            embedder.embed_batch(&batch)
        })
        .collect::<Result<_, _>>()?;
    let mut vectors = vec![Vec::new(); texts.len()];
    for (&i, vector) in order.iter().zip(batches.into_iter().flatten()) {
        vectors[i] = vector;
    }
    Ok(vectors)
}

/// Puts the stored vectors of `embedder`'s model into `index`, and computes
/// and stores the rest. Vectors of another model are dropped first.
pub fn load_vectors(store: &Store, index: &mut Index, embedder: &Embedder) -> Result<(), Error> {
    let model_id = embedder.model_id();
    if store.embedding_model()?.as_deref() == Some(model_id) {
        for entry in store.scan_vectors() {
            let (id, vector) = entry?;
            index.set_vector(&id, vector);
        }
    } else {
        store.clear_vectors()?;
        store.set_embedding_model(model_id)?;
    }
    let missing = index.ids_without_vector();
    if missing.is_empty() {
        return Ok(());
    }
    let started = Instant::now();
    tracing::info!(
        statements = missing.len(),
        model = model_id,
        "computing embeddings"
    );
    for chunk in missing.chunks(BACKFILL_CHUNK) {
        let mut texts = Vec::with_capacity(chunk.len());
        let mut ids = Vec::with_capacity(chunk.len());
        for id in chunk {
            if let Some(statement) = store.get(id)? {
                texts.push(statement.text);
                ids.push(id.clone());
            }
        }
        let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vectors = embed_all(embedder, &borrowed)?;
        let pairs: Vec<(String, Vec<f32>)> = ids.into_iter().zip(vectors).collect();
        store.put_vectors(model_id, &pairs)?;
        for (id, vector) in pairs {
            index.set_vector(&id, vector);
        }
    }
    tracing::info!(
        statements = missing.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "embeddings stored"
    );
    Ok(())
}
