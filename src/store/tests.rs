//! Store tests: schema checks, idempotent inserts, and a property test of
//! the store against a `BTreeMap` model.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

fn statement(id: &str, text: &str) -> Statement {
    Statement {
        id: id.to_owned(),
        text: text.to_owned(),
        ..Statement::default()
    }
}

/// Opens the store at `path` again once the last handle is dropped: sled's
/// flusher thread can hold the file lock for a moment after a big write
/// (polled for at most 10 s; there is no event to wait on).
pub(super) fn reopen(path: &Path) -> Store {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match Store::open(path) {
            Err(StoreError::Locked { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            opened => return opened.unwrap(),
        }
    }
}

#[test]
fn reopen_keeps_statements() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.insert_new(&statement("a", "one"), None).unwrap();
    }
    let store = reopen(dir.path());
    assert_eq!(store.get("a").unwrap().unwrap().text, "one");
}

#[test]
fn same_id_same_content_is_unchanged_else_conflict() {
    let store = Store::temporary().unwrap();
    let first = statement("a", "one");
    assert!(matches!(
        store.insert_new(&first, None).unwrap(),
        InsertOutcome::Created(_)
    ));
    assert!(matches!(
        store.insert_new(&first, None).unwrap(),
        InsertOutcome::Unchanged(_)
    ));
    let other = statement("a", "two");
    assert_eq!(
        store.insert_new(&other, None).unwrap(),
        InsertOutcome::Conflict
    );
    assert_eq!(store.get("a").unwrap().unwrap().text, "one");
}

#[test]
fn newer_schema_is_refused_with_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        let meta = db.open_tree(META_TREE).unwrap();
        meta.insert("format", FORMAT_MARK).unwrap();
        meta.insert("schema_version", &7u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    let error = Store::open(dir.path()).err().unwrap();
    assert!(error.to_string().contains("schema version 7"), "{error}");
}

#[test]
fn foreign_sled_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        db.open_tree("users").unwrap().insert("k", "v").unwrap();
        db.flush().unwrap();
    }
    let error = Store::open(dir.path()).err().unwrap();
    assert!(
        error.to_string().contains("not a factdesk database"),
        "{error}"
    );
}

#[test]
fn batch_reports_each_outcome() {
    let store = Store::temporary().unwrap();
    store.insert_new(&statement("b", "held"), None).unwrap();
    let outcomes = store
        .insert_batch(&[
            (statement("a", "x"), Some(vec![1.0, 2.0])),
            (statement("b", "other"), None),
            (statement("a", "x"), None),
        ])
        .unwrap();
    assert!(matches!(outcomes[0], InsertOutcome::Created(_)));
    assert_eq!(outcomes[1], InsertOutcome::Conflict);
    assert!(matches!(outcomes[2], InsertOutcome::Unchanged(_)));
    assert_eq!(store.vector("a").unwrap(), Some(vec![1.0, 2.0]));
    store.remove("a").unwrap();
    assert_eq!(store.vector("a").unwrap(), None);
}

#[derive(Clone, Debug)]
enum Op {
    Insert(String, String),
    Remove(String),
}

fn op() -> impl Strategy<Value = Op> {
    let id = "[a-d]{1,2}";
    prop_oneof![
        (id, "[xy]").prop_map(|(id, text)| Op::Insert(id, text)),
        id.prop_map(Op::Remove),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn store_matches_btreemap(ops in proptest::collection::vec(op(), 1..40)) {
        let store = Store::temporary().unwrap();
        let mut model: BTreeMap<String, String> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Insert(id, text) => {
                    let outcome = store.insert_new(&statement(&id, &text), None).unwrap();
                    match model.get(&id) {
                        None => { prop_assert!(matches!(outcome, InsertOutcome::Created(_))); model.insert(id, text); }
                        Some(held) if *held == text => prop_assert!(matches!(outcome, InsertOutcome::Unchanged(_))),
                        Some(_) => prop_assert_eq!(outcome, InsertOutcome::Conflict),
                    }
                }
                Op::Remove(id) => prop_assert_eq!(store.remove(&id).unwrap(), model.remove(&id).is_some()),
            }
        }
        let listed: Vec<(String, String)> = store
            .scan_after(None)
            .map(|s| s.map(|s| (s.id, s.text)))
            .collect::<Result<_, _>>()
            .unwrap();
        let expected: Vec<(String, String)> = model.into_iter().collect();
        prop_assert_eq!(&listed, &expected);
        if let Some((first, _)) = expected.first() {
            let after: Vec<String> = store.scan_after(Some(first)).map(|s| s.unwrap().id).collect();
            prop_assert_eq!(after, expected[1..].iter().map(|(id, _)| id.clone()).collect::<Vec<_>>());
        }
    }
}

/// The first byte of the record stored under `id` (`{` for JSON).
fn record_tag(store: &Store, id: &str) -> u8 {
    store.statements.get(id).unwrap().unwrap()[0]
}

#[test]
fn version_2_database_is_read_as_it_is_and_new_records_are_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let old = statement("old", "written by schema 2");
    {
        let db = sled::open(dir.path()).unwrap();
        let meta = db.open_tree(META_TREE).unwrap();
        meta.insert("format", FORMAT_MARK).unwrap();
        meta.insert("schema_version", &2u32.to_be_bytes()).unwrap();
        let statements = db.open_tree(STATEMENTS_TREE).unwrap();
        statements
            .insert("old", old.to_json_line().as_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let batch: Vec<(Statement, Option<Vec<f32>>)> = (0..2500)
        .map(|i| {
            (
                statement(&format!("new{i:04}"), &format!("statement {i} of many")),
                None,
            )
        })
        .collect();
    {
        let store = reopen(dir.path());
        assert_eq!(store.get("old").unwrap(), Some(old.clone()));
        let version = store.meta.get("schema_version").unwrap().unwrap();
        assert_eq!(version.as_ref(), SCHEMA_VERSION.to_be_bytes());
        store.insert_batch(&batch).unwrap();
        assert_eq!(record_tag(&store, "old"), b'{');
        assert_eq!(record_tag(&store, "new0000"), 1);
        let changed = statement("new0001", "changed after the dictionary");
        let outcome = store.replace(&batch[1].0, &changed, &VectorChange::Keep);
        assert_eq!(outcome.unwrap(), ReplaceOutcome::Replaced);
        assert_eq!(record_tag(&store, "new0001"), 1);
    }
    let store = reopen(dir.path());
    let all: Vec<Statement> = store.scan_after(None).collect::<Result<_, _>>().unwrap();
    assert_eq!(all.len(), 2501);
    assert_eq!(store.get("old").unwrap(), Some(old));
    assert_eq!(
        store.get("new0001").unwrap().unwrap().text,
        "changed after the dictionary"
    );
    assert_eq!(store.get("new2499").unwrap(), Some(batch[2499].0.clone()));
    let records = store.raw_records().unwrap();
    let (id, record) = &records[1000];
    assert_eq!(decode_record(id, record).unwrap().id, *id);
}
