//! The index written to a file, so a start can load it instead of
//! analysing every statement again. The file names what it was made from
//! (the store's write generation, its statement count, the embedding
//! model) and ends in a CRC-32 of everything before it; the library loads
//! it only when all of that matches the store as opened, and otherwise
//! rebuilds (see `library::persist`).
//!
//! Layout: `FDINDEX5`, the [`Stamp`], the total field lengths, the table
//! of publisher, speaker and language strings, the documents (renumbered
//! so that similar statements sit together, `order.rs`; attributes as
//! table numbers), the
//! posting lists term by term (document gaps as LEB128 varints, term
//! counts in one byte when small), the vector graph (`ann.rs`), then the
//! CRC-32. Fixed-width numbers are little-endian; `codec.rs` has the
//! pieces.

mod codec;
mod order;

use std::collections::HashMap;

use rayon::prelude::*;

use codec::{Reader, Writer};

use super::ann::Ann;
use super::postings::{Bounds, Posting, PostingList};
use super::{DocMeta, DocSlot, Index, FIELDS};

/// Version 2 added the vector graph, 3 counted stop words in field
/// lengths, 4 made postings and attributes compact, 5 doubled the graph's
/// degree. An older file is rebuilt.
const MAGIC: &[u8; 8] = b"FDINDEX5";

/// What an index file was made from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    /// The store's write generation when the index was written.
    pub generation: u64,
    pub statements: u64,
    /// Id of the embedding model whose vectors the index holds; empty for
    /// none.
    pub model: String,
}

impl Index {
    /// The index and `stamp` in the file format above.
    pub fn to_snapshot(&self, stamp: &Stamp) -> Vec<u8> {
        let mut out = Writer(Vec::with_capacity(64 + self.postings.len() * 24));
        out.0.extend_from_slice(MAGIC);
        out.u64(stamp.generation);
        out.u64(stamp.statements);
        out.str(&stamp.model);
        for total in self.total_lengths {
            out.u64(total);
        }
        // Publishers, speakers and languages repeat: each is written once.
        let mut table: HashMap<&str, u64> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        for slot in self.docs.iter().flatten() {
            let meta = &slot.meta;
            for name in [&meta.publisher, &meta.speaker, &meta.language] {
                table.entry(name.as_str()).or_insert_with(|| {
                    names.push(name.as_str());
                    names.len() as u64 - 1
                });
            }
        }
        out.var(names.len() as u64);
        for name in &names {
            out.str(name);
        }
        let order = order::Order::of(self);
        out.var(order.written.len() as u64);
        for &doc in &order.written {
            let (slot, lengths) = (&self.docs[doc as usize], &self.lengths[doc as usize]);
            for length in lengths {
                out.var(u64::from(*length));
            }
            let Some(slot) = slot else {
                out.0.push(0);
                continue;
            };
            out.0.push(1);
            let meta = &slot.meta;
            out.str(&meta.id);
            for name in [&meta.publisher, &meta.speaker, &meta.language] {
                out.var(table[name.as_str()]);
            }
            match meta.time {
                Some(time) => {
                    out.0.push(1);
                    out.0.extend_from_slice(&time.to_le_bytes());
                }
                None => out.0.push(0),
            }
            match &slot.vector {
                Some(vector) => {
                    out.var(vector.len() as u64 + 1);
                    for value in vector.iter() {
                        out.0.extend_from_slice(&value.to_le_bytes());
                    }
                }
                None => out.var(0),
            }
        }
        let mut terms: Vec<(&String, &PostingList)> = self.postings.iter().collect();
        terms.sort_by(|a, b| a.0.cmp(b.0));
        out.var(terms.len() as u64);
        // Each list renumbered, sorted and encoded on every core.
        let lists: Vec<Vec<u8>> = terms
            .par_iter()
            .map(|(term, postings)| {
                let mut list = Writer(Vec::with_capacity(term.len() + postings.len() * 3));
                list.str(term);
                list.var(postings.len() as u64);
                let mut renumbered: Vec<Posting> = postings
                    .postings()
                    .iter()
                    .map(|posting| Posting {
                        doc: order.renumbered[posting.doc as usize],
                        tf: posting.tf,
                    })
                    .collect();
                renumbered.sort_unstable_by_key(|posting| posting.doc);
                let mut next = 0u32;
                for posting in &renumbered {
                    // Documents ascend: each is written as its gap from the
                    // least number the next may have.
                    list.var(u64::from(posting.doc - next));
                    next = posting.doc + 1;
                    list.counts(&posting.tf);
                }
                list.0
            })
            .collect();
        for list in lists {
            out.0.extend_from_slice(&list);
        }
        let before_graph = out.0.len();
        if let Err(error) = self.ann.write_graph(&mut out.0) {
            // The next start builds the graph from the vectors instead.
            tracing::warn!(%error, "vector graph not saved");
            out.0.truncate(before_graph);
            out.u64(0);
        }
        let crc = crc32fast::hash(&out.0);
        out.u32(crc);
        out.0
    }

    /// The stamp of a snapshot, read without decoding or checksumming the
    /// rest ([`Index::from_snapshot`] checks the whole file).
    pub fn snapshot_stamp(bytes: &[u8]) -> Result<Stamp, String> {
        if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
            return Err("it is not a factdesk index file of this version".to_owned());
        }
        let mut reader = Reader {
            bytes: &bytes[..bytes.len() - 4],
            at: MAGIC.len(),
        };
        reader.stamp()
    }

    /// The index in `bytes`, checked: the CRC, every count against what is
    /// left, every doc number against the documents. Never panics on a
    /// damaged file.
    pub fn from_snapshot(bytes: &[u8]) -> Result<(Index, Stamp), String> {
        let mut reader = Reader::new(bytes)?;
        let stamp = reader.stamp()?;
        let mut index = Index::default();
        for total in &mut index.total_lengths {
            *total = reader.u64()?;
        }
        let names = reader.count(1)?;
        let mut table = Vec::with_capacity(names);
        for _ in 0..names {
            table.push(reader.str()?);
        }
        let name = |reader: &mut Reader<'_>| -> Result<String, String> {
            let at = reader.var()?;
            usize::try_from(at)
                .ok()
                .and_then(|at| table.get(at))
                .cloned()
                .ok_or_else(|| format!("an attribute names entry {at} of {}", table.len()))
        };
        let docs = reader.count(FIELDS + 1)?;
        index.docs.reserve(docs);
        index.lengths.reserve(docs);
        for number in 0..docs {
            let mut lengths = [0u32; FIELDS];
            for length in &mut lengths {
                *length = reader.var32()?;
            }
            index.lengths.push(lengths);
            if reader.byte()? == 0 {
                index.docs.push(None);
                index.contexts.push_removed();
                continue;
            }
            let id = reader.str()?;
            let meta = DocMeta {
                publisher: name(&mut reader)?,
                speaker: name(&mut reader)?,
                language: name(&mut reader)?,
                time: match reader.byte()? {
                    0 => None,
                    _ => Some(reader.u64()? as i64),
                },
                id,
            };
            let vector = match reader.var()? {
                0 => None,
                length => {
                    let length = usize::try_from(length - 1).map_err(|_| "a count overflows")?;
                    let bytes = reader.take(reader.fits(length, 4)? * 4)?;
                    let vector: Box<[f32]> = bytes
                        .chunks_exact(4)
                        .map(|value| f32::from_le_bytes(value.try_into().unwrap_or_default()))
                        .collect();
                    Some(vector)
                }
            };
            if index.by_id.insert(meta.id.clone(), number as u32).is_some() {
                return Err(format!("statement {:?} is in it twice", meta.id));
            }
            index.contexts.push(&meta);
            index.docs.push(Some(DocSlot { meta, vector }));
        }
        index.bounds = Bounds::above(&index.average_lengths());
        let terms = reader.count(3)?;
        let mut lists = Vec::with_capacity(terms);
        for _ in 0..terms {
            let term = reader.str()?;
            let count = reader.count(2)?;
            let mut list = Vec::with_capacity(count);
            let mut next = 0u64;
            for _ in 0..count {
                let doc = next + reader.var()?;
                if doc >= docs as u64 {
                    return Err(format!(
                        "a posting of {term:?} names document {doc} of {docs}"
                    ));
                }
                let tf = reader.counts()?;
                list.push(Posting {
                    doc: doc as u32,
                    tf,
                });
                next = doc + 1;
            }
            lists.push((term, list));
        }
        // Block bounds on every core.
        let (lengths, bounds) = (&index.lengths, &index.bounds);
        let lists: Vec<(String, PostingList)> = lists
            .into_par_iter()
            .map(|(term, list)| (term, PostingList::from_postings(list, lengths, bounds)))
            .collect();
        index.postings.reserve(lists.len());
        index.postings.extend(lists);
        let graph = reader.u64()?;
        let graph = usize::try_from(graph).map_err(|_| "a count overflows".to_owned())?;
        let graph = reader.take(graph)?;
        if reader.remaining() != 4 {
            return Err("it has bytes after its vector graph".to_owned());
        }
        index.ann = Ann::read_graph(graph, &index.docs)?;
        Ok((index, stamp))
    }
}

impl<'a> Reader<'a> {
    /// A reader of `bytes` once their magic and CRC are checked.
    fn new(bytes: &'a [u8]) -> Result<Reader<'a>, String> {
        if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
            return Err("it is not a factdesk index file of this version".to_owned());
        }
        let (body, crc) = bytes.split_at(bytes.len() - 4);
        let crc = u32::from_le_bytes(crc.try_into().map_err(|_| "truncated".to_owned())?);
        if crc32fast::hash(body) != crc {
            return Err("its checksum does not match (a torn or damaged file)".to_owned());
        }
        Ok(Reader {
            bytes,
            at: MAGIC.len(),
        })
    }

    fn stamp(&mut self) -> Result<Stamp, String> {
        Ok(Stamp {
            generation: self.u64()?,
            statements: self.u64()?,
            model: self.str()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Statement;

    fn statement(id: &str, text: &str) -> Statement {
        Statement::from_json_line(&format!(
            r#"{{"id":"{id}","text":"{text}","attribution":{{"speaker":{{"name":"Ana"}},"source":{{"publisher":"Gazette","publishTime":"2024-05-01T00:00:00Z"}}}}}}"#
        ))
        .unwrap()
    }

    fn sample() -> Index {
        let mut index = Index::default();
        index.insert(&statement("a", "The river flooded twice in 2024"));
        index.insert(&statement("b", "The harbour bridge reopened in March"));
        index.insert(&statement("c", "Unemployment fell to 4 percent"));
        index.remove("b");
        index
    }

    #[test]
    fn a_snapshot_reads_back_as_the_same_index() {
        let index = sample();
        let stamp = Stamp {
            generation: 7,
            statements: 2,
            model: String::new(),
        };
        let bytes = index.to_snapshot(&stamp);
        assert_eq!(Index::snapshot_stamp(&bytes).unwrap(), stamp);
        let (read, read_stamp) = Index::from_snapshot(&bytes).unwrap();
        assert_eq!(read_stamp, stamp);
        assert_eq!(read.len(), 2);
        assert_eq!(read.to_snapshot(&stamp), bytes, "byte for byte");
        assert_eq!(read.doc_meta("a"), index.doc_meta("a"));
        assert!(read.has_term("c", "unemploy") || read.has_term("c", "unemployment"));
        assert!(read.doc_meta("b").is_none());
    }

    #[test]
    fn damaged_snapshots_are_refused_never_panicked_on() {
        let bytes = sample().to_snapshot(&Stamp::default());
        assert!(Index::from_snapshot(&bytes[..bytes.len() - 1]).is_err());
        assert!(Index::from_snapshot(b"FDINDEX4").is_err());
        assert!(Index::from_snapshot(b"").is_err());
        for at in (0..bytes.len()).step_by(7) {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x5a;
            assert!(Index::from_snapshot(&flipped).is_err(), "byte {at}");
        }
    }
}
