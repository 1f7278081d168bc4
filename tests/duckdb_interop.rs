//! The audit tables as an analyst reads them: DuckDB (an independent Parquet reader, via
//! its Python package) over an audit root holding two runs, checked by
//! `tests/reference/duckdb_check.py` (column types, counts across runs, key-value
//! metadata, timestamps comparing with TIMESTAMPTZ literals).

mod common;

use std::process::Command;

use common::*;

/// Fails (never skips) when Python or its `duckdb` package is missing.
fn require_duckdb() {
    let output = Command::new("python3")
        .args(["-c", "import duckdb; print(duckdb.__version__)"])
        .output()
        .unwrap_or_else(|e| {
            panic!("python3 could not be run ({e}): run scripts/test, which needs python3 3.11+")
        });
    assert!(
        output.status.success(),
        "the Python package `duckdb` is missing: run `scripts/test` (it installs it) or \
         `python3 -m pip install duckdb`\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn duckdb_reads_two_runs_in_one_audit_root() {
    require_duckdb();
    let root = tempfile::tempdir().unwrap();
    let collection = scan(root.path(), &[testdata().to_str().unwrap()]);
    assert_eq!(collection.code(), 0, "{}", collection.stderr());
    let mbox = testdata().join("mbox/mboxo-lf.mbox");
    let single = scan(root.path(), &[mbox.to_str().unwrap()]);
    assert_eq!(single.code(), 0, "{}", single.stderr());
    assert_ne!(collection.dir, single.dir, "each run has its own directory");
    for run in [&collection, &single] {
        assert_eq!(
            run.dir.parent(),
            Some(root.path()),
            "the run directory is under the audit root"
        );
    }

    let messages: i64 = [&collection, &single]
        .iter()
        .map(|r| r.json["messages"].as_i64().expect("messages in --json"))
        .sum();
    assert!(messages > 3, "both runs found messages: {messages}");

    let output = Command::new("python3")
        .arg(repo().join("tests/reference/duckdb_check.py"))
        .arg(root.path())
        .args(["--expect-runs", "2", "--expect-messages"])
        .arg(messages.to_string())
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "duckdb_check.py failed ({}):\nstdout: {stdout}\nstderr: {stderr}",
        output.status
    );
    let found: serde_json::Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("duckdb_check.py prints one JSON object ({e}): {stdout}"));
    assert_eq!(found["ok"], true, "{stdout}");
    assert_eq!(found["runs"], 2, "{stdout}");
    assert_eq!(found["messages"], messages, "{stdout}");
    assert_eq!(found["files"], 6, "{stdout}");
}

#[test]
fn duckdb_reads_a_search_run_and_its_manifest() {
    require_duckdb();
    let root = tempfile::tempdir().unwrap();
    let run = search(
        root.path(),
        "keywords",
        &[
            testdata().to_str().unwrap(),
            "--value",
            "invoice",
            "--value",
            "club meeting",
            "--value",
            "zzz-absent",
            "--result",
            "archive",
        ],
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let output = Command::new("python3")
        .arg(repo().join("tests/reference/duckdb_search_check.py"))
        .arg(&run.dir)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "duckdb_search_check.py failed:\nstdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let matched = run.json["search"]["messages_matched"].as_i64().unwrap();
    assert!(matched >= 2, "{stdout}");
    assert_eq!(found["actions"], matched, "{stdout}");
    assert_eq!(found["approved"], matched, "{stdout}");
}
