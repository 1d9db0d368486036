//! What the request-context bonus reads of each statement (its speaker, as
//! a number, and its time), kept dense by document number so a search
//! reads it without reaching each statement's attributes.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use super::DocMeta;

/// The speaker number of a removed statement, and of a claimant no
/// statement has as speaker: it never matches.
pub const NO_SPEAKER: u32 = u32::MAX;

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
    docs: Vec<DocContext>,
    speakers: HashMap<String, u32, RandomState>,
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
        self.docs.push(DocContext {
            speaker,
            time: meta.time,
        });
    }

    /// Appends a removed document.
    pub fn push_removed(&mut self) {
        self.docs.push(DocContext {
            speaker: NO_SPEAKER,
            time: None,
        });
    }

    /// Marks document `doc` removed.
    pub fn remove(&mut self, doc: u32) {
        if let Some(context) = self.docs.get_mut(doc as usize) {
            *context = DocContext {
                speaker: NO_SPEAKER,
                time: None,
            };
        }
    }

    pub fn get(&self, doc: u32) -> DocContext {
        self.docs[doc as usize]
    }

    /// True when document `doc` is a statement still indexed.
    pub fn live(&self, doc: u32) -> bool {
        self.docs[doc as usize].speaker != NO_SPEAKER
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
