//! Human-readable parts of a match: highlights, citation, term coverage.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::model::{Highlight, Statement};
use crate::text::{CharSpan, CharSpans, Token};

/// How many shared or missing terms an explanation names.
const TERMS_NAMED: usize = 6;

/// Most highlights in one match: enough to mark every shared word of a
/// long quote, not thousands for a 16 KiB statement (hardening II, finding
/// 7: highlights made one check answer 19 MB).
pub const MAX_HIGHLIGHTS: usize = 128;

/// Spans of the statement text that share a term with the claim (the first
/// [`MAX_HIGHLIGHTS`]), each paired with the claim span of that term's first
/// occurrence (code point offsets). Linear in both texts.
pub fn highlights(
    claim_text: &str,
    claim_tokens: &[Token],
    statement_text: &str,
    statement_tokens: &[Token],
) -> Vec<Highlight> {
    let mut first_in_claim: HashMap<&str, CharSpan> = HashMap::new();
    let mut claim_spans = CharSpans::new(claim_text);
    for token in claim_tokens {
        if !first_in_claim.contains_key(token.term.as_str()) {
            first_in_claim.insert(&token.term, claim_spans.of(token.span));
        }
    }
    let mut statement_spans = CharSpans::new(statement_text);
    statement_tokens
        .iter()
        .filter_map(|token| {
            let claim_span = *first_in_claim.get(token.term.as_str())?;
            Some(Highlight {
                statement_span: statement_spans.of(token.span),
                claim_span,
                term: token.term.clone(),
            })
        })
        .take(MAX_HIGHLIGHTS)
        .collect()
}

/// "Speaker, Title, Affiliation — Publisher, “Source title”, Author, date",
/// leaving out whatever is unknown (and an affiliation equal to the name).
pub fn citation(statement: &Statement) -> String {
    let mut who: Vec<&str> = Vec::new();
    if let Some(speaker) = &statement.attribution.speaker {
        who.push(&speaker.name);
        who.push(&speaker.title);
        if speaker.affiliation != speaker.name {
            who.push(&speaker.affiliation);
        }
    }
    let mut source: Vec<String> = Vec::new();
    if let Some(src) = &statement.attribution.source {
        source.push(src.publisher.clone());
        if !src.title.is_empty() {
            source.push(format!("“{}”", src.title));
        }
        source.push(src.author.clone());
    }
    if let Some(time) = statement.effective_time() {
        source.push(time.format("%Y-%m-%d").to_string());
    }
    let join = |parts: Vec<&str>| {
        parts
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let who = join(who);
    let source = join(source.iter().map(String::as_str).collect());
    match (who.is_empty(), source.is_empty()) {
        (false, false) => format!("{who} — {source}"),
        (false, true) => who,
        (true, false) => source,
        (true, true) => format!("statement {}", statement.id),
    }
}

/// "shares 7 of 8 claim terms (…); missing: …" over all indexed fields;
/// `holds` tells whether the statement has a term.
pub fn coverage(claim_tokens: &[Token], holds: impl Fn(&str) -> bool) -> String {
    let mut seen = HashSet::new();
    let (mut shared, mut missing) = (Vec::new(), Vec::new());
    for token in claim_tokens {
        if !seen.insert(token.term.as_str()) {
            continue;
        }
        if holds(&token.term) {
            shared.push(token.term.as_str());
        } else {
            missing.push(token.term.as_str());
        }
    }
    let total = shared.len() + missing.len();
    let mut line = format!(
        "shares {} of {total} claim terms ({})",
        shared.len(),
        name_some(&shared)
    );
    if !missing.is_empty() {
        line.push_str(&format!("; missing: {}", name_some(&missing)));
    }
    line
}

fn name_some(terms: &[&str]) -> String {
    let mut named = terms[..terms.len().min(TERMS_NAMED)].join(", ");
    if terms.len() > TERMS_NAMED {
        named.push_str(", …");
    }
    named
}
