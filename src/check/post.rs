//! A claim as it is checked: pasted posts are read by `text::post` (links,
//! handles, hashtag marks, emoji and the signature blanked in place, so
//! highlight offsets still point into the text the caller sent), and a
//! signature's name and date stand in for a claimant and claim time the
//! request left empty. The response's analysis says what was taken.

use crate::model::{Claim, PostNotes};
use crate::text::post::read_post;

/// The claim to analyse and rank in place of `claim`, and what the
/// analysis should report of it.
pub fn as_checked(claim: &Claim) -> (Claim, PostNotes) {
    let reading = read_post(&claim.text);
    let mut notes = PostNotes::default();
    if reading.changed {
        notes.checked_text = reading.display_text();
    }
    let mut checked = Claim {
        text: reading.text,
        ..claim.clone()
    };
    if checked.claimant.is_empty() && !reading.author.is_empty() {
        checked.claimant.clone_from(&reading.author);
        notes.claimant = reading.author;
    }
    if checked.claim_time.is_none() && reading.time.is_some() {
        checked.claim_time = reading.time;
        notes.claim_time = reading.time;
    }
    (checked, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_fills_only_what_the_request_left_empty() {
        let post = "Masks do not work https://t.co/x — Jane Roe (@jroe) March 3, 2020";
        let (checked, notes) = as_checked(&Claim {
            text: post.into(),
            ..Claim::default()
        });
        assert_eq!(checked.claimant, "Jane Roe");
        assert_eq!(notes.claimant, "Jane Roe");
        assert_eq!(notes.checked_text, "Masks do not work");
        assert!(checked.claim_time.is_some() && notes.claim_time.is_some());
        assert_eq!(checked.text.chars().count(), post.chars().count());

        let (checked, notes) = as_checked(&Claim {
            text: post.into(),
            claimant: "Someone Else".into(),
            ..Claim::default()
        });
        assert_eq!(checked.claimant, "Someone Else");
        assert!(notes.claimant.is_empty());
    }

    #[test]
    fn a_plain_claim_passes_through() {
        let claim = Claim {
            text: "Unemployment fell to 3.5% in 2019.".into(),
            ..Claim::default()
        };
        let (checked, notes) = as_checked(&claim);
        assert_eq!(checked, claim);
        assert_eq!(notes, PostNotes::default());
    }
}
