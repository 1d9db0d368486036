//! Posting lists in document order, cut into blocks of [`BLOCK`] postings
//! that each record their last document and an upper bound of their
//! postings' BM25F term weight, so a search can skip whole blocks and
//! stop scoring a statement that cannot reach the top (see `search`).
//!
//! The bound is taken at field lengths [`Bounds::lengths`] at or above the
//! index's average lengths: a posting's weight only grows with the average
//! (a longer average makes the same statement relatively shorter), so the
//! bound holds until an average passes it, and the index then recomputes
//! every block ([`Bounds::covers`]).

use super::{B, FIELDS, FIELD_WEIGHTS, K1};

/// Postings per block.
pub const BLOCK: usize = 128;
/// How far above the current averages new bounds are taken, so averages
/// can drift this far before every block is recomputed.
const HEADROOM: f32 = 1.25;

/// One statement's occurrences of one term, per field.
#[derive(Clone, Copy, Debug)]
pub struct Posting {
    pub doc: u32,
    pub tf: [u16; FIELDS],
}

/// The field lengths block bounds were computed at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub lengths: [f32; FIELDS],
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            lengths: [0.0; FIELDS],
        }
    }
}

impl Bounds {
    /// Bounds for averages `average`, with headroom.
    pub fn above(average: &[f32; FIELDS]) -> Bounds {
        Bounds {
            lengths: average.map(|length| length * HEADROOM),
        }
    }

    /// True when bounds taken here hold at averages `average`.
    pub fn covers(&self, average: &[f32; FIELDS]) -> bool {
        self.lengths
            .iter()
            .zip(average)
            .all(|(bound, average)| bound >= average)
    }
}

/// A term's postings, in document order, with per-block bounds.
#[derive(Clone, Debug, Default)]
pub struct PostingList {
    postings: Vec<Posting>,
    /// Last document of each block.
    block_last: Vec<u32>,
    /// Highest [`weight`] of each block's postings at the bound lengths.
    block_max: Vec<f32>,
    /// The highest of `block_max` (read by every search of the term).
    max: f32,
}

impl PostingList {
    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }

    pub fn len(&self) -> usize {
        self.postings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.postings.is_empty()
    }

    /// Appends a posting for a document numbered above every other.
    pub fn push(&mut self, posting: Posting, lengths: [u32; FIELDS], bounds: &Bounds) {
        let bound = weight(posting.tf, lengths, &scales(&bounds.lengths));
        if self.postings.len().is_multiple_of(BLOCK) {
            self.block_last.push(posting.doc);
            self.block_max.push(bound);
        } else if let (Some(last), Some(max)) =
            (self.block_last.last_mut(), self.block_max.last_mut())
        {
            *last = posting.doc;
            *max = max.max(bound);
        }
        self.max = self.max.max(bound);
        self.postings.push(posting);
    }

    /// Drops the posting of `doc`, if any; true when one was dropped.
    pub fn remove(&mut self, doc: u32, lengths: &[[u32; FIELDS]], bounds: &Bounds) -> bool {
        let Ok(at) = self
            .postings
            .binary_search_by_key(&doc, |posting| posting.doc)
        else {
            return false;
        };
        self.postings.remove(at);
        self.rebound(lengths, bounds);
        true
    }

    /// Recomputes every block's last document and bound.
    pub fn rebound(&mut self, lengths: &[[u32; FIELDS]], bounds: &Bounds) {
        self.block_last.clear();
        self.block_max.clear();
        let scales = scales(&bounds.lengths);
        for block in self.postings.chunks(BLOCK) {
            self.block_last.push(block[block.len() - 1].doc);
            let max = block
                .iter()
                .map(|posting| weight(posting.tf, lengths[posting.doc as usize], &scales))
                .fold(0.0, f32::max);
            self.block_max.push(max);
        }
        self.max = self.block_max.iter().copied().fold(0.0, f32::max);
    }

    /// The highest block bound of the list.
    pub fn max_weight(&self) -> f32 {
        self.max
    }

    /// Index of the block that holds the first posting at or after `doc`,
    /// searching from block `from`; `None` past the end.
    pub fn block_of(&self, doc: u32, from: usize) -> Option<usize> {
        let rest = self.block_last.get(from..)?;
        let mut bound = 1;
        while bound < rest.len() && rest[bound - 1] < doc {
            bound *= 2;
        }
        let at = from + rest[..bound.min(rest.len())].partition_point(|&last| last < doc);
        (at < self.block_last.len()).then_some(at)
    }

    /// The bound of block `block`.
    pub fn block_max(&self, block: usize) -> f32 {
        self.block_max[block]
    }

    /// Position of the first posting at or after `doc`, searching from
    /// position `from` (the list's length past the end).
    pub fn seek(&self, doc: u32, from: usize) -> usize {
        if self
            .postings
            .get(from)
            .is_none_or(|posting| posting.doc >= doc)
        {
            return from;
        }
        let Some(block) = self.block_of(doc, from / BLOCK) else {
            return self.postings.len();
        };
        let start = (block * BLOCK).max(from);
        let end = ((block + 1) * BLOCK).min(self.postings.len());
        start + self.postings[start..end].partition_point(|posting| posting.doc < doc)
    }

    /// The list read back from `postings`, bounded at `bounds`.
    pub fn from_postings(
        postings: Vec<Posting>,
        lengths: &[[u32; FIELDS]],
        bounds: &Bounds,
    ) -> PostingList {
        let mut list = PostingList {
            postings,
            ..PostingList::default()
        };
        list.rebound(lengths, bounds);
        list
    }
}

/// BM25F's field-weighted, length-normalised term frequency, before
/// saturation, with `scales` from [`scales`] of the average field lengths.
pub fn weight(tf: [u16; FIELDS], lengths: [u32; FIELDS], scales: &[f32; FIELDS]) -> f32 {
    let mut weighted = 0f32;
    for field in 0..FIELDS {
        if tf[field] == 0 {
            continue;
        }
        let norm = 1.0 - B + lengths[field] as f32 * scales[field];
        weighted += FIELD_WEIGHTS[field] * f32::from(tf[field]) / norm;
    }
    weighted
}

/// `B / average` per field: what [`weight`] multiplies field lengths by.
pub fn scales(average: &[f32; FIELDS]) -> [f32; FIELDS] {
    average.map(|length| B / length)
}

/// BM25's saturation of a weighted term frequency (rises with it).
pub fn saturate(weighted: f32) -> f32 {
    weighted * (K1 + 1.0) / (K1 + weighted)
}
