//! The normaliser on each publisher's labels, sentences, numbers, and
//! labels it must not guess.

use super::{fold, normalize_label, normalize_numeric, NormalizedRating};
use NormalizedRating::*;

fn check(cases: &[(&str, NormalizedRating)]) {
    for (label, expected) in cases {
        assert_eq!(normalize_label(label), Some(*expected), "{label:?}");
    }
}

#[test]
fn folding() {
    assert_eq!(fold("  Pants-on-Fire! "), "pants on fire");
    assert_eq!(fold("Überwiegend FALSCH"), "uberwiegend falsch");
    assert_eq!(fold("C'eri quasi"), "c eri quasi");
    assert_eq!(fold("不实"), "不实");
}

#[test]
fn politifact_truth_o_meter_and_flip_o_meter() {
    check(&[
        ("True", True),
        ("Mostly True", MostlyTrue),
        ("Half True", Mixed),
        ("half-true", Mixed),
        ("Mostly False", MostlyFalse),
        ("barely-true", MostlyFalse),
        ("False", False),
        ("Pants on Fire!", False),
        ("pants-fire", False),
        ("No Flip", Other),
        ("Half Flip", Other),
        ("Full Flop", Other),
    ]);
}

#[test]
fn snopes_ratings() {
    check(&[
        ("True", True),
        ("Mostly True", MostlyTrue),
        ("Mixture", Mixed),
        ("Mostly False", MostlyFalse),
        ("False", False),
        ("Unproven", Unproven),
        ("Miscaptioned", Other),
        ("Misattributed", Other),
        ("Correct Attribution", True),
        ("Satire", Satire),
        ("Labeled Satire", Satire),
        ("Outdated", Other),
        ("Scam", False),
        ("Legend", Unproven),
    ]);
}

#[test]
fn afp_and_full_fact_verdicts() {
    check(&[
        ("Misleading", Mixed),
        ("Missing context", Mixed),
        ("Partly false", Mixed),
        ("Altered", False),
        ("Fabricated", False),
        ("Four Pinocchios", False),
        ("This is incorrect.", False),
        ("This isn't true: the figure was 12%, not 20%.", False),
        ("There is no evidence that this happened.", Unproven),
        (
            "This is broadly correct, but the figure is from 2019.",
            MostlyTrue,
        ),
        ("That's correct.", True),
        ("This is misleading. The rise was in 2021.", Mixed),
    ]);
}

#[test]
fn other_languages() {
    check(&[
        ("Falso", False),
        ("Engañoso", Mixed),
        ("Verdadero", True),
        ("Verdadeiro", True),
        ("Enganoso", Mixed),
        ("Faux", False),
        ("Trompeur", Mixed),
        ("Plutôt vrai", MostlyTrue),
        ("Falsch", False),
        ("Irreführend", Mixed),
        ("Fuorviante", Mixed),
        ("C'eri quasi", MostlyTrue),
        ("不实", False),
        ("错误", False),
        ("误导", Mixed),
        ("部分正确", Mixed),
    ]);
}

#[test]
fn unknown_labels_are_not_guessed() {
    for label in [
        "",
        "  ",
        "Five Pinocchios",
        "Blue",
        "needs a closer look",
        "civil rights law",
    ] {
        assert_eq!(normalize_label(label), None, "{label:?}");
    }
}

#[test]
fn numeric_ratings_on_any_scale() {
    assert_eq!(normalize_numeric(1.0, 5.0, 1.0), Some(False));
    assert_eq!(normalize_numeric(2.0, 5.0, 1.0), Some(MostlyFalse));
    assert_eq!(normalize_numeric(3.0, 5.0, 1.0), Some(Mixed));
    assert_eq!(normalize_numeric(4.0, 5.0, 1.0), Some(MostlyTrue));
    assert_eq!(normalize_numeric(5.0, 5.0, 1.0), Some(True));
    assert_eq!(normalize_numeric(0.0, 1.0, 0.0), Some(False));
    assert_eq!(
        normalize_numeric(1.0, 0.0, 1.0),
        Some(False),
        "reversed scale"
    );
    assert_eq!(normalize_numeric(6.0, 5.0, 1.0), None);
    assert_eq!(normalize_numeric(3.0, 3.0, 3.0), None);
    assert_eq!(normalize_numeric(f64::NAN, 5.0, 1.0), None);
}

#[test]
fn polarity_follows_the_scale() {
    assert_eq!(True.polarity(), Some(1));
    assert_eq!(Mixed.polarity(), Some(0));
    assert_eq!(False.polarity(), Some(-1));
    assert_eq!(Satire.polarity(), None);
    assert_eq!(MostlyFalse.name(), "MOSTLY_FALSE");
    assert_eq!(
        NormalizedRating::from_name("MOSTLY_FALSE"),
        Some(MostlyFalse)
    );
    assert_eq!(NormalizedRating::from_name("SOMEWHAT"), None);
}
