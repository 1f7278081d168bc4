//! `mailsweep apply` and `undo` on copies of real corpora (an mbox, a Maildir in `fs`
//! layout, a Maildir++, a folder of .eml files): after the apply Python's stdlib
//! `mailbox` sees exactly the expected messages in every folder; after the undo every
//! file hashes as before. Also: dry runs, a second apply, verification, bad manifests.

mod apply_support;

use std::collections::BTreeMap;

use apply_support::*;

const VALUES: [&str; 3] = ["hello", "test", "dear"];
const MAILBOXES: [&str; 4] = ["phishing1.mbox", "notmuch", "maildirpp", "eml"];

/// Checks Python's view after an apply of `rows` (all applied) against the view before.
fn check_folders(
    before: &BTreeMap<String, Vec<String>>,
    after: &BTreeMap<String, Vec<String>>,
    rows: &[Row],
    archived: bool,
) {
    let mut expected = before.clone();
    let mut mbox_rows = 0;
    for r in rows {
        if r.kind == "mbox" {
            mbox_rows += 1;
            continue;
        }
        let from = folder_of(&r.path);
        expected.insert(
            from.clone(),
            minus(&expected[&from], std::slice::from_ref(&r.sha256)),
        );
        if archived {
            let to = expected.entry(archive_of(&r.path)).or_default();
            to.push(r.sha256.clone());
            to.sort();
        }
    }
    let mbox = "phishing1.mbox".to_string();
    let inbox = &after[&mbox];
    assert_eq!(inbox.len(), before[&mbox].len() - mbox_rows);
    if archived {
        let archive = &after["Archive"];
        assert_eq!(archive.len(), mbox_rows);
        let mut union: Vec<String> = inbox.iter().chain(archive).cloned().collect();
        union.sort();
        assert_eq!(union, before[&mbox], "mbox messages not conserved");
        expected.insert("Archive".into(), archive.clone());
    } else {
        assert!(!after.contains_key("Archive"));
        assert_eq!(minus(&before[&mbox], inbox).len(), mbox_rows);
    }
    expected.insert(mbox, inbox.clone());
    assert_eq!(&expected, after);
}

fn round_trip(result: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::new(tmp.path());
    let tree_before = tree(&case.mail());
    let py_before = python_folders(&case.mail());
    let run = case.search(&VALUES, result);
    let rows = read_rows(&case.root.join(&run).join("actions.parquet"));
    for mb in MAILBOXES {
        assert!(rows.iter().any(|r| r.mailbox == mb), "no row for {mb}");
    }

    let dry = case.run(&["apply", &run, "--out", "audit"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(String::from_utf8_lossy(&dry.stdout).contains("dry run"));
    assert_same_tree(&tree(&case.mail()), &tree_before, "dry run");

    let out = case.run(&["apply", &run, "--out", "audit", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let applied_dir = apply_dir(&case.root.join(&run));
    let applied = read_rows(&applied_dir.join("applied.parquet"));
    assert_eq!(applied.len(), rows.len());
    assert!(applied
        .iter()
        .all(|r| r.status.as_deref() == Some("applied")));
    check_folders(
        &py_before,
        &python_folders(&case.mail()),
        &rows,
        result == "archive",
    );

    // Every message's exact bytes are in the vault.
    for r in &rows {
        let blob = case
            .root
            .join("audit/vault/sha256")
            .join(&r.sha256[..2])
            .join(&r.sha256);
        assert_eq!(sha256_hex(&std::fs::read(&blob).unwrap()), r.sha256);
    }

    // A second apply of the same manifest changes nothing.
    let tree_applied = tree(&case.mail());
    let again = case.run(&["apply", &run, "--out", "audit", "--yes"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_same_tree(&tree(&case.mail()), &tree_applied, "second apply");
    assert_eq!(apply_dir(&case.root.join(&run)), applied_dir);

    let id = applied_dir
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let undo = case.run(&["undo", &id, "--out", "audit"]);
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_same_tree(&tree(&case.mail()), &tree_before, "undo");
    let twice = case.run(&["undo", &id, "--out", "audit"]);
    assert_eq!(twice.status.code(), Some(0), "{}", stderr(&twice));
    assert_same_tree(&tree(&case.mail()), &tree_before, "unchanged");
}

#[test]
fn archive_round_trip_on_real_corpora() {
    round_trip("archive");
}

#[test]
fn delete_round_trip_on_real_corpora() {
    round_trip("delete");
}

#[test]
fn a_changed_message_is_skipped_and_nothing_else_is_affected() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::new(tmp.path());
    let run = case.search(&VALUES, "delete");
    let rows = read_rows(&case.root.join(&run).join("actions.parquet"));
    // Change one message file and one mbox message (same length) after the search.
    let file_row = rows.iter().position(|r| r.kind == "file").unwrap();
    let changed_file = case.root.join(&rows[file_row].path);
    let mut bytes = std::fs::read(&changed_file).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&changed_file, &bytes).unwrap();
    let mbox_row = rows.iter().position(|r| r.kind == "mbox").unwrap();
    let mbox = case.mail().join("phishing1.mbox");
    let mut data = std::fs::read(&mbox).unwrap();
    let end = rows[mbox_row].offset as usize + 400;
    let at = (rows[mbox_row].offset as usize + 200..end)
        .find(|&i| data[i].is_ascii_lowercase())
        .unwrap();
    data[at] = data[at].to_ascii_uppercase();
    std::fs::write(&mbox, &data).unwrap();
    let py_before = python_folders(&case.mail());

    let out = case.run(&["apply", &run, "--out", "audit", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let applied = read_rows(&apply_dir(&case.root.join(&run)).join("applied.parquet"));
    for (i, r) in applied.iter().enumerate() {
        if i == file_row || i == mbox_row {
            assert_eq!(r.status.as_deref(), Some("skipped"));
            assert!(
                r.reason.as_deref().unwrap().contains("sha256 mismatch"),
                "{:?}",
                r.reason
            );
        } else {
            assert_eq!(
                r.status.as_deref(),
                Some("applied"),
                "row {i}: {:?}",
                r.reason
            );
        }
    }
    assert_eq!(
        std::fs::read(&changed_file).unwrap(),
        bytes,
        "the changed file was touched"
    );
    let others: Vec<Row> = rows
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != file_row && *i != mbox_row)
        .map(|(_, r)| r)
        .collect();
    check_folders(&py_before, &python_folders(&case.mail()), &others, false);
}

#[test]
fn edited_csv_manifest_is_applied_and_malformed_ones_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::new(tmp.path());
    let run = case.search(&VALUES, "archive");
    let manifest = case.root.join(&run).join("actions.parquet");
    let tree_before = tree(&case.mail());

    let missing = case.root.join("missing.csv");
    std::fs::write(
        &missing,
        "mailbox,path,offset,length,action\nx,y,0,1,delete\n",
    )
    .unwrap();
    let bad_action = case.root.join("bad.csv");
    write_csv(&manifest, &bad_action, &|i, r| {
        Some(if i == 3 {
            "explode".into()
        } else {
            r.action.clone()
        })
    });
    let bad_hash = case.root.join("badhash.csv");
    std::fs::write(
        &bad_hash,
        "mailbox,locator_kind,path,offset,length,sha256,action\nx,file,y,0,1,abc,delete\n",
    )
    .unwrap();
    for bad in [&missing, &bad_action, &bad_hash] {
        let out = case.run(&["apply", bad.to_str().unwrap(), "--out", "audit", "--yes"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("malformed manifest"));
        assert_same_tree(&tree(&case.mail()), &tree_before, "unchanged");
    }

    // An analyst's edit: only the .eml rows, as deletions.
    let edited = case.root.join("approved.csv");
    write_csv(&manifest, &edited, &|_, r| {
        (r.mailbox == "eml").then(|| "delete".into())
    });
    let out = case.run(&["apply", "approved.csv", "--out", "audit", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Its run is found by run_id: the apply directory is in the search's run.
    let applied = read_rows(&apply_dir(&case.root.join(&run)).join("applied.parquet"));
    assert!(applied
        .iter()
        .all(|r| r.mailbox == "eml" && r.action == "delete"));
    let after = tree(&case.mail());
    let gone: Vec<&String> = tree_before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .collect();
    assert_eq!(gone.len(), applied.len());
    assert!(gone.iter().all(|k| k.starts_with("eml/")));
}

#[test]
fn a_manifest_filtered_in_duckdb_is_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::new(tmp.path());
    let run = case.search(&VALUES, "delete");
    let before = tree(&case.mail());
    // DuckDB's own writer (Snappy by default), as an analyst approves part of a run.
    let sql = format!(
        "COPY (SELECT * FROM '{run}/actions.parquet' WHERE mailbox = 'notmuch') \
         TO 'approved.parquet'"
    );
    let out = std::process::Command::new("python3")
        .args(["-c", &format!("import duckdb; duckdb.sql({sql:?})")])
        .current_dir(&case.root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duckdb (scripts/test installs it): {}",
        stderr(&out)
    );
    let approved = read_rows(&case.root.join("approved.parquet"));
    assert!(!approved.is_empty());
    let out = case.run(&["apply", "approved.parquet", "--out", "audit", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = tree(&case.mail());
    let gone: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert_eq!(gone.len(), approved.len());
    assert!(gone.iter().all(|k| k.starts_with("notmuch/")), "{gone:?}");
}
