//! How a statement is stored: the value bytes of the `statements` tree.
//!
//! Two forms, told apart by the first byte, and both always read:
//! - `{`: the statement's proto3 JSON form (every record of schema 2, and
//!   records written before the database had a dictionary);
//! - [`COMPRESSED`]: that same JSON compressed with zstd and the
//!   database's own dictionary (`meta`/`record_dictionary`, trained once
//!   from its first statements and never changed).
//!
//! A record is a few hundred bytes of JSON whose keys and frequent values
//! recur in every record: alone it compresses poorly (about 1.4×), with a
//! dictionary trained on its neighbours about 2.8×. Smaller values also
//! mean less for sled to copy, cache and rewrite.

use std::cell::RefCell;
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use zstd::dict::{DecoderDictionary, EncoderDictionary};
use zstd::zstd_safe::{self, CCtx, DCtx};

use super::{Store, StoreError};
use crate::model::Statement;

/// First byte of a compressed record (JSON records start with `{`).
const COMPRESSED: u8 = 1;
/// zstd level: a record is compressed once, read often.
const LEVEL: i32 = 3;
/// Largest dictionary trained, in bytes.
const DICTIONARY_BYTES: usize = 64 * 1024;
/// Key of the dictionary in the `meta` tree.
const DICTIONARY_KEY: &str = "record_dictionary";
/// Statements a database holds (with the batch being written) before a
/// dictionary is trained from them; earlier records stay JSON.
const TRAIN_AT: usize = 2_000;
/// Records a dictionary is trained on, at most.
const TRAINING_SAMPLES: usize = 10_000;
/// Largest record a compressed frame may claim to hold (a damaged length
/// must not make us allocate gigabytes).
const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

thread_local! {
    /// One compression and one decompression context per thread: making
    /// them costs more than a record.
    static CONTEXTS: RefCell<(CCtx<'static>, DCtx<'static>)> =
        RefCell::new((CCtx::create(), DCtx::create()));
}

/// A database's record dictionary, ready to compress and decompress.
pub(super) struct Dictionary {
    /// zstd's id of the dictionary, also written in each frame.
    id: u32,
    compress: EncoderDictionary<'static>,
    decompress: DecoderDictionary<'static>,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary").field("id", &self.id).finish()
    }
}

impl Dictionary {
    /// The dictionary stored as `bytes`; `Err` with the reason when they
    /// are not a zstd dictionary.
    pub(super) fn load(bytes: &[u8]) -> Result<Dictionary, String> {
        let id = zstd_safe::get_dict_id_from_dict(bytes)
            .ok_or_else(|| "the record dictionary is not a zstd dictionary".to_owned())?
            .get();
        let compress = EncoderDictionary::try_copy(bytes, LEVEL)
            .map_err(|error| format!("the record dictionary does not load: {error}"))?;
        let decompress = DecoderDictionary::try_copy(bytes)
            .map_err(|error| format!("the record dictionary does not load: {error}"))?;
        Ok(Dictionary {
            id,
            compress,
            decompress,
        })
    }

    /// A dictionary trained on `samples` (JSON records); `None`, logged,
    /// when zstd cannot make one of them (too few or too alike).
    pub(super) fn train(samples: &[Vec<u8>]) -> Option<Vec<u8>> {
        match zstd::dict::from_samples(samples, DICTIONARY_BYTES) {
            Ok(bytes) => Some(bytes),
            Err(error) => {
                tracing::warn!(%error, samples = samples.len(), "no record dictionary trained; records stay JSON");
                None
            }
        }
    }
}

impl Store {
    /// Loads the record dictionary kept in `meta`, if any.
    pub(super) fn load_dictionary(&self, path: &Path) -> Result<(), StoreError> {
        if let Some(bytes) = self.meta.get(DICTIONARY_KEY)? {
            let dictionary = Dictionary::load(&bytes)
                .map_err(|reason| StoreError::damaged_database(path, reason))?;
            let _ = self.dictionary.set(Arc::new(dictionary));
        }
        Ok(())
    }

    /// Trains the record dictionary when the database has none yet and,
    /// with `batch` (JSON records about to be written), holds enough
    /// statements. The dictionary is written to `meta` before any record
    /// that needs it, so sled's log order keeps it durable first.
    pub(super) fn train_dictionary_if_due(&self, batch: &[Vec<u8>]) -> Result<(), StoreError> {
        if self.dictionary.get().is_some() {
            return Ok(());
        }
        let mut failed = self.training.lock().unwrap_or_else(|e| e.into_inner());
        if *failed || self.dictionary.get().is_some() {
            return Ok(());
        }
        let stored = self.statements.iter().take(TRAIN_AT).count();
        if stored + batch.len() < TRAIN_AT {
            return Ok(());
        }
        let mut samples: Vec<Vec<u8>> = Vec::with_capacity(TRAINING_SAMPLES);
        // No record is compressed yet: there was no dictionary.
        for entry in self.statements.iter().values().take(TRAINING_SAMPLES) {
            samples.push(entry?.to_vec());
        }
        let room = TRAINING_SAMPLES.saturating_sub(samples.len());
        samples.extend(batch.iter().take(room).cloned());
        let Some(bytes) = Dictionary::train(&samples) else {
            *failed = true;
            return Ok(());
        };
        let Ok(dictionary) = Dictionary::load(&bytes) else {
            *failed = true;
            return Ok(());
        };
        self.meta.insert(DICTIONARY_KEY, bytes.as_slice())?;
        tracing::info!(
            dictionary = dictionary.id,
            bytes = bytes.len(),
            samples = samples.len(),
            "record dictionary trained"
        );
        let _ = self.dictionary.set(Arc::new(dictionary));
        Ok(())
    }

    /// The stored form of JSON `json` (see [`encode`]).
    pub(super) fn compress_json(&self, json: Vec<u8>) -> Vec<u8> {
        match self.dictionary.get() {
            Some(dictionary) => compress(&json, dictionary),
            None => json,
        }
    }

    /// The statement stored under `key` as `bytes` (see [`decode`]).
    pub(super) fn decode(&self, key: &str, bytes: &[u8]) -> Result<Statement, StoreError> {
        decode(key, bytes, self.dictionary.get().map(Arc::as_ref))
    }
}

/// The stored form of `statement`: compressed with `dictionary` when there
/// is one, else JSON.
pub(super) fn encode(statement: &Statement, dictionary: Option<&Dictionary>) -> Vec<u8> {
    let json = statement.to_json_line().into_bytes();
    match dictionary {
        Some(dictionary) => compress(&json, dictionary),
        None => json,
    }
}

fn compress(json: &[u8], dictionary: &Dictionary) -> Vec<u8> {
    let mut record = Vec::with_capacity(1 + zstd_safe::compress_bound(json.len()));
    record.push(COMPRESSED);
    let mut out = Cursor::new(&mut record);
    out.set_position(1);
    CONTEXTS.with_borrow_mut(|(compressor, _)| {
        compressor
            .compress_using_cdict(&mut out, json, dictionary.compress.as_cdict())
            .map(|_| ())
            // zstd fails only on a destination smaller than the bound.
            .expect("a destination of compress_bound bytes always suffices");
    });
    record
}

/// The statement stored under `key` as `bytes`.
pub(super) fn decode(
    key: &str,
    bytes: &[u8],
    dictionary: Option<&Dictionary>,
) -> Result<Statement, StoreError> {
    let json;
    let json_bytes = match bytes.split_first() {
        Some((&COMPRESSED, frame)) => {
            json = decompress(frame, dictionary).map_err(|reason| damaged(key, reason))?;
            json.as_slice()
        }
        _ => bytes,
    };
    serde_json::from_slice(json_bytes)
        .map_err(|error| damaged(key, format!("it does not parse: {error}")))
}

fn decompress(frame: &[u8], dictionary: Option<&Dictionary>) -> Result<Vec<u8>, String> {
    let dictionary = dictionary
        .ok_or_else(|| "it is compressed but the database has no record dictionary".to_owned())?;
    let used = zstd_safe::get_dict_id_from_frame(frame).map(|id| id.get());
    if used != Some(dictionary.id) {
        return Err(format!(
            "it was compressed with dictionary {used:?}, the database's is {}",
            dictionary.id
        ));
    }
    let size = match zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) if size <= MAX_RECORD_BYTES => size as usize,
        _ => return Err("its compressed frame has no plausible length".to_owned()),
    };
    let mut json = Vec::with_capacity(size);
    CONTEXTS.with_borrow_mut(|(_, decompressor)| {
        decompressor
            .decompress_using_ddict(&mut json, frame, dictionary.decompress.as_ddict())
            .map_err(|code| {
                format!(
                    "it does not decompress: {}",
                    zstd_safe::get_error_name(code)
                )
            })
    })?;
    Ok(json)
}

fn damaged(key: &str, reason: String) -> StoreError {
    StoreError::damaged_record(key, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(i: usize) -> Statement {
        Statement {
            id: format!("s{i}"),
            text: format!("Statement number {i} says the rate rose by {i} percent in 2020."),
            context: format!("A report on rates, part {}", i % 7),
            language: "en".to_owned(),
            ..Statement::default()
        }
    }

    fn dictionary() -> Dictionary {
        let samples: Vec<Vec<u8>> = (0..2000)
            .map(|i| statement(i).to_json_line().into_bytes())
            .collect();
        Dictionary::load(&Dictionary::train(&samples).unwrap()).unwrap()
    }

    #[test]
    fn both_forms_round_trip_and_compressed_is_smaller() {
        let dictionary = dictionary();
        let original = statement(12345);
        let json = encode(&original, None);
        let compressed = encode(&original, Some(&dictionary));
        assert_eq!(json[0], b'{');
        assert_eq!(compressed[0], COMPRESSED);
        assert!(
            compressed.len() * 2 < json.len(),
            "{} vs {}",
            compressed.len(),
            json.len()
        );
        for bytes in [&json, &compressed] {
            assert_eq!(
                decode("s12345", bytes, Some(&dictionary)).unwrap(),
                original
            );
        }
        assert_eq!(decode("s12345", &json, None).unwrap(), original);
    }

    #[test]
    fn damage_is_reported_never_a_panic() {
        let dictionary = dictionary();
        let compressed = encode(&statement(1), Some(&dictionary));
        assert!(decode("s1", &compressed, None).is_err());
        for cut in 0..compressed.len() {
            assert!(decode("s1", &compressed[..cut], Some(&dictionary)).is_err());
        }
        let mut flipped = compressed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0xff;
        let _ = decode("s1", &flipped, Some(&dictionary));
        assert!(Dictionary::load(b"not a dictionary").is_err());
    }
}
