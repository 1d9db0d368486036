//! The CheckThat! 2024 task 1 TSV files: a header naming `Sentence_id`,
//! `Text` and `class_label` (Yes/No), fields optionally double-quoted with
//! `""` escapes, quoted fields that may span lines.
//!
//! One known defect is mended rather than refused: the English train split
//! has a line on which two records ran together, the first record's label
//! glued to the next record's id (`No29286`). A label field of `Yes`/`No`
//! followed by digits, with three more columns after it, is read as two
//! records when the columns come in the standard order.

use std::path::Path;

use crate::error::FileError;

/// One labelled sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labelled {
    /// `Sentence_id` as written (ids are opaque).
    pub id: String,
    /// The sentence, unquoted.
    pub text: String,
    /// `class_label` is `Yes`.
    pub worthy: bool,
}

/// Column positions found in the header.
struct Columns {
    id: usize,
    text: usize,
    label: usize,
}

/// Reads a labelled TSV file (see the module doc).
pub fn read_tsv(path: &Path) -> Result<Vec<Labelled>, FileError> {
    let file = std::fs::File::open(path).map_err(|e| FileError::read(path, e))?;
    parse_tsv(path, std::io::BufReader::new(file))
}

/// Reads labelled TSV from `input`; `path` names it in errors.
pub fn parse_tsv(path: &Path, input: impl std::io::Read) -> Result<Vec<Labelled>, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let header = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    let columns = columns(&header).map_err(|reason| FileError::line(path, 1, reason))?;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(path, e)),
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let fields: Vec<&str> = record.iter().collect();
        if fields.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        read_record(&fields, &columns, &mut rows).map_err(|r| FileError::line(path, line, r))?;
    }
    Ok(rows)
}

/// Finds the three columns by name (case-insensitive).
fn columns(header: &csv::StringRecord) -> Result<Columns, String> {
    let find = |name: &str| {
        header
            .iter()
            .position(|field| field.trim().eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("the header has no {name} column"))
    };
    Ok(Columns {
        id: find("Sentence_id")?,
        text: find("Text")?,
        label: find("class_label")?,
    })
}

/// Appends the record in `fields` (two, when run together) to `rows`.
fn read_record(fields: &[&str], at: &Columns, rows: &mut Vec<Labelled>) -> Result<(), String> {
    let width = at.id.max(at.text).max(at.label) + 1;
    if fields.len() < width {
        return Err(format!("{} columns, expected {width}", fields.len()));
    }
    let standard_order = at.id == 0 && at.text == 1 && at.label == 2;
    if standard_order && fields.len() == 5 {
        if let Some((label, next_id)) = glued_label(fields[2]) {
            rows.push(labelled(fields[0], fields[1], label)?);
            rows.push(labelled(next_id, fields[3], fields[4])?);
            return Ok(());
        }
    }
    rows.push(labelled(fields[at.id], fields[at.text], fields[at.label])?);
    Ok(())
}

/// `No29286` → (`No`, `29286`): a label run into the next record's id.
fn glued_label(field: &str) -> Option<(&str, &str)> {
    ["Yes", "No"].iter().find_map(|label| {
        let rest = field.strip_prefix(label)?;
        let digits = !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| (&field[..label.len()], rest))
    })
}

fn labelled(id: &str, text: &str, label: &str) -> Result<Labelled, String> {
    let worthy = match label.trim() {
        l if l.eq_ignore_ascii_case("yes") => true,
        l if l.eq_ignore_ascii_case("no") => false,
        other => return Err(format!("class_label {other:?} is neither Yes nor No")),
    };
    Ok(Labelled {
        id: id.trim().to_owned(),
        text: text.trim().to_owned(),
        worthy,
    })
}

/// A csv failure as a [`FileError`]: I/O as a read error, the rest with
/// the line it happened on.
fn csv_error(path: &Path, error: csv::Error) -> FileError {
    let line = error.position().map_or(0, |p| p.line() as usize);
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(source) => FileError::read(path, source),
        _ => FileError::line(path, line, message),
    }
}
