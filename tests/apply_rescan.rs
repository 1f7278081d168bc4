//! A rescan's manifest applied: Jail and Junk rows move to `.Jail/cur` and `.Junk/cur`
//! (file names kept), review rows change nothing; `--no-vault` keeps no copy, so moves
//! undo and deletions are reported as not restorable.

mod apply_support;

use apply_support::*;

fn rescan_case(root: &std::path::Path) -> (Case, String) {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(root).unwrap();
    copy(
        &repo.join("testdata/rescan/alice@example.com"),
        &root.join("mail"),
    );
    copy(&repo.join("testdata/rescan/policy.toml"), root);
    let case = Case {
        root: root.to_path_buf(),
    };
    let out = case.run(&[
        "rescan",
        "mail",
        "--policy",
        "policy.toml",
        "--out",
        "audit",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (case, json["run_dir"].as_str().unwrap().to_string())
}

#[test]
fn jail_and_junk_rows_move_review_rows_stay() {
    let tmp = tempfile::tempdir().unwrap();
    let (case, run) = rescan_case(tmp.path());
    let before = tree(&case.mail());
    let rows = read_rows(&case.root.join(&run).join("actions.parquet"));
    for action in ["jail", "junk", "review"] {
        assert!(rows.iter().any(|r| r.action == action), "no {action} row");
    }
    let out = case.run(&["apply", &run, "--out", "audit", "--yes", "--no-vault"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = tree(&case.mail());
    for r in &rows {
        let rel = r.path.strip_prefix("mail/").unwrap();
        let name = std::path::Path::new(rel)
            .file_name()
            .unwrap()
            .to_string_lossy();
        match r.action.as_str() {
            "review" => assert_eq!(after.get(rel), Some(&r.sha256), "{rel} moved"),
            a => {
                let target = if a == "jail" { ".Jail" } else { ".Junk" };
                assert!(!after.contains_key(rel), "{rel} still there");
                assert_eq!(after.get(&format!("{target}/cur/{name}")), Some(&r.sha256));
            }
        }
    }
    assert!(
        !case.root.join("audit/vault").exists(),
        "--no-vault wrote a vault"
    );
    let dir = apply_dir(&case.root.join(&run));
    assert!(!dir.join("scratch-vault").exists());
    let out = case.run(&["undo", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_same_tree(&tree(&case.mail()), &before, "undo");
}

#[test]
fn deletions_under_no_vault_cannot_be_undone_and_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (case, run) = rescan_case(tmp.path());
    let manifest = case.root.join(&run).join("actions.parquet");
    write_csv(&manifest, &case.root.join("delete.csv"), &|_, _| {
        Some("delete".into())
    });
    let out = case.run(&[
        "apply",
        "delete.csv",
        "--out",
        "audit",
        "--yes",
        "--no-vault",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dir = apply_dir(&case.root.join(&run));
    let out = case.run(&["undo", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--no-vault"));
    assert!(!dir.join("undone.json").exists());
}
