//! Crash safety: an apply (and then an undo) stopped after every one of its durable
//! steps in turn (`MAILSWEEP_FAULT_AFTER=N`, the process exits on the spot as a kill
//! would), then run again, ends exactly where an uninterrupted apply ends — every file
//! hashing the same, no message lost or duplicated — and the undo brings back the tree
//! byte for byte.

mod apply_support;

use apply_support::*;

/// The exit status of a process stopped by fault injection (`apply::FAULT_EXIT`).
const FAULT_EXIT: i32 = 86;

#[test]
fn apply_and_undo_killed_at_every_step_finish_when_run_again() {
    let tmp = tempfile::tempdir().unwrap();
    let template = tmp.path().join("template");
    let case = Case::new(&template);
    let run = case.search(&["hello"], "archive");
    // Mixed actions, every format: archive and delete alternate.
    write_csv(
        &template.join(&run).join("actions.parquet"),
        &template.join("manifest.csv"),
        &|i, _| Some(if i % 2 == 0 { "archive" } else { "delete" }.into()),
    );
    let rows = read_rows(&template.join(&run).join("actions.parquet"));
    let kinds: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    assert!(
        kinds.contains("mbox") && kinds.contains("file"),
        "{kinds:?}"
    );
    assert!(rows.iter().filter(|r| r.kind == "mbox").count() >= 2);
    let original = tree(&case.mail());
    let apply_args = ["apply", "manifest.csv", "--out", "audit", "--yes"];

    let reference = Case {
        root: tmp.path().join("reference"),
    };
    copy(&template, &reference.root);
    let out = reference.run(&apply_args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let applied = tree(&reference.mail());
    assert_ne!(applied, original);

    let mut crashed = 0;
    for n in 1.. {
        let case = Case {
            root: tmp.path().join(format!("n{n}")),
        };
        copy(&template, &case.root);
        let fault = [("MAILSWEEP_FAULT_AFTER", n.to_string())];
        let out = case.run_env(&apply_args, &fault);
        if out.status.code() == Some(0) {
            break; // the apply has fewer than n steps
        }
        assert_eq!(out.status.code(), Some(FAULT_EXIT), "{}", stderr(&out));
        crashed += 1;
        let again = case.run(&apply_args);
        assert_eq!(again.status.code(), Some(0), "step {n}: {}", stderr(&again));
        assert_same_tree(
            &tree(&case.mail()),
            &applied,
            &format!("step {n}: resumed apply"),
        );
        // Every row is applied exactly once.
        let dir = apply_dir(&case.root.join(&run));
        let table = read_rows(&dir.join("applied.parquet"));
        assert_eq!(table.len(), rows.len());
        assert!(table.iter().all(|r| r.status.as_deref() == Some("applied")));

        let undo_args = ["undo", dir.to_str().unwrap()];
        let out = case.run_env(&undo_args, &fault);
        if out.status.code() == Some(FAULT_EXIT) {
            let again = case.run(&undo_args);
            assert_eq!(
                again.status.code(),
                Some(0),
                "undo step {n}: {}",
                stderr(&again)
            );
        } else {
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        }
        assert_same_tree(&tree(&case.mail()), &original, &format!("step {n}: undo"));
        std::fs::remove_dir_all(&case.root).unwrap();
    }
    eprintln!("apply crashed and resumed at {crashed} steps");
    assert!(crashed >= 10, "only {crashed} steps");
}

#[test]
fn an_apply_killed_then_undone_without_finishing_restores_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let template = tmp.path().join("template");
    let case = Case::new(&template);
    let run = case.search(&["hello"], "delete");
    let original = tree(&case.mail());
    for n in [3, 7, 12] {
        let case = Case {
            root: tmp.path().join(format!("n{n}")),
        };
        copy(&template, &case.root);
        let fault = [("MAILSWEEP_FAULT_AFTER", n.to_string())];
        let out = case.run_env(&["apply", &run, "--out", "audit", "--yes"], &fault);
        assert_eq!(out.status.code(), Some(FAULT_EXIT), "{}", stderr(&out));
        let dir = apply_dir(&case.root.join(&run));
        let out = case.run(&["undo", dir.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_same_tree(&tree(&case.mail()), &original, &format!("step {n}"));
    }
}
