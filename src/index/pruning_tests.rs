//! Property test of the pruned search against exhaustive scoring: random
//! libraries large enough that posting lists span many blocks, with a
//! skewed vocabulary (a few words in most statements, many rare ones),
//! then replacements and removals that move the block bounds, then random
//! queries with claimant, time, filters, limits and score floors. The
//! pruned top-k must be the exhaustive one: same statements, same order,
//! bit-identical scores; and the index read back from its file, where
//! statements are renumbered, must find the same statements in the same
//! order.

use std::collections::HashMap;

use proptest::prelude::*;

use super::{AnalysedDoc, DocMeta, Hit, Index, Query, Stamp, FIELDS};
use crate::model::{CheckFilter, RankingParams};

const SPEAKERS: [&str; 4] = ["", "ana ruiz", "joseph tsai", "eddie wu"];
const PUBLISHERS: [&str; 3] = ["", "reuters", "gazette"];
const DAY: i64 = 86_400;

/// Word `i` of a vocabulary where low numbers are common: the rank is
/// drawn as `vocabulary · u³`, so a few words are in most statements.
fn word(rng: &mut fastrand::Rng, vocabulary: usize) -> String {
    let u = rng.f32();
    let rank = ((u * u * u) * vocabulary as f32) as usize;
    format!("w{}", rank.min(vocabulary - 1))
}

fn doc(rng: &mut fastrand::Rng, id: usize, vocabulary: usize) -> AnalysedDoc {
    let mut term_frequencies: HashMap<String, [u16; FIELDS]> = HashMap::new();
    let mut lengths = [0u32; FIELDS];
    for (field, length) in lengths.iter_mut().enumerate() {
        *length = rng.u32(0..[30, 12, 8][field]);
        for _ in 0..*length {
            term_frequencies.entry(word(rng, vocabulary)).or_default()[field] += 1;
        }
    }
    AnalysedDoc {
        meta: DocMeta {
            id: format!("s{id:04}"),
            publisher: PUBLISHERS[rng.usize(..PUBLISHERS.len())].to_owned(),
            speaker: SPEAKERS[rng.usize(..SPEAKERS.len())].to_owned(),
            language: "en".to_owned(),
            time: rng.bool().then(|| rng.i64(0..400) * DAY),
        },
        term_frequencies,
        lengths,
        vector: None,
    }
}

/// A library of `size` statements, then `churn` replacements or removals.
fn library(seed: u64, size: usize, churn: usize, vocabulary: usize) -> Index {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut index = Index::default();
    for id in 0..size {
        index.insert_analysed(doc(&mut rng, id, vocabulary));
    }
    for _ in 0..churn {
        let id = rng.usize(..size);
        if rng.bool() {
            index.remove(&format!("s{id:04}"));
        } else {
            index.insert_analysed(doc(&mut rng, id, vocabulary));
        }
    }
    index
}

struct Ask {
    terms: Vec<String>,
    claimant: &'static str,
    claim_time: Option<i64>,
    filter: CheckFilter,
    ranking: RankingParams,
    min_score: f32,
    limit: usize,
}

fn ask(seed: u64, vocabulary: usize) -> Ask {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut terms: Vec<String> = (0..rng.usize(1..14))
        .map(|_| word(&mut rng, vocabulary))
        .collect();
    if rng.u8(..4) == 0 {
        terms.push("unknown".to_owned());
    }
    let mut filter = CheckFilter::default();
    match rng.u8(..6) {
        0 => filter.publishers = vec!["reuters".to_owned()],
        1 => filter.speakers = vec!["ana ruiz".to_owned(), "eddie wu".to_owned()],
        _ => {}
    }
    let ranking = RankingParams {
        claimant_term_weight: [0.0, 0.3, 1.0][rng.usize(..3)],
        speaker_bonus: [0.1, 0.1, 0.0, 2.0][rng.usize(..4)],
        time_weight: [0.2, 0.2, 0.0, 1.5][rng.usize(..4)],
        time_scale_days: [30.0, 30.0, 1.0, 1000.0][rng.usize(..4)],
        ..RankingParams::default()
    };
    Ask {
        terms,
        claimant: SPEAKERS[rng.usize(..SPEAKERS.len())],
        claim_time: rng.bool().then(|| rng.i64(0..400) * DAY),
        filter,
        ranking,
        min_score: [0.0, 0.0, 0.1, 0.3, 0.6][rng.usize(..5)],
        limit: [1, 5, 5, 20, 100][rng.usize(..5)],
    }
}

fn same(pruned: &[Hit], exhaustive: &[Hit]) -> Result<(), TestCaseError> {
    prop_assert_eq!(pruned.len(), exhaustive.len());
    for (a, b) in pruned.iter().zip(exhaustive) {
        prop_assert_eq!(&a.id, &b.id);
        prop_assert_eq!(a.bm25.to_bits(), b.bm25.to_bits(), "bm25 of {}", a.id);
        prop_assert_eq!(a.score.to_bits(), b.score.to_bits(), "score of {}", a.id);
    }
    Ok(())
}

/// The same statements in the same order, scores equal but for rounding:
/// an index read from its file takes its block bounds at the averages of
/// now, which can order two terms' sums the other way.
fn close(loaded: &[Hit], built: &[Hit]) -> Result<(), TestCaseError> {
    prop_assert_eq!(loaded.len(), built.len());
    for (a, b) in loaded.iter().zip(built) {
        prop_assert_eq!(&a.id, &b.id);
        prop_assert!((a.score - b.score).abs() <= 1e-5 * b.score.abs().max(1.0));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn pruned_search_returns_the_exhaustive_top_k(
        seed in any::<u64>(),
        size in 50usize..900,
        churn in 0usize..80,
        vocabulary in 20usize..400,
        asks in proptest::collection::vec(any::<u64>(), 1..12),
    ) {
        let index = library(seed, size, churn, vocabulary);
        // The index as a start loads it: renumbered, similar statements
        // together, removed ones gone (`snapshot/order.rs`).
        let bytes = index.to_snapshot(&Stamp::default());
        let (loaded, _) = Index::from_snapshot(&bytes).unwrap();
        for ask_seed in asks {
            let ask = ask(ask_seed, vocabulary);
            let claimant_terms: Vec<String> =
                ask.claimant.split_whitespace().map(str::to_owned).collect();
            let query = Query {
                terms: &ask.terms,
                claimant_terms: &claimant_terms,
                claimant: ask.claimant,
                claim_time: ask.claim_time,
                filter: &ask.filter,
                ranking: &ask.ranking,
                min_score: ask.min_score,
            };
            let pruned = index.search_pruned(&query, ask.limit);
            let exhaustive = index.search_exhaustive(&query, ask.limit);
            same(&pruned, &exhaustive)?;
            let from_file = loaded.search_pruned(&query, ask.limit);
            same(&from_file, &loaded.search_exhaustive(&query, ask.limit))?;
            close(&from_file, &exhaustive)?;
        }
    }
}

/// The bounds follow the averages: a library whose statements grow long
/// after the bounds were taken (so averages pass them) still prunes
/// safely, and so does one whose long statements are then removed.
#[test]
fn bounds_are_retaken_when_averages_move() {
    let mut rng = fastrand::Rng::with_seed(7);
    let mut index = Index::default();
    for id in 0..400 {
        let mut doc = doc(&mut rng, id, 50);
        if id >= 200 {
            doc.lengths = doc.lengths.map(|length| length * 4 + 20);
        }
        index.insert_analysed(doc);
    }
    for id in (200..400).step_by(2) {
        index.remove(&format!("s{id:04}"));
    }
    for seed in 0..200 {
        let ask = ask(seed, 50);
        let query = Query {
            terms: &ask.terms,
            claimant_terms: &[],
            claimant: "",
            claim_time: None,
            filter: &ask.filter,
            ranking: &ask.ranking,
            min_score: ask.min_score,
        };
        let pruned = index.search_pruned(&query, ask.limit);
        assert_eq!(
            pruned,
            index.search_exhaustive(&query, ask.limit),
            "ask {seed}"
        );
    }
}
