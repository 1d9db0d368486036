//! A walk over a protobuf message's bytes, before prost decodes them: it
//! counts repeated elements against the request limits, refuses output-only
//! fields, and bounds nesting, so a small message cannot make the decoder
//! allocate far more than its own size (2 bytes on the wire for an empty
//! `Statement` become hundreds in memory).

use crate::model::FieldError;

/// What a request type may hold, field by field. Fields not listed (scalars,
/// strings, unknown numbers) are skipped: prost decodes them within the
/// message's own size.
#[derive(Debug)]
pub struct Spec {
    pub fields: &'static [Field],
}

/// One listed field.
#[derive(Debug)]
pub struct Field {
    pub number: u32,
    pub name: &'static str,
    pub rule: Rule,
}

/// How a listed field is bounded.
#[derive(Debug)]
pub enum Rule {
    /// Output only: a request holding it is refused.
    OutputOnly,
    /// A length-delimited field (string, bytes or message) at most `max`
    /// times in one enclosing message; a message field is walked with its
    /// spec.
    Repeated {
        max: usize,
        spec: Option<&'static Spec>,
    },
}

/// Most length-delimited elements walked in one message, all levels
/// together: bounds what nested structures without their own count limit
/// (ClaimReview JSON as `google.protobuf.Struct`) can make prost allocate.
pub const MAX_ELEMENTS: usize = 250_000;
/// Deepest nesting walked; prost's own recursion limit is 100.
pub const MAX_DEPTH: usize = 100;

/// Checks `bytes` against `spec`.
pub fn check(bytes: &[u8], spec: &Spec) -> Result<(), FieldError> {
    let mut budget = MAX_ELEMENTS;
    walk(bytes, spec, &mut Vec::new(), &mut budget)
}

/// The dotted path of the field being walked, for the error.
fn joined(path: &[&str], last: Option<&str>) -> String {
    let mut joined = path.join(".");
    if let Some(last) = last {
        if !joined.is_empty() {
            joined.push('.');
        }
        joined.push_str(last);
    }
    if joined.is_empty() {
        joined.push_str("(message)");
    }
    joined
}

fn walk(
    mut bytes: &[u8],
    spec: &Spec,
    path: &mut Vec<&'static str>,
    budget: &mut usize,
) -> Result<(), FieldError> {
    if path.len() > MAX_DEPTH {
        return Err(FieldError::new(
            joined(path, None),
            format!("nested more than {MAX_DEPTH} deep"),
        ));
    }
    let mut counts = [0usize; 16];
    while !bytes.is_empty() {
        let key = varint(&mut bytes).ok_or_else(|| malformed(path))?;
        let number = (key >> 3) as u32;
        let field = spec
            .fields
            .iter()
            .enumerate()
            .find(|(_, field)| field.number == number);
        match key & 7 {
            0 => {
                varint(&mut bytes).ok_or_else(|| malformed(path))?;
            }
            1 => bytes = bytes.get(8..).ok_or_else(|| malformed(path))?,
            5 => bytes = bytes.get(4..).ok_or_else(|| malformed(path))?,
            2 => {
                let len = varint(&mut bytes).ok_or_else(|| malformed(path))?;
                let len = usize::try_from(len)
                    .ok()
                    .filter(|len| *len <= bytes.len())
                    .ok_or_else(|| malformed(path))?;
                let (element, rest) = bytes.split_at(len);
                bytes = rest;
                let Some((slot, field)) = field else {
                    continue;
                };
                *budget = budget.checked_sub(1).ok_or_else(|| {
                    FieldError::new(
                        joined(path, None),
                        format!("more than {MAX_ELEMENTS} nested elements in one message"),
                    )
                })?;
                match &field.rule {
                    Rule::OutputOnly => return Err(output_only(path, field)),
                    Rule::Repeated { max, spec } => {
                        let count = &mut counts[slot.min(counts.len() - 1)];
                        *count += 1;
                        if *count > *max {
                            return Err(FieldError::new(
                                joined(path, Some(field.name)),
                                format!("more than {max} in one message"),
                            ));
                        }
                        if let Some(spec) = spec {
                            path.push(field.name);
                            walk(element, spec, path, budget)?;
                            path.pop();
                        }
                    }
                }
            }
            // Groups (3, 4) are proto2 only; prost refuses them too.
            _ => return Err(malformed(path)),
        }
        if let Some((_, field)) = field {
            if key & 7 != 2 && matches!(field.rule, Rule::OutputOnly) {
                return Err(output_only(path, field));
            }
        }
    }
    Ok(())
}

fn output_only(path: &[&str], field: &Field) -> FieldError {
    FieldError::new(
        joined(path, Some(field.name)),
        "is output only; do not send it",
    )
}

fn malformed(path: &[&str]) -> FieldError {
    FieldError::new(joined(path, None), "is not a valid protobuf encoding")
}

/// Reads a base-128 varint (at most 10 bytes).
fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            *bytes = &bytes[i + 1..];
            return Some(value);
        }
    }
    None
}
