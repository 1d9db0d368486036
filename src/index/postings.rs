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

use std::cell::RefCell;

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
        let bound = weight(posting.tf, lengths, &Norms::direct(&bounds.lengths));
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
        // Computed, not tabled: most lists are shorter than a table.
        let norms = Norms::direct(&bounds.lengths);
        for block in self.postings.chunks(BLOCK) {
            self.block_last.push(block[block.len() - 1].doc);
            let max = block
                .iter()
                .map(|posting| weight(posting.tf, lengths[posting.doc as usize], &norms))
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
/// saturation, with the field factors `norms` of the average lengths.
pub fn weight(tf: [u16; FIELDS], lengths: [u32; FIELDS], norms: &Norms) -> f32 {
    let mut weighted = 0f32;
    for field in 0..FIELDS {
        if tf[field] != 0 {
            weighted += f32::from(tf[field]) * norms.factor(field, lengths[field]);
        }
    }
    weighted
}

/// Field lengths below this get their factor from a table.
const TABLED: usize = 256;

thread_local! {
    /// This thread's last search's factors, kept for the next search while
    /// the averages stay the same.
    static LAST: RefCell<Norms> = RefCell::new(Norms::default());
}

/// What [`weight`] multiplies a field's term frequency by: the field's
/// weight over its length norm, `1 - B + B * length / average`. Read from
/// a table for short fields (most are): a search then multiplies where
/// it would divide. The table holds the same expression's values, so a
/// factor is the same bits whether tabled or not, and every scoring path
/// (block bounds, walk, probes, full scores) agrees to the bit.
#[derive(Clone, Debug, Default)]
pub struct Norms {
    /// The averages these factors are for.
    average: [f32; FIELDS],
    /// `B / average`, per field.
    scales: [f32; FIELDS],
    /// Per field, the factors of lengths `0..TABLED` (empty when direct).
    table: [Vec<f32>; FIELDS],
}

impl Norms {
    /// Factors at averages `average`, each computed when asked for.
    pub fn direct(average: &[f32; FIELDS]) -> Norms {
        Norms {
            average: *average,
            scales: average.map(|length| B / length),
            table: Default::default(),
        }
    }

    /// Factors at averages `average`, tabled for short fields.
    pub fn tabled(average: &[f32; FIELDS]) -> Norms {
        let mut norms = Norms::direct(average);
        norms.table = std::array::from_fn(|field| {
            (0..TABLED as u32)
                .map(|length| norms.computed(field, length))
                .collect()
        });
        norms
    }

    /// Tabled factors at averages `average` for a search: this thread's
    /// last ones when their averages are the same.
    pub fn for_search(average: &[f32; FIELDS]) -> Norms {
        let last = LAST.with(|cell| std::mem::take(&mut *cell.borrow_mut()));
        if last.is_for(average) {
            last
        } else {
            Norms::tabled(average)
        }
    }

    /// Keeps these factors for this thread's next search.
    pub fn hand_back(self) {
        LAST.with(|cell| *cell.borrow_mut() = self);
    }

    /// True when these are the factors of averages `average`.
    pub fn is_for(&self, average: &[f32; FIELDS]) -> bool {
        self.average == *average && !self.table[0].is_empty()
    }

    /// The factor of a `length`-token field `field`.
    #[inline]
    pub fn factor(&self, field: usize, length: u32) -> f32 {
        match self.table[field].get(length as usize) {
            Some(&factor) => factor,
            None => self.computed(field, length),
        }
    }

    fn computed(&self, field: usize, length: u32) -> f32 {
        FIELD_WEIGHTS[field] / (1.0 - B + length as f32 * self.scales[field])
    }
}

/// BM25's saturation of a weighted term frequency (rises with it).
pub fn saturate(weighted: f32) -> f32 {
    weighted * (K1 + 1.0) / (K1 + weighted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tabled factor is the same bits as a computed one, on both sides
    /// of the table's end, so every scoring path sums the same scores.
    #[test]
    fn tabled_factors_equal_computed_ones_bit_for_bit() {
        for average in [[1.0, 1.0, 1.0], [11.3, 40.7, 7.9], [300.0, 0.5, 1e6]] {
            let (direct, tabled) = (Norms::direct(&average), Norms::tabled(&average));
            assert!(tabled.is_for(&average) && !direct.is_for(&average));
            for field in 0..FIELDS {
                for length in (0..TABLED as u32 + 8).chain([u32::MAX]) {
                    let (a, b) = (direct.factor(field, length), tabled.factor(field, length));
                    assert_eq!(a.to_bits(), b.to_bits(), "{average:?} {field} {length}");
                }
            }
            let lengths = [3, 0, 900];
            assert_eq!(
                weight([2, 0, 1], lengths, &direct).to_bits(),
                weight([2, 0, 1], lengths, &tabled).to_bits()
            );
        }
    }
}
