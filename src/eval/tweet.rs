//! Turning a CheckThat! tweet into a claim, as a client holding the tweet's
//! metadata would: links removed, the trailing `— Name (@handle) Month D,
//! YYYY` signature split into claimant and claim time. The reference the
//! server's own reading of raw posts (`text::post`) is measured against:
//! `factdesk eval` sends raw tweets; the CheckThat! integration test
//! compares the two.

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::Claim;

/// Separators a tweet signature starts with.
const SIGNATURE_DASHES: &[&str] = &[" — ", " – ", " - "];

/// The claim a tweet makes, with its author and date when signed.
pub fn claim_from_tweet(tweet: &str) -> Claim {
    let (body, claimant, claim_time) = split_signature(tweet);
    let text = strip_links(body);
    let text = if text.trim().is_empty() {
        tweet.to_owned()
    } else {
        text
    };
    Claim {
        text,
        claimant,
        claim_time,
        language: String::new(),
    }
}

/// `(body, claimant, time)`; the whole tweet as body when unsigned.
fn split_signature(tweet: &str) -> (&str, String, Option<DateTime<Utc>>) {
    let Some(handle_at) = tweet.rfind(" (@") else {
        return (tweet, String::new(), None);
    };
    let Some((dash_at, dash)) = SIGNATURE_DASHES
        .iter()
        .filter_map(|dash| tweet[..handle_at].rfind(dash).map(|at| (at, *dash)))
        .max_by_key(|(at, _)| *at)
    else {
        return (tweet, String::new(), None);
    };
    let name = tweet[dash_at + dash.len()..handle_at].trim().to_owned();
    let after_handle = tweet[handle_at..]
        .find(')')
        .map_or("", |close| &tweet[handle_at + close + 1..]);
    let time = NaiveDate::parse_from_str(after_handle.trim(), "%B %d, %Y")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc());
    (&tweet[..dash_at], name, time)
}

/// Removes `http(s)://…` and `pic.twitter.com/…` links, even when glued to
/// the word before them.
fn strip_links(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let cut = ["https://", "http://", "pic.twitter.com/"]
            .iter()
            .filter_map(|marker| word.find(marker))
            .min()
            .unwrap_or(word.len());
        let word = &word[..cut];
        if !word.is_empty() {
            if !kept.is_empty() {
                kept.push(' ');
            }
            kept.push_str(word);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn signature_becomes_claimant_and_time() {
        let claim = claim_from_tweet(
            "Fact check: the Army is NOT texting. pic.twitter.com/3S32De8ekP — U.S. Army CGSC (@USACGSC) January 8, 2020",
        );
        assert_eq!(claim.text, "Fact check: the Army is NOT texting.");
        assert_eq!(claim.claimant, "U.S. Army CGSC");
        assert_eq!(
            claim.claim_time,
            Some(Utc.with_ymd_and_hms(2020, 1, 8, 0, 0, 0).unwrap())
        );
    }

    #[test]
    fn glued_links_and_hyphen_signatures() {
        let claim = claim_from_tweet(
            "Drone attack caught on camera.#IranUsapic.twitter.com/Tv - Some One (@someone) February 5, 2019",
        );
        assert_eq!(claim.text, "Drone attack caught on camera.#IranUsa");
        assert_eq!(claim.claimant, "Some One");
    }

    #[test]
    fn unsigned_tweet_is_kept_whole() {
        let claim = claim_from_tweet("Texts about a draft circulated https://t.co/x this week.");
        assert_eq!(claim.text, "Texts about a draft circulated this week.");
        assert!(claim.claimant.is_empty() && claim.claim_time.is_none());
    }
}
