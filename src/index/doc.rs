//! What the index keeps of one statement: per-field term counts, field
//! lengths, and the attributes that check filters test.

use std::collections::HashMap;

use crate::model::{CheckFilter, Statement};
use crate::text;

/// Number of indexed fields: text, context, source title.
pub const FIELDS: usize = 3;

/// Filterable attributes of an indexed statement, lower-cased.
#[derive(Clone, Debug, PartialEq)]
pub struct DocMeta {
    pub id: String,
    pub publisher: String,
    pub speaker: String,
    pub language: String,
    /// Statement time (else publish time) as Unix seconds.
    pub time: Option<i64>,
}

impl DocMeta {
    /// True when the statement may be returned under `filter`.
    pub fn passes(&self, filter: &CheckFilter) -> bool {
        let any_of =
            |wanted: &[String], value: &str| wanted.is_empty() || wanted.iter().any(|w| w == value);
        if !any_of(&filter.publishers, &self.publisher)
            || !any_of(&filter.speakers, &self.speaker)
            || !any_of(&filter.languages, &self.language)
        {
            return false;
        }
        if filter.start_time.is_none() && filter.end_time.is_none() {
            return true;
        }
        let Some(time) = self.time else {
            return false;
        };
        filter
            .start_time
            .is_none_or(|start| time >= start.timestamp())
            && filter.end_time.is_none_or(|end| time < end.timestamp())
    }
}

/// A statement analysed for indexing (pure; can run on any thread).
#[derive(Clone, Debug)]
pub struct AnalysedDoc {
    pub meta: DocMeta,
    /// Term → occurrences in text, context, source title.
    pub term_frequencies: HashMap<String, [u16; FIELDS]>,
    /// Words per field, stop words included.
    pub lengths: [u32; FIELDS],
    /// Sentence embedding (unit length), when a model is loaded.
    pub vector: Option<Vec<f32>>,
}

impl AnalysedDoc {
    pub fn from_statement(statement: &Statement) -> AnalysedDoc {
        let fields = [
            statement.text.as_str(),
            statement.context.as_str(),
            statement.source_title(),
        ];
        let mut term_frequencies: HashMap<String, [u16; FIELDS]> = HashMap::new();
        let mut lengths = [0u32; FIELDS];
        for (field, content) in fields.iter().enumerate() {
            let (tokens, length) = text::analyze_field(content);
            lengths[field] = length;
            for token in tokens {
                let counts = term_frequencies.entry(token.term).or_default();
                counts[field] = counts[field].saturating_add(1);
            }
        }
        AnalysedDoc {
            meta: DocMeta {
                id: statement.id.clone(),
                publisher: statement.publisher().to_lowercase(),
                speaker: statement.speaker_name().to_lowercase(),
                language: statement.language.to_lowercase(),
                time: statement.effective_time().map(|time| time.timestamp()),
            },
            term_frequencies,
            lengths,
            vector: None,
        }
    }
}
