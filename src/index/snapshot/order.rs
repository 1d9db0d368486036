//! The order documents are written in: similar statements side by side.
//!
//! A search walks posting lists in document order and reads each found
//! statement's field lengths and accumulator. When statements that share
//! most of their words (a claim repeated by several outlets, a quote in
//! many reports) are numbered next to each other, a term's postings fall in
//! runs: its blocks hold statements of similar weight, so their bounds are
//! tighter and more of them are skipped, and the statements read share
//! cache lines. Statements are sorted by the MinHash of their distinctive
//! text terms (the least hash of any term that at most one statement in
//! [`RARE_PER`] holds; two statements get the same one with the
//! probability of their Jaccard similarity over such terms), then by their
//! present number. A MinHash over every term would put every statement
//! holding the common word that happens to hash lowest in one useless group.
//! Removed statements are left out. Only the content decides the groups,
//! never the ids (within a group the present numbering stays).
//!
//! An index with vectors keeps its numbering: the vector graph is keyed by
//! document number.

use std::hash::BuildHasher;

use super::super::Index;

/// A term is distinctive when at most one statement in this many holds it
/// (or at most [`RARE_AT_LEAST`]).
const RARE_PER: usize = 500;
const RARE_AT_LEAST: usize = 16;

/// The present numbers of the documents in the order to write them, and
/// for each present number its new one (`u32::MAX` for a removed document).
pub(super) struct Order {
    pub written: Vec<u32>,
    pub renumbered: Vec<u32>,
}

impl Order {
    pub(super) fn of(index: &Index) -> Order {
        let count = index.docs.len();
        if index
            .docs
            .iter()
            .flatten()
            .any(|slot| slot.vector.is_some())
        {
            let written: Vec<u32> = (0..count as u32).collect();
            return Order {
                renumbered: written.clone(),
                written,
            };
        }
        // Fixed seed: the same index is always written the same way.
        let hasher = foldhash::fast::FixedState::with_seed(0x6661_6374_6465_736b);
        // Distinctive terms decide: a common word says little about which
        // statements are alike. Statements without one fall back to all
        // their terms.
        let rare = (count / RARE_PER).max(RARE_AT_LEAST);
        let mut min_hash = vec![(u64::MAX, u64::MAX); count];
        for (term, list) in &index.postings {
            let hash = hasher.hash_one(term);
            let distinctive = list.len() <= rare;
            for posting in list.postings() {
                if posting.tf[0] > 0 {
                    let least = &mut min_hash[posting.doc as usize];
                    if distinctive {
                        least.0 = least.0.min(hash);
                    }
                    least.1 = least.1.min(hash);
                }
            }
        }
        let mut written: Vec<u32> = (0..count as u32)
            .filter(|&doc| index.docs[doc as usize].is_some())
            .collect();
        written.sort_unstable_by_key(|&doc| {
            let (distinctive, any) = min_hash[doc as usize];
            (
                if distinctive == u64::MAX {
                    any
                } else {
                    distinctive
                },
                doc,
            )
        });
        let mut renumbered = vec![u32::MAX; count];
        for (new, &old) in written.iter().enumerate() {
            renumbered[old as usize] = new as u32;
        }
        Order {
            written,
            renumbered,
        }
    }
}
