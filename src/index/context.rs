//! What the request-context bonus reads of each statement (its speaker, as
//! a number, and its time), and which statements are live, kept dense by
//! document number so a search reads them without reaching each
//! statement's attributes (liveness as bits, small enough to stay cached).

use std::collections::{BTreeSet, HashMap};

use foldhash::fast::RandomState;

use super::DocMeta;

/// The speaker number of a removed statement, and of a claimant no
/// statement has as speaker: it never matches.
pub const NO_SPEAKER: u32 = u32::MAX;

/// The stored time of a statement without one.
const NO_TIME: i64 = i64::MIN;

/// One statement's context attributes.
#[derive(Clone, Copy, Debug)]
pub struct DocContext {
    /// Interned lower-cased speaker; [`NO_SPEAKER`] for a removed statement.
    pub speaker: u32,
    /// Statement time (else publish time) as Unix seconds.
    pub time: Option<i64>,
}

/// Context attributes by document number, and the speaker names' numbers.
#[derive(Clone, Debug, Default)]
pub struct Contexts {
    speaker_of: Vec<u32>,
    time_of: Vec<i64>,
    /// One bit per document: set while it is a statement still indexed.
    live: Vec<u64>,
    speakers: HashMap<String, u32, RandomState>,
    /// Each named speaker's live documents, ascending, by speaker number
    /// (none for the empty speaker).
    by_speaker: Vec<Vec<u32>>,
    /// `(time, document)` of each live statement with a time.
    by_time: BTreeSet<(i64, u32)>,
}

impl Contexts {
    /// Appends the next document's attributes.
    pub fn push(&mut self, meta: &DocMeta) {
        let next = self.speakers.len() as u32;
        let speaker = match self.speakers.get(meta.speaker.as_str()) {
            Some(&number) => number,
            None => {
                self.speakers.insert(meta.speaker.clone(), next);
                next
            }
        };
        let doc = self.speaker_of.len();
        self.speaker_of.push(speaker);
        self.time_of.push(meta.time.unwrap_or(NO_TIME));
        self.set_live(doc, true);
        // No claimant is empty, so statements without a speaker (possibly
        // most of the library) need no list, and their removal no search.
        if !meta.speaker.is_empty() {
            if self.by_speaker.len() <= speaker as usize {
                self.by_speaker.resize_with(speaker as usize + 1, Vec::new);
            }
            self.by_speaker[speaker as usize].push(doc as u32);
        }
        if let Some(time) = meta.time {
            self.by_time.insert((time, doc as u32));
        }
    }

    /// Appends a removed document.
    pub fn push_removed(&mut self) {
        let doc = self.speaker_of.len();
        self.speaker_of.push(NO_SPEAKER);
        self.time_of.push(NO_TIME);
        self.set_live(doc, false);
    }

    /// Marks document `doc` removed.
    pub fn remove(&mut self, doc: u32) {
        let Some(speaker) = self.speaker_of.get_mut(doc as usize) else {
            return;
        };
        let number = std::mem::replace(speaker, NO_SPEAKER);
        let time = std::mem::replace(&mut self.time_of[doc as usize], NO_TIME);
        self.set_live(doc as usize, false);
        if let Some(docs) = self.by_speaker.get_mut(number as usize) {
            if let Ok(at) = docs.binary_search(&doc) {
                docs.remove(at);
            }
        }
        if time != NO_TIME {
            self.by_time.remove(&(time, doc));
        }
    }

    fn set_live(&mut self, doc: usize, live: bool) {
        if self.live.len() <= doc / 64 {
            self.live.resize(doc / 64 + 1, 0);
        }
        let bit = 1u64 << (doc % 64);
        if live {
            self.live[doc / 64] |= bit;
        } else {
            self.live[doc / 64] &= !bit;
        }
    }

    pub fn get(&self, doc: u32) -> DocContext {
        let time = self.time_of[doc as usize];
        DocContext {
            speaker: self.speaker_of[doc as usize],
            time: (time != NO_TIME).then_some(time),
        }
    }

    /// True when document `doc` is a statement still indexed.
    pub fn live(&self, doc: u32) -> bool {
        self.live[doc as usize / 64] & (1 << (doc % 64)) != 0
    }

    /// The live documents whose speaker is number `speaker`, ascending.
    pub fn spoken_by(&self, speaker: u32) -> &[u32] {
        self.by_speaker
            .get(speaker as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// The live documents with a time from `from` to `to` (inclusive).
    pub fn timed_between(&self, from: i64, to: i64) -> impl Iterator<Item = u32> + '_ {
        self.by_time
            .range((from, 0)..=(to, u32::MAX))
            .map(|&(_, doc)| doc)
    }

    /// The number of the speaker named `claimant` (lower-cased), or
    /// [`NO_SPEAKER`] when it is empty or no statement has it.
    pub fn speaker_number(&self, claimant: &str) -> u32 {
        if claimant.is_empty() {
            return NO_SPEAKER;
        }
        self.speakers.get(claimant).copied().unwrap_or(NO_SPEAKER)
    }
}
