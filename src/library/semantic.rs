//! Keeping statement embeddings in step with the loaded model: load the
//! stored vectors at start-up, compute the missing ones in batches.

use std::time::Instant;

use crate::embed::{EmbedError, Embedder};
use crate::error::Error;
use crate::index::Index;
use crate::store::Store;

/// Statements embedded per forward pass.
pub const EMBED_BATCH: usize = 32;
/// Statements embedded and stored per durable write when backfilling.
const BACKFILL_CHUNK: usize = 1024;

/// Embeds texts in batches of [`EMBED_BATCH`] texts of similar length (a
/// batch is padded to its longest text, so mixing lengths wastes work);
/// returns the vectors in the order of `texts`.
pub fn embed_all(embedder: &Embedder, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| texts[i].len());
    let mut vectors = vec![Vec::new(); texts.len()];
    for chunk in order.chunks(EMBED_BATCH) {
        let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
        for (&i, vector) in chunk.iter().zip(embedder.embed_batch(&batch)?) {
            vectors[i] = vector;
        }
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
