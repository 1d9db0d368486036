//! Key and page-cursor encoding.
//!
//! Statement keys are the id's UTF-8 bytes, so sled's byte order is id
//! order. Page cursors are opaque to clients: base64url of a version byte,
//! a fingerprint of the list filters, and the last id returned.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

const CURSOR_VERSION: u8 = 1;

/// The sled key for a statement id.
pub fn statement_key(id: &str) -> Vec<u8> {
    id.as_bytes().to_vec()
}

/// The smallest key strictly greater than `id`'s key.
pub fn key_after(id: &str) -> Vec<u8> {
    let mut key = statement_key(id);
    key.push(0);
    key
}

/// An embedding as stored: f32 little-endian.
pub fn encode_vector(vector: &[f32]) -> Vec<u8> {
    vector
        .iter()
        .flat_map(|value| value.to_le_bytes())
        .collect()
}

/// A stored embedding; `None` when the length is not a multiple of 4.
pub fn decode_vector(bytes: &[u8]) -> Option<Vec<f32>> {
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let chunks = bytes.chunks_exact(4);
    Some(
        chunks
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// Where a listing resumes, and for which filters it was issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageCursor {
    /// Fingerprint of the filters of the request that issued the cursor.
    pub filter_fingerprint: u64,
    /// The last id on the previous page.
    pub after_id: String,
}

impl PageCursor {
    /// The opaque token form.
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(9 + self.after_id.len());
        bytes.push(CURSOR_VERSION);
        bytes.extend_from_slice(&self.filter_fingerprint.to_be_bytes());
        bytes.extend_from_slice(self.after_id.as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Parses a token from [`PageCursor::encode`]; `None` when malformed.
    pub fn decode(token: &str) -> Option<PageCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        let (&version, rest) = bytes.split_first()?;
        if version != CURSOR_VERSION || rest.len() < 9 {
            return None;
        }
        let (fingerprint, id) = rest.split_at(8);
        Some(PageCursor {
            filter_fingerprint: u64::from_be_bytes(fingerprint.try_into().ok()?),
            after_id: String::from_utf8(id.to_vec()).ok()?,
        })
    }
}

/// A stable (FNV-1a) fingerprint of filter values, for cursors.
pub fn fingerprint(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn cursor_round_trips(fingerprint in any::<u64>(), id in "[A-Za-z0-9._~-]{1,128}") {
            let cursor = PageCursor { filter_fingerprint: fingerprint, after_id: id };
            prop_assert_eq!(PageCursor::decode(&cursor.encode()), Some(cursor));
        }

        #[test]
        fn garbage_never_panics(token in any::<String>()) {
            let _ = PageCursor::decode(&token);
        }

        #[test]
        fn key_order_is_id_order(a in "[A-Za-z0-9._~-]{1,20}", b in "[A-Za-z0-9._~-]{1,20}") {
            prop_assert_eq!(statement_key(&a).cmp(&statement_key(&b)), a.cmp(&b));
            // key_after(a) sorts after a and not after any id greater than a.
            prop_assert!(key_after(&a) > statement_key(&a));
            if b > a {
                prop_assert!(key_after(&a) <= statement_key(&b));
            }
        }
    }

    proptest! {
        #[test]
        fn vectors_round_trip(vector in proptest::collection::vec(any::<f32>().prop_filter("finite", |v| v.is_finite()), 0..64)) {
            prop_assert_eq!(decode_vector(&encode_vector(&vector)), Some(vector));
        }
    }

    #[test]
    fn truncated_or_wrong_version_is_rejected() {
        assert_eq!(PageCursor::decode(""), None);
        assert_eq!(PageCursor::decode("!!!"), None);
        let mut bytes = vec![9u8];
        bytes.extend_from_slice(&[0; 9]);
        assert_eq!(PageCursor::decode(&URL_SAFE_NO_PAD.encode(bytes)), None);
    }

    #[test]
    fn fingerprint_separates_fields() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }
}
