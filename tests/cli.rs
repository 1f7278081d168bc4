//! The command line as a responder meets it: newest-first limits, mailbox selection,
//! owners, summaries, exit codes and clear errors.

mod common;

use common::*;

#[test]
fn limit_scans_the_newest_n_per_mailbox_newest_first() {
    let out = tempfile::tempdir().unwrap();
    let maildir = testdata().join("maildir/alice@example.com");
    let mbox = testdata().join("mbox/mboxo-lf.mbox");
    let run = scan(
        out.path(),
        &[
            maildir.to_str().unwrap(),
            mbox.to_str().unwrap(),
            "--limit",
            "2",
        ],
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let m = run.messages();
    let seen: Vec<(&str, i64, &str)> = m
        .iter()
        .map(|x| (x.mailbox.as_str(), x.ordinal, x.subject.as_deref().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("alice@example.com", 1, "Brand new message"),
            ("alice@example.com", 2, "In cur, no flags (unread)"),
            // The message without a Date header is the newest by its From_ line.
            ("mboxo-lf.mbox", 1, "No date on this one"),
            ("mboxo-lf.mbox", 2, "Club meeting schedule"),
        ]
    );
    let boxes = run.mailboxes();
    assert_eq!((boxes[0].messages_total, boxes[0].messages_scanned), (5, 2));
    assert_eq!(run.json["messages"], 4);
}

#[test]
fn mailbox_globs_select_a_subset() {
    let out = tempfile::tempdir().unwrap();
    let root = testdata();
    let run = scan(
        out.path(),
        &[
            root.to_str().unwrap(),
            "--mailbox",
            "mbox/*.gz",
            "--mailbox",
            "enron/*/smith-j",
        ],
    );
    let ids: Vec<String> = run.mailboxes().into_iter().map(|b| b.mailbox).collect();
    assert_eq!(ids, ["enron/maildir/smith-j", "mbox/compressed.mbox.gz"]);
    assert_eq!(run.json["messages"], 6);
}

#[test]
fn owners_come_from_the_mailboxes_csv() {
    let out = tempfile::tempdir().unwrap();
    let csv = out.path().join("owners.csv");
    std::fs::write(&csv, "mailbox,owner\nsmith-j,John.Smith@example.com\n").unwrap();
    let enron = testdata().join("enron/maildir");
    let run = scan(
        out.path(),
        &[
            enron.to_str().unwrap(),
            "--mailboxes",
            csv.to_str().unwrap(),
        ],
    );
    let owners: Vec<(String, Option<String>)> = run
        .mailboxes()
        .into_iter()
        .map(|b| (b.mailbox, b.owner))
        .collect();
    assert_eq!(
        owners,
        [
            ("doe-a".into(), None),
            ("smith-j".into(), Some("john.smith@example.com".into()))
        ]
    );
}

#[test]
fn human_summary_and_quiet_stderr_when_not_a_terminal() {
    let out = tempfile::tempdir().unwrap();
    let output = mailsweep(&[
        "scan",
        testdata().join("eml").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in [
        "Mailboxes scanned : 1",
        "Messages scanned  : 5 (all messages)",
        "Parse failures    : 0",
        "Audit record",
    ] {
        assert!(stdout.contains(line), "{line:?} missing from:\n{stdout}");
    }
    assert!(
        output.stderr.is_empty(),
        "no progress bar without a terminal: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let runs: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert_eq!(runs.len(), 1);
}

#[test]
fn each_run_gets_a_new_directory_and_ids_sort_by_time() {
    let out = tempfile::tempdir().unwrap();
    let path = testdata().join("mbox/crlf.mbox");
    let a = scan(out.path(), &[path.to_str().unwrap()]);
    let b = scan(out.path(), &[path.to_str().unwrap()]);
    let (ida, idb) = (
        a.json["run_id"].as_str().unwrap(),
        b.json["run_id"].as_str().unwrap(),
    );
    assert!(ida < idb, "{ida} < {idb}");
    for table in ["run", "mailboxes", "messages"] {
        assert!(a.dir.join(format!("{table}.parquet")).is_file());
    }
}

fn one_line_error(args: &[&str], expect_in_message: &str) {
    let output = mailsweep(args);
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(expect_in_message),
        "{expect_in_message:?} not in {stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_arguments_are_one_line_errors_and_nothing_runs() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    one_line_error(
        &["scan", "/no/such/archive.mbox", "--out", o],
        "/no/such/archive.mbox",
    );
    one_line_error(
        &["scan", "/dev/null", "--out", o],
        "not a file or directory",
    );
    let eml = testdata().join("eml");
    let eml = eml.to_str().unwrap();
    one_line_error(&["scan", eml, "--limit", "0", "--out", o], "--limit");
    one_line_error(&["scan", eml, "--mailbox", "[", "--out", o], "--mailbox");
    let csv = out.path().join("bad.csv");
    std::fs::write(&csv, "a,b@example.com\nonly-one-column\n").unwrap();
    one_line_error(
        &[
            "scan",
            eml,
            "--mailboxes",
            csv.to_str().unwrap(),
            "--out",
            o,
        ],
        "line 2",
    );
    assert_eq!(
        std::fs::read_dir(out.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_dir())
            .count(),
        0
    );
}

#[test]
fn unreadable_entries_are_reported_and_the_run_goes_on() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("export");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(testdata().join("eml/folder/a.eml"), folder.join("a.eml")).unwrap();
    std::os::unix::fs::symlink(work.path().join("vanished.eml"), folder.join("gone.eml")).unwrap();
    let out = work.path().join("audit");
    let run = scan(&out, &[folder.to_str().unwrap()]);
    assert_eq!(run.code(), 3, "completed with errors: {}", run.stderr());
    assert!(run.stderr().contains("gone.eml"), "{}", run.stderr());
    assert_eq!(
        run.messages().len(),
        1,
        "the readable message is still scanned"
    );
    let error = run.mailboxes()[0].error.clone().unwrap();
    assert!(error.contains("gone.eml"), "{error}");
}

#[test]
fn a_message_file_that_fails_to_read_is_a_row_and_a_mailbox_error() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("export");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(testdata().join("eml/folder/a.eml"), folder.join("a.eml")).unwrap();
    // Reading /proc/self/mem from offset 0 fails with EIO even for root.
    std::os::unix::fs::symlink("/proc/self/mem", folder.join("b.eml")).unwrap();
    let run = scan(&work.path().join("audit"), &[folder.to_str().unwrap()]);
    assert_eq!(run.code(), 3, "{}", run.stderr());
    let m = run.messages();
    assert_eq!(m.len(), 2, "the unreadable message is still a row");
    let bad = m.iter().find(|x| x.path.ends_with("b.eml")).unwrap();
    assert!(
        bad.parse_error.as_deref().unwrap().contains("cannot read"),
        "{bad:?}"
    );
    assert_eq!(bad.sha256, "");
    assert!(run.mailboxes()[0]
        .error
        .as_deref()
        .unwrap()
        .contains("b.eml"));
    assert!(run.stderr().contains("b.eml"), "{}", run.stderr());
}

#[test]
fn help_explains_paths_and_exit_status() {
    let output = mailsweep(&["scan", "--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "Maildir",
        "--limit",
        "--mailbox",
        "--json",
        "Exit status",
        "newest",
    ] {
        assert!(help.contains(needle), "{needle} not in help:\n{help}");
    }
}
