//! Tests of the check-worthiness reader, features, model file, training
//! and the shipped model.

use std::io::Write;
use std::path::Path;

use super::*;

const CLAIM: &str = "Unemployment fell to 3.5 percent last year, the lowest in 50 years.";
const NON_CLAIM: &str = "Thank you very much.";

fn temp_tsv(content: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(content.as_bytes()).expect("write temp file");
    file
}

#[test]
fn reader_handles_quotes_and_multiline_fields() {
    let file = temp_tsv(
        "Sentence_id\tText\tclass_label\n\
         1\tPlain sentence.\tNo\n\
         2\t\"He said \"\"read my lips\"\" twice.\"\tYes\n\
         3\t\"A quoted field\nthat spans\tlines.\"\tyes\n\
         \n\
         4\tLast one.\tNo\n",
    );
    let rows = read_tsv(file.path()).expect("parses");
    let texts: Vec<(&str, &str, bool)> = rows
        .iter()
        .map(|r| (r.id.as_str(), r.text.as_str(), r.worthy))
        .collect();
    assert_eq!(
        texts,
        [
            ("1", "Plain sentence.", false),
            ("2", "He said \"read my lips\" twice.", true),
            ("3", "A quoted field\nthat spans\tlines.", true),
            ("4", "Last one.", false),
        ]
    );
}

#[test]
fn reader_splits_records_run_together() {
    let file = temp_tsv(
        "Sentence_id\tText\tclass_label\n\
         24098\tWe've got to invest and grow.\tNo29286\tYou can't bring back jobs.\tNo\n",
    );
    let rows = read_tsv(file.path()).expect("parses");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].id, "29286");
    assert_eq!(rows[1].text, "You can't bring back jobs.");
    assert!(!rows[0].worthy && !rows[1].worthy);
}

#[test]
fn reader_names_the_line_of_a_bad_label() {
    let file = temp_tsv("Sentence_id\tText\tclass_label\n1\tFine.\tNo\n2\tBad.\tMaybe\n");
    let error = read_tsv(file.path()).expect_err("bad label");
    let message = error.to_string();
    assert!(
        message.contains(":3:") && message.contains("Maybe"),
        "{message}"
    );
    let missing = read_tsv(Path::new("/nonexistent/dev.tsv")).expect_err("missing file");
    assert!(
        matches!(missing, crate::FileError::Read { .. }),
        "{missing}"
    );
    let headless = temp_tsv("id\ttext\n1\tx\n");
    assert!(read_tsv(headless.path()).is_err());
}

#[test]
fn features_see_figures_person_and_shape() {
    let names = features("We cut taxes by 20 percent in 2017, the biggest cut ever!");
    for expected in [
        "q:percent",
        "q:year",
        "q:2",
        "d:down",
        "p:1p",
        "c:most",
        "x:exclaim",
        "u:tax",
        "b:we cut",
        "b:<s> we",
        "u:#num",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted, "sorted and distinct");
    assert!(names.iter().all(|n| !n.contains(['\t', '\n'])));
}

#[test]
fn builtin_model_ranks_a_claim_above_a_courtesy() {
    let model = Model::builtin();
    assert!(model.feature_count() > 100, "the shipped model has weights");
    let (claim, courtesy) = (model.score(CLAIM), model.score(NON_CLAIM));
    assert!((0.0..=1.0).contains(&claim) && (0.0..=1.0).contains(&courtesy));
    assert!(claim > courtesy, "{claim} > {courtesy}");
    assert!(
        model.is_checkworthy(CLAIM),
        "{claim} vs {}",
        model.threshold()
    );
    assert!(!model.is_checkworthy(NON_CLAIM));
}

#[test]
fn shipped_file_is_what_write_gives() {
    let mut written = Vec::new();
    Model::builtin().write(&mut written).expect("write");
    assert_eq!(String::from_utf8(written).expect("utf-8"), SHIPPED_MODEL);
}

#[test]
fn model_file_round_trips() {
    let weights = [
        ("u:tax".to_owned(), 0.123_456),
        ("b:<s> thank".to_owned(), -2.5),
        ("q:percent".to_owned(), 1.0),
        ("tiny".to_owned(), 0.000_01),
    ];
    let model = Model::new(-1.25, 0.4321, weights, vec!["note".to_owned()]);
    assert_eq!(
        model.feature_count(),
        3,
        "weights rounding to zero are dropped"
    );
    let mut bytes = Vec::new();
    model.write(&mut bytes).expect("write");
    let text = String::from_utf8(bytes).expect("utf-8");
    let parsed = Model::parse(&text).expect("parses");
    assert_eq!(parsed, model);
    let mut again = Vec::new();
    parsed.write(&mut again).expect("write");
    assert_eq!(String::from_utf8(again).expect("utf-8"), text);
    assert_eq!(parsed.score("thank you"), model.score("thank you"));
}

#[test]
fn model_parse_refuses_bad_files() {
    assert!(Model::parse("").is_err());
    assert!(Model::parse("something else\n").is_err());
    let header = "factdesk-checkworthy\t1\tbias\t0.1\tthreshold\t0.5\n";
    assert!(Model::parse(&format!("{header}u:a\tnan\n")).is_err());
    assert!(Model::parse(&format!("{header}u:a\t1\nu:a\t2\n")).is_err());
    assert!(Model::parse(&format!("{header}no weight\n")).is_err());
    assert!(Model::parse("factdesk-checkworthy\t2\tbias\t0\tthreshold\t0.5\n").is_err());
    assert!(Model::parse(&format!("{header}u:a\t1\n")).is_ok());
}

/// A tiny synthetic set: figures are check-worthy, courtesies are not.
fn synthetic() -> Vec<Labelled> {
    let worthy = [
        "Taxes rose 20 percent in 2010.",
        "We created 3 million jobs last year.",
        "Crime fell by half since 1990.",
        "The deficit doubled to $1 trillion.",
        "He voted against the bill 12 times.",
        "Spending grew 5 percent every year.",
    ];
    let not = [
        "Thank you very much.",
        "I appreciate the question.",
        "Let me say this.",
        "Good evening, everyone.",
        "Well, I think so.",
        "That's a great question.",
    ];
    let row = |(at, text): (usize, &&str), worthy: bool| Labelled {
        id: format!("{}{at}", u8::from(worthy)),
        text: (*text).to_owned(),
        worthy,
    };
    let mut rows: Vec<Labelled> = worthy.iter().enumerate().map(|r| row(r, true)).collect();
    rows.extend(not.iter().enumerate().map(|r| row(r, false)));
    rows
}

#[test]
fn training_is_deterministic_and_learns() {
    let rows = synthetic();
    let grid = &grid()[..2];
    let write = |model: &Model| {
        let mut bytes = Vec::new();
        model.write(&mut bytes).expect("write");
        bytes
    };
    let first = tune(&rows, &rows, grid).model;
    let second = tune(&rows, &rows, grid).model;
    assert_eq!(write(&first), write(&second), "byte-identical model files");
    let scores = evaluate(&first, &rows);
    assert!(scores.f1 > 0.9, "{scores}");
}

#[test]
fn best_threshold_maximises_f1() {
    let scored = [
        (0.9, true),
        (0.8, true),
        (0.7, false),
        (0.6, true),
        (0.2, false),
    ];
    let (threshold, scores) = best_threshold(&scored);
    assert!((threshold - 0.4).abs() < 1e-6, "{threshold}");
    assert_eq!((scores.tp, scores.fp, scores.fn_, scores.tn), (3, 1, 0, 1));
    assert_eq!(Scores::from_counts(0, 0, 0, 5).f1, 0.0);
}

/// The shared data, when this checkout has it beside it.
fn shared_split(name: &str) -> Option<Vec<Labelled>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/checkworthy2024");
    if !dir.exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return None;
    }
    Some(read_tsv(&dir.join(name)).expect("shared split parses"))
}

#[test]
fn shared_splits_parse_to_their_published_sizes() {
    let Some(train) = shared_split("train.tsv") else {
        return;
    };
    assert_eq!(train.len(), 22_501);
    let dev = shared_split("dev.tsv").expect("dev beside train");
    assert_eq!(dev.len(), 1_032);
    let dev_test = shared_split("dev-test.tsv").expect("dev-test beside train");
    assert_eq!(dev_test.len(), 318);
    assert!(train
        .iter()
        .all(|row| !row.text.is_empty() && !row.id.is_empty()));
    let scores = evaluate(Model::builtin(), &dev);
    assert!(scores.f1 > 0.6, "builtin model on dev: {scores}");
}
