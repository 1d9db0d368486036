//! Property test of the index against a brute-force BM25F scorer: random
//! small libraries (inserts, replacements, removals) over a small vocabulary
//! so terms repeat, then random claims with filters, claimant and claim
//! time. `Index::search` must return the statements, scores and order that
//! the formula in the module docs gives when computed naively, in `f64`,
//! from every live statement. (`pruning_tests` checks the pruned search
//! against the exhaustive one on libraries large enough to prune.)

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::{Hit, Index, Query, B, FIELDS, FIELD_WEIGHTS, K1};
use crate::model::{Attribution, CheckFilter, RankingParams, Source, Speaker, Statement};
use crate::text;

/// Statement and claim words: stems that collide (flooded, floods), case
/// variants, stop words (dropped, and not counted in field lengths), a
/// figure, a CJK run (indexed as bigrams) and speakers' names (claimant
/// terms match statements *about* the claimant).
const WORDS: &str = "cloud Cloud river flooded floods tax taxes port fares rose fell mayor \
                     budget 2024 half the of 阿里云 Ruiz Tsai wu";
/// Speakers; the empty one has no speaker. Their names are claimants too.
const SPEAKERS: [&str; 4] = ["", "Ana Ruiz", "Joseph Tsai", "Eddie Wu"];
const PUBLISHERS: [&str; 3] = ["", "Reuters", "Riverton Gazette"];
/// Days after 2024-01-01 a statement or claim may be dated.
const DAYS: [i64; 4] = [0, 3, 40, 400];
/// Fewer ids than inserts, so inserts replace and removals find statements.
const IDS: usize = 24;
/// The outcome of a property check.
type Checked = Result<(), TestCaseError>;
/// Tolerance between the index's `f32` sums and the brute force's `f64`.
const EPS: f64 = 1e-4;

fn day(offset: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::days(offset)
}

/// Up to `max` of [`WORDS`], joined.
fn words(max: usize) -> impl Strategy<Value = String> {
    let vocabulary: Vec<&str> = WORDS.split_whitespace().collect();
    vec(select(vocabulary), 0..max).prop_map(|words| words.join(" "))
}

fn statement() -> impl Strategy<Value = Statement> {
    let attribution = (
        select(&SPEAKERS[..]),
        select(&PUBLISHERS[..]),
        words(3),
        proptest::option::of(select(&DAYS[..])),
    );
    (0..IDS, words(8), words(4), attribution).prop_map(
        |(id, text, context, (speaker, publisher, title, published))| Statement {
            id: format!("s{id:02}"),
            text,
            context,
            attribution: Attribution {
                speaker: Some(Speaker {
                    name: speaker.to_owned(),
                    ..Speaker::default()
                }),
                source: Some(Source {
                    publisher: publisher.to_owned(),
                    title,
                    publish_time: published.map(day),
                    ..Source::default()
                }),
                statement_time: None,
            },
            language: "en".to_owned(),
            ..Statement::default()
        },
    )
}

/// A change to the library.
#[derive(Clone, Debug)]
enum Op {
    Put(Box<Statement>),
    Remove(String),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => statement().prop_map(|statement| Op::Put(Box::new(statement))),
        1 => (0..IDS).prop_map(|id| Op::Remove(format!("s{id:02}"))),
    ]
}

/// A search: claim words (plus one no statement holds), request context,
/// filter, ranking weight, threshold and limit.
#[derive(Clone, Debug)]
struct Ask {
    claim: Vec<&'static str>,
    claimant: &'static str,
    claim_day: Option<i64>,
    publisher: Option<&'static str>,
    start_day: Option<i64>,
    claimant_term_weight: f32,
    min_score: f32,
    limit: usize,
}

fn ask() -> impl Strategy<Value = Ask> {
    let claim_words: Vec<&str> = WORDS.split_whitespace().chain(["zebra"]).collect();
    let context = (
        select(&SPEAKERS[..]),
        proptest::option::of(select(&DAYS[..])),
        proptest::option::weighted(0.2, select(&PUBLISHERS[..])),
        proptest::option::weighted(0.2, select(&DAYS[..])),
    );
    let scoring = (
        select(vec![0.0f32, 0.3, 1.0]),
        select(vec![0.0f32, 0.1, 0.3, 0.6]),
        0usize..8,
    );
    (vec(select(claim_words), 1..6), context, scoring).prop_map(
        |(claim, (claimant, claim_day, publisher, start_day), (weight, min_score, limit))| Ask {
            claim,
            claimant,
            claim_day,
            publisher,
            start_day,
            claimant_term_weight: weight,
            min_score,
            limit,
        },
    )
}

/// One statement as the formula sees it: term counts and length per field.
struct Fields {
    counts: [HashMap<String, u32>; FIELDS],
    lengths: [f64; FIELDS],
}

impl Fields {
    fn of(statement: &Statement) -> Fields {
        let contents = [
            statement.text.as_str(),
            statement.context.as_str(),
            statement.source_title(),
        ];
        let mut fields = Fields {
            counts: Default::default(),
            lengths: [0.0; FIELDS],
        };
        for (field, content) in contents.iter().enumerate() {
            let (tokens, length) = text::analyze_field(content);
            fields.lengths[field] = f64::from(length);
            for token in tokens {
                *fields.counts[field].entry(token.term).or_default() += 1;
            }
        }
        fields
    }

    fn holds(&self, term: &str) -> bool {
        self.counts.iter().any(|counts| counts.contains_key(term))
    }

    /// BM25F term weight: field-weighted, length-normalised, saturated.
    fn saturated(&self, term: &str, average: &[f64; FIELDS]) -> f64 {
        let mut weighted = 0.0;
        for field in 0..FIELDS {
            let tf = f64::from(*self.counts[field].get(term).unwrap_or(&0));
            let norm = 1.0 - f64::from(B) + f64::from(B) * self.lengths[field] / average[field];
            weighted += f64::from(FIELD_WEIGHTS[field]) * tf / norm;
        }
        let k1 = f64::from(K1);
        weighted * (k1 + 1.0) / (k1 + weighted)
    }
}

/// What the formula gives one statement.
#[derive(Debug)]
struct Expected {
    id: String,
    bm25: f64,
    lexical: f64,
    /// Lexical score plus the context bonus, uncapped: the ranking key.
    key: f64,
}

/// Scores every live statement that shares a claim (or weighted claimant)
/// term with the query and passes its filter; unordered.
fn brute_force(library: &BTreeMap<String, Statement>, query: &Query<'_>) -> Vec<Expected> {
    let docs: Vec<(&Statement, Fields)> = library.values().map(|s| (s, Fields::of(s))).collect();
    let n = docs.len() as f64;
    let average: [f64; FIELDS] = std::array::from_fn(|field| {
        let total: f64 = docs.iter().map(|(_, fields)| fields.lengths[field]).sum();
        (total / n.max(1.0)).max(1.0)
    });
    let idf = |term: &str| {
        let df = docs.iter().filter(|(_, fields)| fields.holds(term)).count() as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    };
    let claim: BTreeSet<&str> = query.terms.iter().map(String::as_str).collect();
    let weight = f64::from(query.ranking.claimant_term_weight);
    let claimant: BTreeSet<&str> = if weight > 0.0 {
        query.claimant_terms.iter().map(String::as_str).collect()
    } else {
        BTreeSet::new()
    };
    let self_score: f64 = claim.iter().map(|term| idf(term)).sum();
    let mut expected = Vec::new();
    for (statement, fields) in &docs {
        let found = claim.iter().chain(&claimant).any(|term| fields.holds(term));
        if !found || !passes(statement, query.filter) {
            continue;
        }
        let score = |term: &&str| idf(term) * fields.saturated(term, &average);
        let bm25 =
            claim.iter().map(score).sum::<f64>() + weight * claimant.iter().map(score).sum::<f64>();
        let lexical = (bm25 / self_score).min(1.0);
        let bonus = if has_context(query) {
            bonus(statement, query)
        } else {
            0.0
        };
        expected.push(Expected {
            id: statement.id.clone(),
            bm25,
            lexical,
            key: lexical + bonus,
        });
    }
    expected
}

/// The filters the asks use: publisher (case-insensitive) and start time.
fn passes(statement: &Statement, filter: &CheckFilter) -> bool {
    let publisher = statement.publisher().to_lowercase();
    let publisher_ok = filter.publishers.is_empty() || filter.publishers.contains(&publisher);
    let time_ok = match (filter.start_time, statement.effective_time()) {
        (None, _) => true,
        (Some(start), Some(time)) => time >= start,
        (Some(_), None) => false,
    };
    publisher_ok && time_ok
}

/// Speaker bonus when the speaker is the claimant, plus the time bonus
/// `time_weight · e^(−|Δdays| / time_scale_days)`.
fn bonus(statement: &Statement, query: &Query<'_>) -> f64 {
    let ranking = query.ranking;
    let mut bonus = 0.0;
    if !query.claimant.is_empty() && statement.speaker_name().to_lowercase() == query.claimant {
        bonus += f64::from(ranking.speaker_bonus);
    }
    if let (Some(claim), Some(time)) = (query.claim_time, statement.effective_time()) {
        let days = (claim - time.timestamp()).abs() as f64 / 86_400.0;
        bonus +=
            f64::from(ranking.time_weight) * (-days / f64::from(ranking.time_scale_days)).exp();
    }
    bonus
}

/// True when the query carries request context (claimant or claim time).
fn has_context(query: &Query<'_>) -> bool {
    !query.claimant.is_empty() || query.claim_time.is_some()
}

/// Checks `hits` against the brute force: a best `limit` of the statements
/// at or above `min_score` (those within [`EPS`] of it may go either way),
/// each with the formula's scores.
fn check_hits(hits: &[Hit], expected: &[Expected], query: &Query<'_>, limit: usize) -> Checked {
    let min_score = f64::from(query.min_score);
    let by_id: HashMap<&str, &Expected> = expected.iter().map(|e| (e.id.as_str(), e)).collect();
    let capped = |e: &Expected| e.key.min(1.0);
    let required: Vec<&Expected> = expected
        .iter()
        .filter(|e| capped(e) >= min_score + EPS)
        .collect();
    let optional = expected
        .iter()
        .filter(|e| (capped(e) - min_score).abs() < EPS)
        .count();
    let context = format!("hits {hits:?}\nexpected {expected:?}");
    let (least, most) = (
        limit.min(required.len()),
        limit.min(required.len() + optional),
    );
    let count = hits.len();
    prop_assert!((least..=most).contains(&count), "{count} hits: {context}");
    let mut keys = Vec::new();
    for hit in hits {
        let Some(&want) = by_id.get(hit.id.as_str()) else {
            return Err(TestCaseError::fail(format!("{} found: {context}", hit.id)));
        };
        prop_assert!(capped(want) > min_score - EPS, "{} below min_score", hit.id);
        let scores = [
            ("bm25", hit.bm25, want.bm25),
            ("lexical", hit.lexical, want.lexical),
            ("score", hit.score, capped(want)),
        ];
        for (name, got, want) in scores {
            let close = (f64::from(got) - want).abs() <= EPS * want.abs().max(1.0);
            prop_assert!(close, "{name} of {}: {got}, formula {want}", hit.id);
        }
        prop_assert!(hit.semantic.is_none());
        keys.push(want.key);
    }
    // Best first by the uncapped key, and nothing left out beats a hit.
    let in_order = keys.windows(2).all(|pair| pair[0] >= pair[1] - EPS);
    prop_assert!(in_order, "out of order: {context}");
    let worst = keys.last().copied().unwrap_or(f64::INFINITY);
    let left_out = required
        .iter()
        .filter(|e| hits.iter().all(|hit| hit.id != e.id));
    let best_left_out = left_out.map(|e| e.key).fold(f64::NEG_INFINITY, f64::max);
    prop_assert!(
        best_left_out <= worst + EPS,
        "a better one left out: {context}"
    );
    check_ties(hits, query)
}

/// Without context the ranking key is the lexical score (the hit's score):
/// exact ties in it go by bm25, then by id.
fn check_ties(hits: &[Hit], query: &Query<'_>) -> Checked {
    if has_context(query) {
        return Ok(());
    }
    for pair in hits
        .windows(2)
        .filter(|pair| pair[0].score == pair[1].score)
    {
        prop_assert!(pair[0].bm25 >= pair[1].bm25, "tie not by bm25: {pair:?}");
        if pair[0].bm25 == pair[1].bm25 {
            prop_assert!(pair[0].id < pair[1].id, "tie not by id: {pair:?}");
        }
    }
    Ok(())
}

/// Builds the query for `ask` and compares the index with the brute force.
fn check_ask(index: &Index, library: &BTreeMap<String, Statement>, ask: &Ask) -> Checked {
    let terms: Vec<String> = text::analyze(&ask.claim.join(" "))
        .into_iter()
        .map(|token| token.term)
        .collect();
    let claimant_terms = text::terms(ask.claimant);
    let claimant = ask.claimant.to_lowercase();
    let filter = CheckFilter {
        publishers: ask
            .publisher
            .map(|p| vec![p.to_lowercase()])
            .unwrap_or_default(),
        start_time: ask.start_day.map(day),
        ..CheckFilter::default()
    };
    let ranking = RankingParams {
        claimant_term_weight: ask.claimant_term_weight,
        ..RankingParams::default()
    };
    let query = Query {
        terms: &terms,
        claimant_terms: &claimant_terms,
        claimant: &claimant,
        claim_time: ask.claim_day.map(|offset| day(offset).timestamp()),
        filter: &filter,
        ranking: &ranking,
        min_score: ask.min_score,
    };
    let hits = index.search(&query, ask.limit);
    // Short lists are scored exhaustively; the pruned walk must agree.
    prop_assert_eq!(&index.search_pruned(&query, ask.limit), &hits);
    if library.is_empty() || terms.is_empty() || ask.limit == 0 {
        prop_assert!(hits.is_empty(), "{hits:?}");
        return Ok(());
    }
    check_hits(&hits, &brute_force(library, &query), &query, ask.limit)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn search_agrees_with_brute_force_bm25f(ops in vec(op(), 0..60), asks in vec(ask(), 1..8)) {
        let mut index = Index::default();
        let mut library = BTreeMap::new();
        for op in ops {
            match op {
                Op::Put(statement) => {
                    index.insert(&statement);
                    library.insert(statement.id.clone(), *statement);
                }
                Op::Remove(id) => {
                    prop_assert_eq!(index.remove(&id), library.remove(&id).is_some());
                }
            }
        }
        prop_assert_eq!(index.len(), library.len());
        for ask in &asks {
            check_ask(&index, &library, ask)?;
        }
    }
}
