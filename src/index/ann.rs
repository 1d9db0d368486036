//! Approximate nearest neighbours over the statement embeddings, so
//! `Index::nearest` need not score every vector: an HNSW graph (the
//! `usearch` crate) holding most vectors, plus a short *tail* of vectors set
//! since the graph was last updated, which queries score exactly.
//!
//! Keys in the graph are document numbers. A document number is never given
//! to another statement (a replaced statement gets a new one), and a vector
//! changed in place is taken out of the graph before the new one goes into
//! the tail, so the graph never proposes a removed statement or an old
//! vector; `nearest` still checks each proposal against the document table
//! and scores it with the stored f32 vector, so a proposal's cosine is
//! exactly the one the full scan gives.
//!
//! Below [`ANN_MIN_VECTORS`] there is no graph: every vector is in the tail
//! and `nearest` is the exact scan. The scan reads every vector (1.5 KiB
//! each), about 0.35 µs apiece on the 2-core machine of BENCHMARKS.md, so
//! 1.8 ms at 5,000; a graph search takes about 1 ms at any size measured,
//! and a graph costs memory and build time a small library need not pay.
//! The graph stores its own copy of each vector quantised to `i8` (a
//! quarter of the f32 size); candidates are re-scored in f32, which is why
//! the search over-fetches ([`overfetch`]).

use std::num::NonZeroUsize;

use usearch::{IndexOptions, MetricKind, ScalarKind};

use super::DocSlot;

/// Vectors from which `nearest` searches a graph instead of scanning.
pub const ANN_MIN_VECTORS: usize = 5_000;
/// Vectors the tail may hold (with a graph) before they are added to the
/// graph, on every core, in one write.
pub const TAIL_MAX: usize = 512;
/// Candidates the graph proposes per wanted neighbour in a graph of up to
/// [`OVERFETCH_FROM`] vectors; they are re-scored exactly and the best
/// kept.
pub const OVERFETCH: usize = 2;
/// Graph size past which each doubling proposes one more per neighbour.
pub const OVERFETCH_FROM: usize = 500_000;

/// Candidates the graph proposes per wanted neighbour in a graph of
/// `vectors`: [`OVERFETCH`], plus one per doubling past
/// [`OVERFETCH_FROM`] (3 at 1M). A larger graph needs a longer search
/// for the same recall (HNSW's search grows with the log of its size);
/// BENCHMARKS.md has the sweep.
pub fn overfetch(vectors: usize) -> usize {
    let mut factor = OVERFETCH;
    let mut size = OVERFETCH_FROM;
    while vectors > size {
        factor += 1;
        size = size.saturating_mul(2);
    }
    factor
}

/// Graph degree (HNSW's M): links per node on the upper layers, twice that
/// on the base layer. 16 left near-duplicate statements (a quote reported
/// many times) linked mostly to each other, islands a search missed:
/// recall@50 at 1M stopped at 0.92 however many proposals; 32 reaches
/// 0.99 with 2 × 50 (BENCHMARKS.md).
const CONNECTIVITY: usize = 32;
/// Candidate list length while linking a new node (HNSW's efConstruction).
/// 64 built the 1M graph twice as fast, but its 27k graph cost 0.001
/// MAP@5 on the CheckThat! train split with embeddings.
const EXPANSION_ADD: usize = 128;
/// Least candidate list length of a search (HNSW's ef); a search for more
/// results uses that many.
const EXPANSION_SEARCH: usize = 64;
/// Searches the graph can serve at once (each needs a context). One that
/// finds none free falls back to the exact scan.
const SEARCH_CONTEXTS: usize = 64;

/// Where a document's vector is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Place {
    /// No vector, or the document is removed.
    #[default]
    Absent,
    /// Scored exactly by every query.
    Tail,
    /// In the graph.
    Graph,
}

/// The graph and the tail, in step with the documents' vectors.
#[derive(Default)]
pub(super) struct Ann {
    graph: Option<usearch::Index>,
    /// Dimensions of the graph's vectors; a vector of another length stays
    /// in the tail.
    dimensions: usize,
    /// Per document number.
    places: Vec<Place>,
    tail: Vec<u32>,
    /// Vectors in the graph.
    in_graph: usize,
    /// Set when the graph failed (allocation, say): from then on every
    /// vector stays in the tail and queries scan, rather than retrying.
    failed: bool,
}

impl std::fmt::Debug for Ann {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ann")
            .field("graph", &self.graph.is_some())
            .field("in_graph", &self.in_graph)
            .field("tail", &self.tail.len())
            .field("failed", &self.failed)
            .finish()
    }
}

/// The graph's size, for benchmarks and logs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnnStats {
    /// Vectors in the graph.
    pub in_graph: usize,
    /// Vectors scored exactly by every query.
    pub tail: usize,
    /// Bytes the graph holds (links and quantised vectors), as `usearch`
    /// counts them.
    pub memory_bytes: usize,
}

impl Ann {
    pub(super) fn place(&self, doc: u32) -> Place {
        self.places.get(doc as usize).copied().unwrap_or_default()
    }

    pub(super) fn graph(&self) -> Option<&usearch::Index> {
        self.graph.as_ref()
    }

    pub(super) fn tail(&self) -> &[u32] {
        &self.tail
    }

    /// Vectors held, graph and tail.
    pub(super) fn len(&self) -> usize {
        self.in_graph + self.tail.len()
    }

    pub(super) fn stats(&self) -> AnnStats {
        AnnStats {
            in_graph: self.in_graph,
            tail: self.tail.len(),
            memory_bytes: self.graph.as_ref().map_or(0, usearch::Index::memory_usage),
        }
    }

    fn set_place(&mut self, doc: u32, place: Place) {
        let doc = doc as usize;
        if doc >= self.places.len() {
            self.places.resize(doc + 1, Place::Absent);
        }
        self.places[doc] = place;
    }

    /// `doc` has a new vector (or its first): the old one leaves the graph,
    /// the new one joins the tail.
    pub(super) fn vector_set(&mut self, doc: u32, docs: &[Option<DocSlot>]) {
        self.forget(doc);
        self.tail.push(doc);
        self.set_place(doc, Place::Tail);
        self.maintain(docs);
    }

    /// Takes in every document's vector at once (an index read from its
    /// file), so a graph is built in one parallel pass.
    pub(super) fn take_all(&mut self, docs: &[Option<DocSlot>]) {
        *self = Ann::default();
        for (doc, slot) in docs.iter().enumerate() {
            if slot.as_ref().is_some_and(|slot| slot.vector.is_some()) {
                self.tail.push(doc as u32);
                self.set_place(doc as u32, Place::Tail);
            }
        }
        self.maintain(docs);
    }

    /// `doc` was removed, or lost its vector.
    pub(super) fn forget(&mut self, doc: u32) {
        let place = self.place(doc);
        if place == Place::Absent {
            return;
        }
        self.set_place(doc, Place::Absent);
        match place {
            Place::Absent => {}
            Place::Tail => self.tail.retain(|&tailed| tailed != doc),
            Place::Graph => {
                self.in_graph -= 1;
                let removed = self
                    .graph
                    .as_ref()
                    .map(|graph| graph.remove(u64::from(doc)));
                if let Some(Err(error)) = removed {
                    // A graph that cannot forget must not be searched.
                    tracing::warn!(%error, "vector graph remove failed; scanning from now on");
                    self.abandon_graph();
                }
            }
        }
    }

    /// Moves the tail into the graph once it is long enough: the first
    /// graph at [`ANN_MIN_VECTORS`] vectors, then every [`TAIL_MAX`].
    fn maintain(&mut self, docs: &[Option<DocSlot>]) {
        let due = match self.graph {
            None => self.tail.len() >= ANN_MIN_VECTORS,
            Some(_) => self.tail.len() >= TAIL_MAX,
        };
        if due && !self.failed {
            if let Err(error) = self.flush(docs) {
                tracing::warn!(%error, "vector graph update failed; scanning from now on");
                self.abandon_graph();
            }
        }
    }

    /// Adds the tail's vectors to the graph (made now if there is none), in
    /// parallel; vectors of another length than the graph's stay.
    fn flush(&mut self, docs: &[Option<DocSlot>]) -> Result<(), String> {
        let vector_of = |doc: u32| {
            docs.get(doc as usize)
                .and_then(Option::as_ref)
                .and_then(|slot| slot.vector.as_deref())
        };
        if self.graph.is_none() {
            let Some(first) = self.tail.iter().find_map(|&doc| vector_of(doc)) else {
                return Ok(());
            };
            self.dimensions = first.len();
            self.graph = Some(new_graph(self.dimensions)?);
        }
        let Some(graph) = &self.graph else {
            return Ok(());
        };
        let dimensions = self.dimensions;
        let (moving, staying): (Vec<u32>, Vec<u32>) = self
            .tail
            .iter()
            .partition(|&&doc| vector_of(doc).is_some_and(|vector| vector.len() == dimensions));
        let wanted = self.in_graph + moving.len();
        if wanted > graph.capacity() {
            let capacity = wanted.max(graph.capacity() * 2);
            graph
                .reserve_capacity_and_threads(capacity, SEARCH_CONTEXTS)
                .map_err(|error| error.to_string())?;
        }
        add_in_parallel(graph, &moving, vector_of)?;
        for &doc in &moving {
            self.set_place(doc, Place::Graph);
        }
        self.in_graph += moving.len();
        self.tail = staying;
        Ok(())
    }

    /// Drops the graph; its vectors go back to the tail (scanned exactly).
    fn abandon_graph(&mut self) {
        self.graph = None;
        self.failed = true;
        self.in_graph = 0;
        for (doc, place) in self.places.iter_mut().enumerate() {
            if *place == Place::Graph {
                *place = Place::Tail;
                self.tail.push(doc as u32);
            }
        }
    }
}

impl Ann {
    /// Appends the graph to `out`: its length in bytes (0 for none), then
    /// `usearch`'s own serialisation. The tail is not written; it is
    /// whatever vectors the graph lacks.
    pub(super) fn write_graph(&self, out: &mut Vec<u8>) -> Result<(), String> {
        let Some(graph) = &self.graph else {
            out.extend_from_slice(&0u64.to_le_bytes());
            return Ok(());
        };
        let length = graph.serialized_length();
        out.extend_from_slice(&(length as u64).to_le_bytes());
        let start = out.len();
        out.resize(start + length, 0);
        graph
            .save_to_buffer(&mut out[start..])
            .map_err(|error| error.to_string())
    }

    /// The graph written by [`Ann::write_graph`] (`bytes` without the
    /// length), over `docs`: each document with a vector is in the graph or
    /// the tail. Refused when the graph holds a key that is no document
    /// with a vector of its length.
    pub(super) fn read_graph(bytes: &[u8], docs: &[Option<DocSlot>]) -> Result<Ann, String> {
        let mut ann = Ann::default();
        if bytes.is_empty() {
            ann.take_all(docs);
            return Ok(ann);
        }
        let graph = usearch::Index::restore_from_buffer(bytes)
            .map_err(|error| format!("its vector graph is unreadable: {error}"))?;
        graph
            .reserve_capacity_and_threads(graph.size().max(ANN_MIN_VECTORS), SEARCH_CONTEXTS)
            .map_err(|error| error.to_string())?;
        // Not part of usearch's file.
        graph.change_expansion_add(EXPANSION_ADD);
        graph.change_expansion_search(EXPANSION_SEARCH);
        ann.dimensions = graph.dimensions();
        for (doc, slot) in docs.iter().enumerate() {
            let Some(vector) = slot.as_ref().and_then(|slot| slot.vector.as_deref()) else {
                continue;
            };
            let doc = doc as u32;
            if vector.len() == ann.dimensions && graph.contains(u64::from(doc)) {
                ann.set_place(doc, Place::Graph);
                ann.in_graph += 1;
            } else {
                ann.set_place(doc, Place::Tail);
                ann.tail.push(doc);
            }
        }
        if ann.in_graph != graph.size() {
            return Err(format!(
                "its vector graph holds {} vectors, {} of them documents'",
                graph.size(),
                ann.in_graph
            ));
        }
        ann.graph = Some(graph);
        ann.maintain(docs);
        Ok(ann)
    }
}

/// Adds `docs`' vectors to `graph` on one thread per core. Plain scoped
/// threads, not the rayon pool: this runs under the index's write lock, and
/// checks waiting for its read lock may occupy every rayon thread.
fn add_in_parallel<'a>(
    graph: &usearch::Index,
    docs: &[u32],
    vector_of: impl Fn(u32) -> Option<&'a [f32]> + Sync,
) -> Result<(), String> {
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let chunk = docs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = docs
            .chunks(chunk)
            .map(|part| {
                let vector_of = &vector_of;
                scope.spawn(move || {
                    part.iter().try_for_each(|&doc| {
                        let vector = vector_of(doc).unwrap_or_default();
                        graph
                            .add(u64::from(doc), vector)
                            .map_err(|error| error.to_string())
                    })
                })
            })
            .collect();
        workers.into_iter().try_for_each(|worker| {
            worker
                .join()
                .unwrap_or_else(|_| Err("a graph worker panicked".to_owned()))
        })
    })
}

/// An empty graph for unit vectors of `dimensions` (inner product).
fn new_graph(dimensions: usize) -> Result<usearch::Index, String> {
    let options = IndexOptions {
        dimensions,
        metric: MetricKind::IP,
        quantization: ScalarKind::I8,
        connectivity: CONNECTIVITY,
        expansion_add: EXPANSION_ADD,
        expansion_search: EXPANSION_SEARCH,
        multi: false,
    };
    let graph = usearch::Index::new(&options).map_err(|error| error.to_string())?;
    graph
        .reserve_capacity_and_threads(ANN_MIN_VECTORS, SEARCH_CONTEXTS)
        .map_err(|error| error.to_string())?;
    Ok(graph)
}

#[cfg(test)]
mod tests;
