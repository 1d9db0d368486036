//! The index file (`factdesk.index`): a restart after a clean close loads
//! it and answers as a rebuild would; a store write the file does not know
//! of (a crash between store and index), a damaged file or another
//! embedding model make the start rebuild from the store instead.

use factdesk::model::{CheckOptions, Claim, Statement};
use factdesk::store::{ReplaceOutcome, Store, VectorChange};
use factdesk::Library;

use crate::harness::open_library;

fn statement(id: &str, text: &str) -> Statement {
    Statement {
        id: id.into(),
        text: text.into(),
        ..Statement::default()
    }
}

/// The ids a check of `text` returns, best first.
fn answer(library: &Library, text: &str) -> Vec<String> {
    let claim = Claim {
        text: text.into(),
        ..Claim::default()
    };
    let options = CheckOptions {
        min_score: 0.0,
        ..CheckOptions::default()
    };
    let result = library.check(&claim, &options).unwrap();
    result.matches.into_iter().map(|m| m.statement.id).collect()
}

const CLAIM: &str = "the harbour lighthouse was repainted";

fn fill(library: &Library) {
    for (id, text) in [
        ("a", "The harbour lighthouse was repainted blue in 1987"),
        ("b", "The old lighthouse keeper retired in 1990"),
        ("c", "The ferry to the island runs twice a day"),
        ("d", "The harbour wall was rebuilt after the storm"),
    ] {
        library.create(statement(id, text)).unwrap();
    }
    library.delete("c").unwrap();
}

#[test]
fn a_clean_restart_loads_the_index_file_and_answers_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let library = open_library(&db, None);
    assert!(
        !library.index_from_file(),
        "a new database builds its index"
    );
    fill(&library);
    let before = answer(&library, CLAIM);
    assert_eq!(before.first().map(String::as_str), Some("a"));
    drop(library);
    assert!(db.join(factdesk::library::INDEX_FILE).is_file());

    let library = open_library(&db, None);
    assert!(
        library.index_from_file(),
        "nothing changed: the file is used"
    );
    assert_eq!(answer(&library, CLAIM), before);
    assert!(library.audit().unwrap().agrees());
    // A write after loading is in the file written at the next close.
    library
        .create(statement("e", "The lighthouse lamp was replaced"))
        .unwrap();
    let after = answer(&library, CLAIM);
    drop(library);
    let library = open_library(&db, None);
    assert!(library.index_from_file());
    assert_eq!(answer(&library, CLAIM), after);
    assert!(library.audit().unwrap().agrees());
}

#[test]
fn a_write_the_file_does_not_know_of_makes_the_start_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let library = open_library(&db, None);
    fill(&library);
    drop(library);
    // The store takes a write and the process dies before any index file
    // is written: the store alone, as after a crash between the two.
    // A correction keeps the statement count: only the write generation
    // tells the file is stale.
    let store = Store::open(&db).unwrap();
    let current = store.get("a").unwrap().unwrap();
    let corrected = Statement {
        text: "The ferry timetable changed in spring".into(),
        ..current.clone()
    };
    let outcome = store
        .replace(&current, &corrected, &VectorChange::Keep)
        .unwrap();
    assert_eq!(outcome, ReplaceOutcome::Replaced);
    drop(store);
    let library = open_library(&db, None);
    assert!(!library.index_from_file(), "a stale file is never used");
    assert_eq!(
        answer(&library, "ferry timetable changed in spring")[0],
        "a"
    );
    assert!(library.audit().unwrap().agrees());
    drop(library);
    // And a new statement, likewise.
    let store = Store::open(&db).unwrap();
    store
        .insert_new(
            &statement("late", "The harbour lighthouse was repainted red"),
            None,
        )
        .unwrap();
    drop(store);
    let library = open_library(&db, None);
    assert!(!library.index_from_file());
    assert!(answer(&library, CLAIM).contains(&"late".to_owned()));
    assert!(library.audit().unwrap().agrees());
    drop(library);
    assert!(
        open_library(&db, None).index_from_file(),
        "rewritten after the rebuild"
    );
}

#[test]
fn a_damaged_index_file_is_rebuilt_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let library = open_library(&db, None);
    fill(&library);
    let before = answer(&library, CLAIM);
    drop(library);
    let path = db.join(factdesk::library::INDEX_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let library = open_library(&db, None);
    assert!(!library.index_from_file());
    assert_eq!(answer(&library, CLAIM), before);
    drop(library);
    std::fs::write(&path, b"not an index").unwrap();
    let library = open_library(&db, None);
    assert!(!library.index_from_file());
    assert_eq!(answer(&library, CLAIM), before);
}

#[test]
fn another_embedding_model_rebuilds_with_its_vectors() {
    let Some(embedder) = crate::harness::embedding_model() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let library = open_library(&db, None);
    fill(&library);
    drop(library);
    // The lexical file holds no vectors: with a model, the start rebuilds.
    let library = open_library(&db, Some(std::sync::Arc::clone(&embedder)));
    assert!(!library.index_from_file());
    assert!(library.audit().unwrap().agrees());
    drop(library);
    let library = open_library(&db, Some(embedder));
    assert!(library.index_from_file(), "the same model: the file serves");
    assert!(library.audit().unwrap().agrees());
    drop(library);
    assert!(
        !open_library(&db, None).index_from_file(),
        "and lexical again rebuilds"
    );
}
