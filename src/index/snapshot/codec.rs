//! The byte-level pieces of the index file: fixed-width numbers, LEB128
//! varints, length-prefixed strings, and the one-byte form of a posting's
//! term counts. Reading never panics and never allocates for a count that
//! cannot fit in what is left.

use super::super::FIELDS;

/// Term counts below this in every field fit a posting's one count byte.
const SMALL_TF: u16 = 4;
/// Set in a count byte when full varint counts follow instead.
const WIDE: u8 = 0x80;

/// Appends to the file being written.
pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    pub(super) fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    pub(super) fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    pub(super) fn var(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    pub(super) fn str(&mut self, text: &str) {
        self.var(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }

    /// A posting's counts: one byte when each is below [`SMALL_TF`] (two
    /// bits per field), else [`WIDE`] and a varint per field.
    pub(super) fn counts(&mut self, tf: &[u16; FIELDS]) {
        if tf.iter().all(|&count| count < SMALL_TF) {
            let packed = tf.iter().enumerate().fold(0u8, |byte, (field, &count)| {
                byte | ((count as u8) << (2 * field))
            });
            self.0.push(packed);
        } else {
            self.0.push(WIDE);
            for &count in tf {
                self.var(u64::from(count));
            }
        }
    }
}

/// Reads a file whose magic and CRC have been checked.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    pub(super) fn take(&mut self, length: usize) -> Result<&'a [u8], String> {
        if length > self.remaining() {
            return Err("it ends early".to_owned());
        }
        let slice = &self.bytes[self.at..self.at + length];
        self.at += length;
        Ok(slice)
    }

    pub(super) fn byte(&mut self) -> Result<u8, String> {
        let byte = *self.bytes.get(self.at).ok_or("it ends early")?;
        self.at += 1;
        Ok(byte)
    }

    pub(super) fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().unwrap_or_default(),
        ))
    }

    pub(super) fn var(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err("a number runs past 64 bits".to_owned())
    }

    /// A varint that must fit in a `u32`.
    pub(super) fn var32(&mut self) -> Result<u32, String> {
        u32::try_from(self.var()?).map_err(|_| "a number overflows".to_owned())
    }

    /// `count` items of at least `size` bytes each must fit in what is
    /// left (a damaged count cannot make the reader allocate for them).
    pub(super) fn fits(&self, count: usize, size: usize) -> Result<usize, String> {
        if count.saturating_mul(size) > self.remaining() {
            return Err(format!("it claims {count} entries that cannot fit"));
        }
        Ok(count)
    }

    /// A varint count of items of at least `size` bytes.
    pub(super) fn count(&mut self, size: usize) -> Result<usize, String> {
        let count = usize::try_from(self.var()?).map_err(|_| "a count overflows".to_owned())?;
        self.fits(count, size)
    }

    pub(super) fn str(&mut self) -> Result<String, String> {
        let length = self.count(1)?;
        let bytes = self.take(length)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "a string is not UTF-8".to_owned())
    }

    /// Counts written by [`Writer::counts`].
    pub(super) fn counts(&mut self) -> Result<[u16; FIELDS], String> {
        let byte = self.byte()?;
        let mut tf = [0u16; FIELDS];
        if byte == WIDE {
            for count in &mut tf {
                *count = u16::try_from(self.var()?).map_err(|_| "a term count overflows")?;
            }
        } else if byte & WIDE != 0 {
            return Err("a posting's counts are damaged".to_owned());
        } else {
            for (field, count) in tf.iter_mut().enumerate() {
                *count = u16::from((byte >> (2 * field)) & 3);
            }
        }
        Ok(tf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_strings_and_counts_read_back() {
        let mut out = Writer(Vec::new());
        let numbers = [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ];
        for &number in &numbers {
            out.var(number);
        }
        out.str("Gazette ✓");
        let counts = [[0, 0, 0], [1, 0, 3], [3, 3, 3], [4, 0, 0], [0, 0, u16::MAX]];
        for tf in &counts {
            out.counts(tf);
        }
        let mut reader = Reader {
            bytes: &out.0,
            at: 0,
        };
        for &number in &numbers {
            assert_eq!(reader.var().unwrap(), number);
        }
        assert_eq!(reader.str().unwrap(), "Gazette ✓");
        for tf in &counts {
            assert_eq!(&reader.counts().unwrap(), tf);
        }
        assert_eq!(reader.remaining(), 0);
        assert!(reader.var().is_err(), "reading past the end is an error");
    }

    #[test]
    fn overlong_numbers_and_bad_count_bytes_are_errors() {
        let overlong = [0xffu8; 11];
        let mut reader = Reader {
            bytes: &overlong,
            at: 0,
        };
        assert!(reader.var().is_err());
        let mut reader = Reader {
            bytes: &[0x81],
            at: 0,
        };
        assert!(reader.counts().is_err());
    }
}
