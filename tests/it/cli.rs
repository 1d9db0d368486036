//! The offline `import` and `export` commands of the real binary.

use crate::harness::process::factdesk_command;
use crate::harness::process::run_factdesk as factdesk;
use crate::harness::strip_create_times;

const LINES: &str = r#"{"id": "a-1", "text": "Unemployment fell to 4 percent.", "attribution": {"speaker": {"name": "Ann Lee", "title": "Senator"}, "source": {"publisher": "PolitiFact", "publishTime": "2020-01-02T00:00:00Z"}}, "topics": ["jobs"], "rating": {"textualRating": "true", "reviewer": "PolitiFact"}}
{"id": "a-2", "text": "not closed
{"id": "a-3", "text": ""}
{"id": "a-4", "text": "Crime doubled in two years.", "unknownField": 1}

{"id": "a-5", "text": "Taxes rose twice.", "context": "a debate"}
"#;

/// Lines without ids get ids derived from their content: importing the
/// file again changes nothing (it used to double them).
#[test]
fn lines_without_ids_import_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("noid.jsonl");
    std::fs::write(
        &input,
        "{\"text\": \"The quay lamp was lit at dusk.\"}\n{\"text\": \"The ferry left at dawn.\"}\n",
    )
    .unwrap();
    let db = dir.path().join("db");
    for expected in ["2 created, 0 unchanged", "0 created, 2 unchanged"] {
        let output = factdesk(&[
            "import",
            "--create",
            input.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
    let exported = factdesk(&["export", "--db", db.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&exported.stdout).lines().count(), 2);
}

#[test]
fn import_reports_bad_lines_and_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, LINES).unwrap();
    let first_db = dir.path().join("first");
    let output = factdesk(&[
        "import",
        "--create",
        input.to_str().unwrap(),
        "--db",
        first_db.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "rejected lines: exit 1; {stderr}"
    );
    assert!(stderr.contains("pass --allow-rejects"), "{stderr}");
    assert!(stderr.contains("in.jsonl:2: bad JSON"), "{stderr}");
    assert!(
        stderr.contains("in.jsonl:3: text: must not be empty"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in.jsonl:4: bad JSON: unknown field `unknownField`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 created, 0 unchanged, 3 rejected"),
        "{stderr}"
    );

    // Importing the same file again changes nothing.
    let again = factdesk(&[
        "import",
        "--create",
        input.to_str().unwrap(),
        "--db",
        first_db.to_str().unwrap(),
        "--allow-rejects",
    ]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 created, 2 unchanged"));

    let exported = factdesk(&["export", "--db", first_db.to_str().unwrap()]);
    assert!(exported.status.success());
    let exported = String::from_utf8(exported.stdout).unwrap();
    assert_eq!(exported.lines().count(), 2);
    assert!(
        exported.contains(r#""publishTime":"2020-01-02T00:00:00Z""#),
        "{exported}"
    );

    let round_trip = dir.path().join("exported.jsonl");
    std::fs::write(&round_trip, &exported).unwrap();
    let second_db = dir.path().join("second");
    let imported = factdesk(&[
        "import",
        "--create",
        round_trip.to_str().unwrap(),
        "--db",
        second_db.to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    let second_export = factdesk(&["export", "--db", second_db.to_str().unwrap()]);
    let second_export = String::from_utf8(second_export.stdout).unwrap();
    assert_eq!(
        strip_create_times(&second_export),
        strip_create_times(&exported)
    );
}

#[test]
fn env_variable_sets_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("one.jsonl");
    std::fs::write(&input, "{\"id\":\"x\",\"text\":\"hello\"}\n").unwrap();
    let db = dir.path().join("db");
    let status = factdesk_command(&["import", "--create", input.to_str().unwrap()])
        .env("FACTDESK_DB", &db)
        .output()
        .unwrap();
    assert!(status.status.success());
    let exported = factdesk(&["export", "--db", db.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&exported.stdout).contains("\"id\":\"x\""));
}

#[test]
fn newer_schema_fails_with_clear_message_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.insert("format", "factdesk").unwrap();
        meta.insert("schema_version", &99u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    let (code, stderr) = serve_exit(dir.path());
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("schema version 99"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Runs `serve` on `db` and waits (at most a minute) for it to give up;
/// returns the exit code and stderr.
fn serve_exit(db: &std::path::Path) -> (Option<i32>, String) {
    let args = ["serve", "--insecure-open-writes", "--listen", "127.0.0.1:0"];
    let mut child = factdesk_command(&args)
        .arg("--db")
        .arg(db)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!(
                "serve started on the database at {}: {}",
                db.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

#[test]
fn foreign_directories_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a database").unwrap();
    let (code, stderr) = serve_exit(dir.path());
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("is not a factdesk database"), "{stderr}");
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "nothing written beside notes.txt");

    let (code, stderr) = serve_exit(&notes);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("it is a file"), "{stderr}");

    // Another program's sled database.
    let other = tempfile::tempdir().unwrap();
    {
        let db = sled::open(other.path()).unwrap();
        db.insert("user:1", "alice").unwrap();
        db.flush().unwrap();
    }
    let (code, stderr) = serve_exit(other.path());
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("no factdesk metadata"), "{stderr}");
}

#[test]
fn damaged_databases_are_refused_with_exit_code_3() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    // 1,999 statements: below the 2,000 at which the store trains its
    // compression dictionary, so records stay JSON and the overwrite below
    // can find their bytes in the log.
    let lines: String = (0..1999)
        .map(|i| format!("{{\"id\":\"s{i}\",\"text\":\"Statement {i}: the port moved {} boxes in week {}.\"}}\n", i * 7, i % 52))
        .collect();
    std::fs::write(&input, lines).unwrap();
    // Compacted after the import (a key-order copy, `meta` last) and not.
    let good = dir.path().join("good");
    let uncompacted = dir.path().join("uncompacted");
    for (db, extra) in [(&good, None), (&uncompacted, Some("--no-compact"))] {
        let mut args = vec!["import", "--create", input.to_str().unwrap()];
        args.extend(["--db", db.to_str().unwrap()]);
        args.extend(extra);
        assert!(factdesk(&args).status.success());
    }

    let copy_of = |from: &std::path::Path, name: &str| {
        let target = dir.path().join(name);
        std::fs::create_dir(&target).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
            }
        }
        target
    };
    let copy = |name: &str| copy_of(&good, name);
    // Every copy of some statements' bytes overwritten in the log (so the
    // live version is hit, wherever sled put it).
    let overwrite = |from: &std::path::Path, name: &str| {
        let overwritten = copy_of(from, name);
        let log = overwritten.join("db");
        let mut bytes = std::fs::read(&log).unwrap();
        let needle = b"Statement 15";
        let mut hits = 0;
        for start in 0..bytes.len() - needle.len() {
            if &bytes[start..start + needle.len()] == needle {
                bytes[start..start + needle.len()].fill(b'X');
                hits += 1;
            }
        }
        assert!(
            hits >= 111,
            "statements 15, 150-159, 1500-1599 found: {hits}"
        );
        std::fs::write(&log, bytes).unwrap();
        overwritten
    };
    let overwritten = overwrite(&good, "overwritten");
    let overwritten_uncompacted = overwrite(&uncompacted, "overwritten-uncompacted");
    // A damaged configuration file (sled alone would start afresh).
    let bad_conf = copy("bad-conf");
    std::fs::write(bad_conf.join("conf"), "garbage").unwrap();
    // The configuration file gone.
    let no_conf = copy("no-conf");
    std::fs::remove_file(no_conf.join("conf")).unwrap();

    // sled's log holds fewer writes than factdesk recorded as acknowledged
    // (what sled's silent prefix recovery of a damaged log leaves).
    let rolled_back = copy("rolled-back");
    let recorded = std::fs::read_to_string(rolled_back.join("factdesk.generation")).unwrap();
    assert!(recorded.starts_with("factdesk generation "), "{recorded}");
    std::fs::write(
        rolled_back.join("factdesk.generation"),
        "factdesk generation 999999\n",
    )
    .unwrap();
    let (code, stderr) = serve_exit(&rolled_back);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("recovered only part of its log"),
        "{stderr}"
    );

    for damaged in [overwritten, overwritten_uncompacted, bad_conf, no_conf] {
        let (code, stderr) = serve_exit(&damaged);
        assert_eq!(code, Some(3), "{}: {stderr}", damaged.display());
        assert!(stderr.contains("damaged"), "{stderr}");
        assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    }
    let output = factdesk(&["export", "--db", good.to_str().unwrap()]);
    assert!(output.status.success(), "the original still opens");
}

#[test]
fn serve_refuses_to_start_without_a_write_token() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["serve", "--listen", "127.0.0.1:0", "--db"];
    let output = factdesk_command(&args)
        .arg(dir.path().join("db"))
        .env("FACTDESK_LOG", "warn")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--insecure-open-writes"), "{stderr}");
    assert!(!dir.path().join("db").exists(), "no database was created");

    let output = factdesk_command(&args)
        .arg(dir.path().join("db"))
        .env("FACTDESK_WRITE_TOKEN", "too-short")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("FACTDESK_WRITE_TOKEN: must be 16"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("too-short"),
        "the token is not echoed: {stderr}"
    );
}

#[test]
fn serve_refuses_settings_that_cannot_work() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, value) in [
        ("--request-timeout-secs", "0"),
        ("--max-message-bytes", "0"),
        ("--speaker-bonus", "NaN"),
        ("--semantic-weight", "inf"),
        ("--time-scale-days", "-1"),
    ] {
        let setting = format!("{flag}={value}");
        let output = factdesk_command(&["serve", "--demo", "--listen", "127.0.0.1:0", &setting])
            .arg("--db")
            .arg(dir.path().join("db"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(flag), "{flag} {value}: {stderr}");
        assert!(
            !dir.path().join("db").exists(),
            "{flag}: no database was created"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_token_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("write.token");
    std::fs::write(&token, "a-write-token-of-enough-length-0123").unwrap();
    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "not a database").unwrap();
    let run = || {
        let output = factdesk_command(&["serve", "--listen", "127.0.0.1:0"])
            .arg("--write-token-file")
            .arg(&token)
            .arg("--db")
            .arg(&foreign)
            .env("FACTDESK_LOG", "warn")
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let stderr = run();
    assert!(
        stderr.contains("token file is readable by others"),
        "{stderr}"
    );
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let stderr = run();
    assert!(!stderr.contains("readable by others"), "{stderr}");
}

/// A disk that filled while sled wrote a snapshot can leave an empty
/// `snap.*.generating` file; sled renames a snapshot only once it is whole,
/// so such a file is an unfinished one, not damage (hardening II, 8a).
#[test]
fn an_unfinished_snapshot_file_does_not_make_a_database_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("one.jsonl");
    std::fs::write(
        &file,
        "{\"id\": \"kept\", \"text\": \"The ferry runs hourly.\"}\n",
    )
    .unwrap();
    let imported = factdesk(&[
        "import",
        "--create",
        file.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    std::fs::write(db.join("snap.FFFFFFFFFFFFFFFF.generating"), b"").unwrap();
    let exported = factdesk(&["export", "--db", db.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&exported.stderr);
    assert!(exported.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&exported.stdout).contains("\"kept\""));
    assert!(!db.join("snap.FFFFFFFFFFFFFFFF.generating").exists());

    // While another process has the database open, its snapshot files are
    // its own: left alone.
    let open = factdesk::store::Store::open(&db).unwrap();
    std::fs::write(db.join("snap.FFFFFFFFFFFFFFFE.generating"), b"").unwrap();
    let refused = factdesk(&["export", "--db", db.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(db.join("snap.FFFFFFFFFFFFFFFE.generating").exists());
    drop(open);
}

/// Boolean variables take the usual spellings (FACTDESK_DEMO=1 was
/// refused: only true/false). Without a write token `serve` starts only in
/// demo mode, so serving at all shows the variable was read as true.
#[test]
fn boolean_variables_accept_1_yes_on() {
    for value in ["1", "yes", "on"] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        let (server, _address, _log) = crate::harness::process::spawn_server(
            &[
                "serve",
                "--db",
                db.to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
            ],
            &[("FACTDESK_DEMO", value)],
        );
        drop(server);
    }
    let refused = factdesk_command(&["serve", "--listen", "127.0.0.1:0", "--db", "nowhere"])
        .env("FACTDESK_DEMO", "maybe")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "not a boolean");
}

/// `export --db` with a typo used to create an empty database and print
/// "exported 0 statements" with exit 0; a database a server holds gave
/// sled's raw lock error. Both are now plain errors with exit code 3, and
/// `import` makes a database only when told to (`--create`).
#[test]
fn export_and_import_refuse_a_missing_or_locked_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo");
    let output = factdesk(&["export", "--db", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no database at"));
    assert!(!missing.exists(), "nothing was created");
    let input = dir.path().join("one.jsonl");
    std::fs::write(&input, "{\"text\": \"The quay was rebuilt in 1990.\"}\n").unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            input.to_str().unwrap(),
            "--db",
            missing.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        factdesk(&args)
    };
    let output = import(&[]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pass --create"), "{stderr}");
    assert!(!missing.exists(), "nothing was created");
    assert!(import(&["--create"]).status.success());
    assert!(import(&[]).status.success(), "it exists now");

    let db = dir.path().join("db");
    let (server, _address, _log) = crate::harness::process::spawn_demo_server(&db, &[]);
    let output = factdesk(&["export", "--db", db.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("locked by a running server"), "{stderr}");
    drop(server);
}
