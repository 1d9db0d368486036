//! The built-in demo library: sourced statements from a newsroom report on
//! Alibaba's cloud restructuring (2023), in English and Chinese.

use crate::error::Error;
use crate::library::{ImportReport, Library};
use crate::model::Statement;

/// The demo statements in import-line form, one per line.
pub const DEMO_JSONL: &str = include_str!("demo_statements.jsonl");

/// The demo statements, parsed.
pub fn statements() -> Vec<Statement> {
    DEMO_JSONL
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| Statement::from_json_line(line).expect("demo lines are valid statements"))
        .collect()
}

/// Imports the demo statements into `library` (one batch). Statements
/// already there unchanged are counted as such; an id held with different
/// content is reported in [`ImportReport::rejected`].
pub fn import(library: &Library) -> Result<ImportReport, Error> {
    let batch = statements().into_iter().enumerate();
    library.import_batch(batch.map(|(i, s)| (i as u64, s)).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_library_parses_and_validates() {
        let statements = super::statements();
        assert!((8..=15).contains(&statements.len()));
        for statement in &statements {
            crate::model::validate_id("id", &statement.id).unwrap();
            crate::model::validate_statement(statement).unwrap();
        }
        assert!(statements.iter().any(|s| s.language == "zh"));
    }
}
