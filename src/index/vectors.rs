//! Nearest neighbours over the statements' sentence embeddings (unit
//! vectors, so the dot product is the cosine): an exact scan for small
//! libraries and very selective filters, else a graph search (`ann.rs`)
//! whose proposals are re-scored exactly.

use crate::model::CheckFilter;

use super::ann::{overfetch, AnnStats, Place, ANN_MIN_VECTORS};
use super::{top_k, Index};

/// Statements sampled to estimate how many a filter passes.
const FILTER_SAMPLE: usize = 256;

impl Index {
    /// Sets (or replaces) the embedding of an indexed statement.
    pub fn set_vector(&mut self, id: &str, vector: Vec<f32>) -> bool {
        let Some(&doc) = self.by_id.get(id) else {
            return false;
        };
        let Some(slot) = self.docs[doc as usize].as_mut() else {
            return false;
        };
        slot.vector = Some(vector.into_boxed_slice());
        self.ann.vector_set(doc, &self.docs);
        true
    }

    /// The embedding of an indexed statement, if it has one.
    pub fn vector(&self, id: &str) -> Option<&[f32]> {
        let doc = *self.by_id.get(id)?;
        self.docs[doc as usize].as_ref()?.vector.as_deref()
    }

    /// Ids of the indexed statements, in no order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }

    /// Ids of statements that have no embedding yet.
    pub fn ids_without_vector(&self) -> Vec<String> {
        self.docs
            .iter()
            .flatten()
            .filter(|slot| slot.vector.is_none())
            .map(|slot| slot.meta.id.clone())
            .collect()
    }

    /// Cosine between `query` and the statement's embedding, if it has one.
    pub fn cosine(&self, id: &str, query: &[f32]) -> Option<f32> {
        let doc = *self.by_id.get(id)?;
        let vector = self.docs[doc as usize].as_ref()?.vector.as_ref()?;
        Some(dot(vector, query))
    }

    /// How many vectors are in the graph and the tail, and the graph's
    /// memory.
    pub fn ann_stats(&self) -> AnnStats {
        self.ann.stats()
    }

    /// The `limit` statements passing `filter` whose embeddings are closest
    /// to `query`, best first (ties by document order), as `(id, cosine)`.
    /// Approximate once the library holds a graph (see `ann.rs`); every
    /// cosine is exact.
    pub fn nearest(&self, query: &[f32], filter: &CheckFilter, limit: usize) -> Vec<(String, f32)> {
        self.nearest_proposing(query, filter, limit, overfetch(self.ann.len()))
    }

    /// [`Index::nearest`] with the graph proposing `overfetch` candidates
    /// per wanted neighbour (for the benchmark's sweep).
    #[doc(hidden)]
    pub fn nearest_proposing(
        &self,
        query: &[f32],
        filter: &CheckFilter,
        limit: usize,
        overfetch: usize,
    ) -> Vec<(String, f32)> {
        if limit == 0 {
            return Vec::new();
        }
        let scored = match self.ann.graph() {
            Some(graph) => self.search_graph(graph, query, filter, limit, overfetch),
            None => self.scan(self.ann.tail().iter().copied(), query, filter, limit),
        };
        self.named(scored)
    }

    /// [`Index::nearest`] by scoring every vector: the reference the graph
    /// is measured against.
    pub fn nearest_exact(
        &self,
        query: &[f32],
        filter: &CheckFilter,
        limit: usize,
    ) -> Vec<(String, f32)> {
        self.named(self.scan_all(query, filter, limit))
    }

    /// The graph's proposals, re-scored, plus the tail scored exactly; the
    /// exact scan instead for a selective filter, or when the graph finds
    /// fewer than `limit` (a search error, or few statements pass).
    fn search_graph(
        &self,
        graph: &usearch::Index,
        query: &[f32],
        filter: &CheckFilter,
        limit: usize,
        overfetch: usize,
    ) -> Vec<(f32, u32)> {
        // A filtered search is a search of the statements that pass. The
        // graph visits about `fetch / share` nodes to find `fetch` of them
        // (BENCHMARKS.md); scanning scores the `passing` ones. They are
        // scanned when they are fewer than that, or so few that a library
        // of them would have no graph.
        let fetch = limit.saturating_mul(overfetch.max(1));
        let filtered = *filter != CheckFilter::default();
        if filtered {
            let share = self.filter_share(filter);
            let passing = share * self.ann.len() as f32;
            if passing < ANN_MIN_VECTORS as f32 || passing * share < fetch as f32 {
                return self.scan_all(query, filter, limit);
            }
        }
        let proposed = if filtered {
            graph.filtered_search(query, fetch, |key| {
                self.live_slot(key)
                    .is_some_and(|slot| slot.meta.passes(filter))
            })
        } else {
            graph.search(query, fetch)
        };
        let Ok(proposed) = proposed else {
            return self.scan_all(query, filter, limit);
        };
        let in_graph = proposed.keys.iter().filter_map(|&key| {
            let doc = u32::try_from(key).ok()?;
            (self.ann.place(doc) == Place::Graph).then_some(doc)
        });
        let mut scored = self.scan(in_graph, query, filter, usize::MAX);
        if scored.len() < limit.min(self.ann.len()) {
            return self.scan_all(query, filter, limit);
        }
        scored.extend(self.scan(self.ann.tail().iter().copied(), query, filter, limit));
        top_k(&mut scored, limit, by_cosine);
        scored
    }

    /// Estimated share of the statements `filter` passes, from a seeded
    /// sample of document numbers (a fixed stride could fall in step with
    /// the order statements were imported in).
    fn filter_share(&self, filter: &CheckFilter) -> f32 {
        if self.docs.is_empty() {
            return 0.0;
        }
        let mut rng = fastrand::Rng::with_seed(self.docs.len() as u64);
        let (mut sampled, mut passing) = (0usize, 0usize);
        for _ in 0..FILTER_SAMPLE {
            if let Some(slot) = &self.docs[rng.usize(..self.docs.len())] {
                sampled += 1;
                passing += usize::from(slot.meta.passes(filter));
            }
        }
        passing as f32 / sampled.max(1) as f32
    }

    /// The slot of a live document, by graph key.
    fn live_slot(&self, key: u64) -> Option<&super::DocSlot> {
        self.docs.get(usize::try_from(key).ok()?)?.as_ref()
    }

    /// The best `limit` of `docs` that are live, have a vector and pass
    /// `filter`, by exact cosine.
    fn scan(
        &self,
        docs: impl Iterator<Item = u32>,
        query: &[f32],
        filter: &CheckFilter,
        limit: usize,
    ) -> Vec<(f32, u32)> {
        let filtered = *filter != CheckFilter::default();
        let mut scored: Vec<(f32, u32)> = docs
            .filter_map(|doc| {
                let slot = self.docs.get(doc as usize)?.as_ref()?;
                let vector = slot.vector.as_ref()?;
                (!filtered || slot.meta.passes(filter)).then(|| (dot(vector, query), doc))
            })
            .collect();
        top_k(&mut scored, limit, by_cosine);
        scored
    }

    /// [`Index::scan`] over every document.
    fn scan_all(&self, query: &[f32], filter: &CheckFilter, limit: usize) -> Vec<(f32, u32)> {
        self.scan(0..self.docs.len() as u32, query, filter, limit)
    }

    fn named(&self, scored: Vec<(f32, u32)>) -> Vec<(String, f32)> {
        scored
            .into_iter()
            .filter_map(|(cosine, doc)| {
                Some((self.docs[doc as usize].as_ref()?.meta.id.clone(), cosine))
            })
            .collect()
    }
}

/// Best cosine first, ties by document number.
fn by_cosine(a: &(f32, u32), b: &(f32, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// Dot product in eight lanes, so the compiler vectorises it (a plain sum
/// must add in order).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let length = a.len().min(b.len());
    let (a, b) = (&a[..length], &b[..length]);
    let (a_chunks, b_chunks) = (a.chunks_exact(8), b.chunks_exact(8));
    let rest: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    let mut lanes = [0f32; 8];
    for (x, y) in a_chunks.zip(b_chunks) {
        for lane in 0..8 {
            lanes[lane] += x[lane] * y[lane];
        }
    }
    lanes.iter().sum::<f32>() + rest
}
