//! The shipped tables say what newsroom wording needs.

use super::{key, keys, lexicon};
use crate::text::analyze;

fn same(a: &str, b: &str) -> bool {
    lexicon().same(&key(a).unwrap(), &key(b).unwrap())
}

fn opposite(a: &str, b: &str) -> bool {
    lexicon().opposite(&key(a).unwrap(), &key(b).unwrap())
}

#[test]
fn phrases_key_by_their_stems() {
    assert_eq!(key("stepped down").as_deref(), Some("step down"));
    assert_eq!(key("spin-off").as_deref(), Some("spinoff"));
    assert_eq!(key("resigned").as_deref(), Some("resign"));
    assert_eq!(key("the"), None);
    let found: Vec<String> = keys(&analyze("he stepped down"))
        .into_iter()
        .map(|(_, _, key)| key)
        .collect();
    assert!(found.contains(&"step down".to_owned()), "{found:?}");
}

#[test]
fn synonyms_meet() {
    for (a, b) in [
        ("resigned", "stepped down"),
        ("quit", "resign"),
        ("left", "resigned"),
        ("cancelled", "called off"),
        ("abandoned", "scrapped"),
        ("victor", "winner"),
        ("spare", "extra"),
        ("nation", "country"),
        ("united states", "america"),
        ("equal", "equivalent"),
        ("dead", "death"),
    ] {
        assert!(same(a, b), "{a} ~ {b}");
    }
    assert!(!same("resigned", "stayed"));
    assert!(!same("increase", "decrease"));
}

#[test]
fn opposites_meet() {
    for (a, b) in [
        ("stayed", "resigned"),
        ("remains", "stepped down"),
        ("went ahead", "abandoned"),
        ("completed", "called off"),
        ("increase", "decrease"),
        ("win", "lose"),
    ] {
        assert!(opposite(a, b), "{a} vs {b}");
    }
    assert!(!opposite("resigned", "quit"));
}
