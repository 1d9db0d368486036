//! The verdict table, row by row, on hand-made matches.

use super::{decide, implied, Finding};
use crate::model::{Match, Review, Stance, StanceReason, Statement, Verdict};

fn review(rating: &str) -> Review {
    let mut review = Review {
        publisher: "Example Fact Check".to_owned(),
        textual_rating: rating.to_owned(),
        ..Review::default()
    };
    review.normalize();
    review
}

fn found(id: &str, stance: Stance, score: f32, reviews: Vec<Review>) -> Match {
    Match {
        statement: Statement {
            id: id.to_owned(),
            text: "text".to_owned(),
            reviews,
            ..Statement::default()
        },
        score,
        stance,
        reason: StanceReason::NothingDiffers,
        highlights: Vec::new(),
        quantities: Vec::new(),
        citation: format!("Speaker of {id}"),
        explanation: String::new(),
    }
}

#[test]
fn the_table() {
    use Finding::*;
    use Stance::*;
    let rows = [
        (Supports, vec![], Some(Attributed)),
        (Contradicts, vec![], Some(Contradicted)),
        (Supports, vec![review("True")], Some(Supported)),
        (Contradicts, vec![review("Mostly True")], Some(Refuted)),
        (Supports, vec![review("Half True")], Some(Mixed)),
        (Contradicts, vec![review("Half True")], Some(Undecided)),
        (Supports, vec![review("Pants on Fire")], Some(Refuted)),
        (Supports, vec![review("barely-true")], Some(Refuted)),
        (Contradicts, vec![review("False")], Some(Undecided)),
        (Supports, vec![review("Unproven")], Some(Undecided)),
        (Supports, vec![review("Blue")], Some(Undecided)),
        (
            Supports,
            vec![review("True"), review("False")],
            Some(ReviewsDisagree),
        ),
        (Related, vec![review("False")], None),
    ];
    for (stance, reviews, expected) in rows {
        let labels: Vec<&str> = reviews.iter().map(|r| r.textual_rating.as_str()).collect();
        assert_eq!(implied(stance, &reviews), expected, "{stance:?} {labels:?}");
    }
}

#[test]
fn a_debunked_claim_is_never_supported() {
    let true_one = found("t", Stance::Supports, 1.0, vec![review("True")]);
    let false_one = found("f", Stance::Supports, 0.95, vec![review("False")]);
    let (verdict, line) = decide(&[true_one.clone(), false_one], 0.5);
    assert_eq!(verdict, Verdict::Disputed, "{line}");
    let weak_true = found("t", Stance::Supports, 0.6, vec![review("True")]);
    let strong_false = found("f", Stance::Supports, 0.9, vec![review("False")]);
    assert_eq!(decide(&[strong_false, weak_true], 0.5).0, Verdict::Refuted);
    assert_eq!(decide(&[true_one], 0.5).0, Verdict::Supported);
}

#[test]
fn explanations_name_the_rating_and_the_record() {
    let said = found("said", Stance::Supports, 1.0, vec![]);
    let rated = found(
        "rated",
        Stance::Supports,
        0.7,
        vec![review("Pants on Fire")],
    );
    let (verdict, line) = decide(std::slice::from_ref(&rated), 0.5);
    assert_eq!(verdict, Verdict::Refuted);
    assert_eq!(
        line,
        "Example Fact Check rated this 'Pants on Fire' (normalised: FALSE); the claim says \
         the same as statement rated (Speaker of rated)"
    );
    // Someone on record said the debunked claim: disputed, never attributed.
    let (verdict, line) = decide(&[said.clone(), rated], 0.5);
    assert_eq!(verdict, Verdict::Disputed);
    assert!(line.contains("'Pants on Fire'") && line.contains("Speaker of said said this"));
    let (verdict, line) = decide(&[said], 0.5);
    assert_eq!(verdict, Verdict::Attributed);
    assert_eq!(
        line,
        "on record, not verified: Speaker of said said this (statement said)"
    );
}

#[test]
fn the_opposite_of_a_false_claim_is_not_refuted() {
    let opposite = found("f", Stance::Contradicts, 1.0, vec![review("False")]);
    let (verdict, line) = decide(&[opposite], 0.5);
    assert_eq!(verdict, Verdict::Unverified);
    assert!(
        line.ends_with("that decides nothing for this claim"),
        "{line}"
    );
}

#[test]
fn related_matches_decide_nothing() {
    // The stance rules call a match under the threshold RELATED.
    let weak = found("w", Stance::Related, 0.3, vec![review("False")]);
    assert_eq!(decide(&[weak], 0.5).0, Verdict::Unverified);
}

#[test]
fn a_review_outranks_a_record_of_the_same_claim() {
    let record = found("said", Stance::Supports, 0.75, vec![]);
    let debunk = found("rated", Stance::Supports, 0.7, vec![review("False")]);
    let (verdict, line) = decide(&[record, debunk], 0.5);
    assert_eq!(verdict, Verdict::Refuted, "{line}");
    assert!(line.contains("also on record"), "{line}");
}
