//! Pairing a claim figure with the statement figure about the same thing,
//! by the words around them (see the parent module's table).

use foldhash::HashSet;

use super::{AnalysedClaim, StatementView};
use crate::model::{QuantityComparison, QuantityMention};
use crate::text::quantity::{self, Agreement, Quantity, Unit};
use crate::text::{self, Token};

/// Tokens on each side of a figure that say what it is about.
const CONTEXT_TOKENS: usize = 4;

/// Pairs a claim figure with the statement figure about the same thing:
/// comparable unit and the most context words shared on the same side (the
/// words before a figure with the words before the other, the words after
/// and what it counts with theirs); at equal sharing an agreeing figure
/// wins (the statement does state the claim's number). A differing figure
/// that does not measure the same thing ([`Context::same_thing`]) is not
/// compared: when nothing else pairs, it is returned beside the comparison
/// (which stays NOT_COMPARABLE, with no statement figure) for the
/// explanation to name.
pub(super) fn pair(
    mention: &QuantityMention,
    claim: &AnalysedClaim<'_>,
    statement: &StatementView<'_>,
    contexts: &[Context],
) -> (QuantityComparison, Option<String>) {
    let ours = Context::of(&mention.quantity, &claim.claim.text, &claim.tokens);
    let mut best: Option<(usize, Agreement, &QuantityMention)> = None;
    // The closest figure of the same kind that measures something else.
    let mut unlike: Option<(usize, &QuantityMention)> = None;
    for (candidate, theirs) in statement.analysed.mentions.iter().zip(contexts) {
        let agreement = quantity::compare(&mention.quantity, &candidate.quantity);
        if agreement == Agreement::NotComparable {
            continue;
        }
        let shared = ours.shared(theirs);
        // Years date the same event whatever the words around them.
        let year = mention.quantity.unit == Unit::Year;
        if agreement != Agreement::Agree && !year && !ours.same_thing(theirs) {
            if unlike.is_none_or(|(most, _)| shared > most) {
                unlike = Some((shared, candidate));
            }
            continue;
        }
        let better = match best {
            None => true,
            Some((best_shared, best_agreement, _)) => {
                shared > best_shared
                    || (shared == best_shared
                        && agreement == Agreement::Agree
                        && best_agreement != Agreement::Agree)
            }
        };
        if better {
            best = Some((shared, agreement, candidate));
        }
    }
    let comparison = QuantityComparison {
        claim: mention.clone(),
        agreement: best.map_or(Agreement::NotComparable, |(_, agreement, _)| agreement),
        statement: best.map(|(_, _, found)| found.clone()),
    };
    let unlike = match best {
        None => unlike.map(|(_, other)| other.text.clone()),
        Some(_) => None,
    };
    (comparison, unlike)
}

/// The context of each of the statement's figures, built once per
/// statement rather than once per claim figure.
pub(super) fn contexts(statement: &StatementView<'_>) -> Vec<Context> {
    statement
        .analysed
        .mentions
        .iter()
        .map(|theirs| {
            Context::of(
                &theirs.quantity,
                &statement.statement.text,
                &statement.analysed.tokens,
            )
        })
        .collect()
}

/// The stems on each side of a figure: [`CONTEXT_TOKENS`] before, and
/// [`CONTEXT_TOKENS`] after plus what it counts.
pub(super) struct Context {
    before: HashSet<String>,
    after: HashSet<String>,
}

impl Context {
    /// `tokens` are in text order (as the analyser gives them), so the two
    /// sides are found by binary search: a figure-dense 16 KiB statement
    /// costs a few steps per figure, not a walk over every token.
    fn of(quantity: &Quantity, text: &str, tokens: &[Token]) -> Context {
        let end_before = tokens.partition_point(|t| t.span.end <= quantity.span.start);
        let first_after = tokens.partition_point(|t| t.span.start < quantity.span.end);
        let before = tokens[..end_before]
            .iter()
            .rev()
            .take(CONTEXT_TOKENS)
            .map(|t| t.term.clone())
            .collect();
        let mut after: HashSet<String> = tokens[first_after..]
            .iter()
            .take(CONTEXT_TOKENS)
            .map(|t| t.term.clone())
            .collect();
        after.extend(quantity.counts.iter().flat_map(|word| text::terms(word)));
        debug_assert!(quantity.span.end.0 <= text.len());
        Context { before, after }
    }

    /// Whether the two measure the same thing, so that differing values
    /// conflict: a word shared after them (what they count or are the value
    /// of), or two shared before them ("rainy day fund … twice" and "rainy
    /// day fund is 165 times"). One shared word before is not enough: "the
    /// spinoff of its $11 billion unit" and "the spinoff erased $2.4bn"
    /// measure different things.
    fn same_thing(&self, other: &Context) -> bool {
        self.after.intersection(&other.after).count() >= 1
            || self.before.intersection(&other.before).count() >= 2
    }

    /// Words shared side by side.
    fn shared(&self, other: &Context) -> usize {
        self.before.intersection(&other.before).count()
            + self.after.intersection(&other.after).count()
    }
}
