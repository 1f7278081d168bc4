//! `mailsweep::imap` against a real Dovecot (Debian's `dovecot-imapd`) on 127.0.0.1:
//! archive and delete, the idempotent re-run, dry run, a missing and a changed message,
//! the COPY fallback without MOVE, the refusal without UIDPLUS, STARTTLS, and TLS trust.
//!
//! The truth is the server's Maildir on disk, read directly: which files are in INBOX and
//! `.Archive`, their bytes, and their Maildir flags.

#[path = "common/dovecot.rs"]
mod dovecot;

use dovecot::{Caps, Dovecot, Prepared};
use mailsweep::imap::{
    apply_row, apply_rows, Action, Fingerprint, ImapError, ImapOutcome, ImapRow, ImapTarget,
    PasswordSource, Session,
};
use sha2::{Digest, Sha256};

/// An LF-ended message, as exported files usually are (the server sends it as CRLF).
fn message(id: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: Mallory <mallory@evil.example>\nTo: ir@corp.example\nSubject: {subject}\nDate: Mon, 2 Jun 2025 10:00:00 +0000\nMessage-ID: <{id}>\n\nClick https://evil.example/{id}\n"
    )
    .into_bytes()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A row as the manifest gives it for a Maildir / .eml message (a file locator).
fn file_row<'a>(folder: &'a str, id: &'a str, stored: &[u8], action: Action) -> ImapRow<'a> {
    ImapRow {
        folder,
        message_id: Some(id),
        fingerprint: Fingerprint::from_manifest("file", &sha256_hex(stored)).unwrap(),
        action,
    }
}

fn applied(outcome: &ImapOutcome) -> (&str, u32) {
    match outcome {
        ImapOutcome::Applied { went_to, uid, .. } => (went_to.as_str(), *uid),
        other => panic!("expected Applied, got {other:?}"),
    }
}

fn bodies(files: &[(String, Vec<u8>)]) -> Vec<Vec<u8>> {
    files.iter().map(|(_, b)| b.clone()).collect()
}

fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v
}

/// INBOX: m1, m2 (to archive), m3 (to delete), keep (untouched), trashed (someone else's
/// \Deleted, not expunged: must survive our expunges).
fn seeded() -> Option<Prepared> {
    let mut server = Dovecot::install_or_skip()?;
    server.seed("", "1.m1", &message("m1@evil.example", "Invoice 1"), "S");
    server.seed("", "2.m2", &message("m2@evil.example", "Invoice 2"), "");
    server.seed("", "3.m3", &message("m3@evil.example", "Invoice 3"), "S");
    server.seed("", "4.keep", &message("keep@corp.example", "Lunch"), "S");
    server.seed(
        "",
        "5.trashed",
        &message("trashed@corp.example", "Old"),
        "ST",
    );
    Some(server)
}

#[test]
fn archive_delete_dry_run_and_idempotent_rerun() {
    let Some(prepared) = seeded() else { return };
    let server = prepared.start(Caps::Default);
    let target = server.target(false);
    let (m1, m2, m3) = (
        message("m1@evil.example", "Invoice 1"),
        message("m2@evil.example", "Invoice 2"),
        message("m3@evil.example", "Invoice 3"),
    );
    // m2 as an mbox export holds it: From_ line, CRLF-less, and the separator line.
    let mut m2_mbox = b"From mallory@evil.example Mon Jun  2 10:00:00 2025\n".to_vec();
    m2_mbox.extend_from_slice(&m2);
    m2_mbox.extend_from_slice(b"\n");
    let rows = vec![
        file_row("INBOX", "m1@evil.example", &m1, Action::Archive),
        ImapRow {
            folder: "INBOX",
            message_id: Some("m2@evil.example"),
            fingerprint: Fingerprint::from_stored("mbox", &m2_mbox),
            action: Action::Archive,
        },
        file_row("INBOX", "m3@evil.example", &m3, Action::Delete),
    ];
    let before = server.files("");
    assert_eq!(before.len(), 5);

    // Dry run: every row found and confirmed, nothing changed on disk.
    let dry = apply_rows(&target, &rows, true).unwrap();
    for (outcome, want) in dry.iter().zip(["Archive", "Archive", "deleted"]) {
        assert!(
            matches!(outcome, ImapOutcome::WouldApply { went_to, .. } if went_to == want),
            "{outcome:?}"
        );
    }
    assert_eq!(sorted(bodies(&server.files(""))), sorted(bodies(&before)));
    assert!(server.files(".Archive").is_empty());

    // The real run.
    let out = apply_rows(&target, &rows, false).unwrap();
    assert_eq!(applied(&out[0]).0, "Archive");
    assert_eq!(applied(&out[1]).0, "Archive");
    assert_eq!(applied(&out[2]).0, "deleted");
    let uids: Vec<u32> = out.iter().map(|o| applied(o).1).collect();
    assert_eq!(uids.len(), 3);
    let ImapOutcome::Applied { new_uid, .. } = &out[0] else {
        unreachable!()
    };
    assert!(new_uid.is_some(), "Dovecot reports COPYUID on MOVE");

    // On disk: INBOX keeps exactly `keep` and `trashed` (still flagged T), Archive holds
    // m1 and m2 byte for byte, m3 is gone everywhere.
    let inbox = server.files("");
    assert_eq!(
        sorted(bodies(&inbox)),
        sorted(vec![
            message("keep@corp.example", "Lunch"),
            message("trashed@corp.example", "Old")
        ])
    );
    let trashed = inbox
        .iter()
        .find(|(_, b)| *b == message("trashed@corp.example", "Old"))
        .unwrap();
    assert!(
        trashed.0.rsplit(":2,").next().unwrap().contains('T'),
        "{}",
        trashed.0
    );
    assert_eq!(
        sorted(bodies(&server.files(".Archive"))),
        sorted(vec![m1.clone(), m2.clone()])
    );

    // Re-run: nothing changes; the archived rows are found in Archive, the delete is gone.
    let snapshot = (server.files(""), server.files(".Archive"));
    let again = apply_rows(&target, &rows, false).unwrap();
    assert!(
        matches!(&again[0], ImapOutcome::AlreadyApplied { went_to, .. } if went_to == "Archive"),
        "{:?}",
        again[0]
    );
    assert!(
        matches!(&again[1], ImapOutcome::AlreadyApplied { went_to, .. } if went_to == "Archive"),
        "{:?}",
        again[1]
    );
    assert!(
        matches!(&again[2], ImapOutcome::Skipped { reason } if reason.contains("not found")),
        "{:?}",
        again[2]
    );
    assert_eq!(bodies(&server.files("")), bodies(&snapshot.0));
    assert_eq!(bodies(&server.files(".Archive")), bodies(&snapshot.1));
}

#[test]
fn missing_changed_review_and_unconfirmable_rows_change_nothing() {
    let Some(prepared) = seeded() else { return };
    let server = prepared.start(Caps::Default);
    let target = server.target(false);
    let m1 = message("m1@evil.example", "Invoice 1");
    let changed = message(
        "m2@evil.example",
        "Invoice 2 (as exported, before someone edited it)",
    );
    let m3_mbox = [
        b"From x Mon Jun  2 10:00:00 2025\n".as_slice(),
        &message("m3@evil.example", "Invoice 3"),
        b"\n",
    ]
    .concat();
    let rows = vec![
        file_row("INBOX", "gone@evil.example", &m1, Action::Archive),
        file_row("INBOX", "m2@evil.example", &changed, Action::Delete),
        file_row("INBOX", "m1@evil.example", &m1, Action::Review),
        ImapRow {
            folder: "INBOX",
            message_id: Some("m3@evil.example"),
            fingerprint: Fingerprint::from_manifest("mbox", &sha256_hex(&m3_mbox)).unwrap(),
            action: Action::Delete,
        },
        ImapRow {
            folder: "INBOX",
            message_id: None,
            fingerprint: Fingerprint::from_manifest("file", &sha256_hex(&m1)).unwrap(),
            action: Action::Delete,
        },
        file_row("Nonesuch", "m1@evil.example", &m1, Action::Delete),
    ];
    let before = server.files("");
    let out = apply_rows(&target, &rows, false).unwrap();
    let reasons: Vec<&str> = out
        .iter()
        .map(|o| match o {
            ImapOutcome::Skipped { reason } => reason.as_str(),
            other => panic!("expected Skipped, got {other:?}"),
        })
        .collect();
    assert!(reasons[0].contains("not found in INBOX"), "{}", reasons[0]);
    assert!(reasons[1].contains("none matches"), "{}", reasons[1]);
    assert!(reasons[2].starts_with("review"), "{}", reasons[2]);
    assert!(reasons[3].contains("mbox"), "{}", reasons[3]);
    assert!(reasons[4].contains("no Message-ID"), "{}", reasons[4]);
    assert!(reasons[5].contains("no folder Nonesuch"), "{}", reasons[5]);
    assert_eq!(
        server.files(""),
        before,
        "names (flags) and bytes unchanged"
    );
    assert!(server.files(".Archive").is_empty());

    // The same archive row from the stored bytes works on the same session (the
    // positive control for the rows above).
    let mut session = Session::connect(&target).unwrap();
    let ok = apply_row(
        &mut session,
        &file_row("INBOX", "m1@evil.example", &m1, Action::Jail),
        false,
    )
    .unwrap();
    assert_eq!(applied(&ok).0, "Jail");
    session.logout();
    assert_eq!(bodies(&server.files(".Jail")), vec![m1]);
}

#[test]
fn without_move_archive_copies_then_expunges_only_its_uid() {
    let Some(prepared) = seeded() else { return };
    let server = prepared.start(Caps::NoMove);
    // The override took: this run cannot take the MOVE path.
    let session = Session::connect(&server.target(false)).unwrap();
    assert!(!session.has("MOVE") && session.has("UIDPLUS"));
    session.logout();
    let m1 = message("m1@evil.example", "Invoice 1");
    let out = apply_rows(
        &server.target(false),
        &[file_row("INBOX", "m1@evil.example", &m1, Action::Archive)],
        false,
    )
    .unwrap();
    assert_eq!(applied(&out[0]).0, "Archive");
    assert_eq!(bodies(&server.files(".Archive")), vec![m1]);
    let inbox = bodies(&server.files(""));
    assert_eq!(
        inbox.len(),
        4,
        "only m1 left INBOX; the \\Deleted `trashed` is still there"
    );
    assert!(inbox.contains(&message("trashed@corp.example", "Old")));
}

#[test]
fn without_uidplus_nothing_is_removed() {
    let Some(prepared) = seeded() else { return };
    let server = prepared.start(Caps::NoMoveNoUidplus);
    let session = Session::connect(&server.target(false)).unwrap();
    assert!(!session.has("MOVE") && !session.has("UIDPLUS"));
    session.logout();
    let m1 = message("m1@evil.example", "Invoice 1");
    let m3 = message("m3@evil.example", "Invoice 3");
    let rows = [
        file_row("INBOX", "m1@evil.example", &m1, Action::Archive),
        file_row("INBOX", "m3@evil.example", &m3, Action::Delete),
    ];
    let before = server.files("");
    for outcome in apply_rows(&server.target(false), &rows, false).unwrap() {
        assert!(
            matches!(&outcome, ImapOutcome::Failed { reason } if reason.contains("UIDPLUS")),
            "{outcome:?}"
        );
    }
    assert_eq!(server.files(""), before);
    assert!(server.files(".Archive").is_empty());
}

#[test]
fn starttls_tls_trust_and_login() {
    let Some(prepared) = seeded() else { return };
    let server = prepared.start(Caps::Default);
    let m1 = message("m1@evil.example", "Invoice 1");
    let row = [file_row("INBOX", "m1@evil.example", &m1, Action::Archive)];
    // imap:// upgrades with STARTTLS and works like imaps://.
    let out = apply_rows(&server.target(true), &row, true).unwrap();
    assert!(matches!(&out[0], ImapOutcome::WouldApply { .. }), "{out:?}");

    // A server certificate from another CA is refused (verification is never off).
    let other = tempfile::tempdir().unwrap();
    let other_ca = other.path().join("other-ca.pem");
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=other",
            "-days",
            "1",
            "-keyout",
        ])
        .arg(other.path().join("k.pem"))
        .arg("-out")
        .arg(&other_ca)
        .output()
        .unwrap();
    assert!(status.status.success());
    let url = format!("imaps://{}@127.0.0.1:{}", dovecot::USER, server.port);
    let pw = PasswordSource::File(server.dir().join("password"));
    let untrusted = ImapTarget::parse(&url, &pw, Some(&other_ca)).unwrap();
    let err = Session::connect(&untrusted)
        .err()
        .expect("untrusted certificate accepted");
    assert!(err.to_string().contains("TLS"), "{err}");

    // A wrong password is a login error, and the error does not echo it.
    let wrong = server.dir().join("wrong");
    std::fs::write(&wrong, "not-the-password\n").unwrap();
    let bad = ImapTarget::parse(
        &url,
        &PasswordSource::File(wrong),
        Some(&server.dir().join("ca.pem")),
    )
    .unwrap();
    match Session::connect(&bad) {
        Err(ImapError::Login(text)) => assert!(!text.contains("not-the-password"), "{text}"),
        Err(other) => panic!("expected a login error, got {other}"),
        Ok(_) => panic!("a wrong password logged in"),
    }
    assert_eq!(server.files(".Archive").len(), 0);
}

#[test]
fn nested_and_non_ascii_folders() {
    let Some(mut prepared) = Dovecot::install_or_skip() else {
        return;
    };
    // Dovecot's Maildir++ keeps `Projekte/Entwürfe` as `.Projekte.Entw&APw-rfe` (its
    // delimiter is `.`, the name modified UTF-7).
    let m6 = message("m6@evil.example", "Draft");
    prepared.seed(".Projekte.Entw&APw-rfe", "6.m6", &m6, "S");
    let server = prepared.start(Caps::Default);
    let out = apply_rows(
        &server.target(false),
        &[file_row(
            "Projekte/Entwürfe",
            "m6@evil.example",
            &m6,
            Action::Junk,
        )],
        false,
    )
    .unwrap();
    assert_eq!(applied(&out[0]).0, "Junk");
    assert!(server.files(".Projekte.Entw&APw-rfe").is_empty());
    assert_eq!(bodies(&server.files(".Junk")), vec![m6]);
}

/// The whole loop from the command line: `search` over the exported copies writes the
/// manifest, `apply RUN --yes --imap …` carries it out on the server (password from a
/// file, trust from the test CA), journals it and vaults the messages; a re-run changes
/// nothing.
#[test]
fn apply_command_over_imap_archives_the_searched_messages() {
    let Some(mut prepared) = Dovecot::install_or_skip() else {
        return;
    };
    let export = tempfile::tempdir().unwrap();
    let local = export.path().join("ir-export");
    std::fs::create_dir(&local).unwrap();
    for (i, (id, subject)) in [
        ("m1@evil.example", "Invoice 1"),
        ("m2@evil.example", "Invoice 2"),
        ("keep@corp.example", "Lunch"),
    ]
    .iter()
    .enumerate()
    {
        let bytes = message(id, subject);
        prepared.seed("", &format!("{i}.msg"), &bytes, "S");
        std::fs::write(local.join(format!("{i}.eml")), &bytes).unwrap();
    }
    let server = prepared.start(Caps::Default);
    let bin = env!("CARGO_BIN_EXE_mailsweep");
    let root = export.path().join("audit");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .output()
            .expect("mailsweep runs")
    };
    let searched = run(&[
        "search",
        "keywords",
        local.to_str().unwrap(),
        "--value",
        "invoice",
        "--result",
        "archive",
        "--out",
        root.to_str().unwrap(),
        "--json",
    ]);
    assert!(searched.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&searched.stdout).unwrap();
    let run_dir = summary["run_dir"].as_str().unwrap().to_string();
    let url = format!("imaps://{}@127.0.0.1:{}", dovecot::USER, server.port);
    let password = server.dir().join("password");
    let ca = server.dir().join("ca.pem");
    let apply = |extra: &[&str]| {
        let mut args = vec![
            "apply",
            run_dir.as_str(),
            "--imap",
            url.as_str(),
            "--imap-password-file",
            password.to_str().unwrap(),
            "--imap-ca",
            ca.to_str().unwrap(),
            "--out",
            root.to_str().unwrap(),
            "--json",
        ];
        args.extend_from_slice(extra);
        let out = run(&args);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), report)
    };
    let statuses = |report: &serde_json::Value| -> Vec<String> {
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["status"].as_str().unwrap(),
                    r["reason"].as_str().unwrap()
                )
            })
            .collect()
    };

    // Without --yes: checked on the server, nothing moved.
    let (code, dry) = apply(&[]);
    assert_eq!(code, Some(0), "{dry}");
    assert_eq!(server.files(".Archive").len(), 0);
    assert!(statuses(&dry)
        .iter()
        .all(|s| s.starts_with("applied found and confirmed")));

    let (code, done) = apply(&["--yes"]);
    assert_eq!(code, Some(0), "{done}");
    assert_eq!(statuses(&done).len(), 2);
    assert!(
        statuses(&done).iter().all(|s| s.starts_with("applied UID")),
        "{done}"
    );
    let archived = sorted(bodies(&server.files(".Archive")));
    assert_eq!(
        archived.len(),
        2,
        "both invoices in Archive: {:?}",
        server.files(".Archive")
    );
    assert_eq!(
        server.files("").len(),
        1,
        "only the lunch mail stays in INBOX"
    );
    let apply_dir = std::path::PathBuf::from(done["apply_dir"].as_str().unwrap());
    assert!(apply_dir.join("applied.parquet").is_file());
    let journal = std::fs::read_to_string(apply_dir.join("imap-journal.jsonl")).unwrap();
    assert_eq!(journal.matches("\"intent\"").count(), 2);
    assert_eq!(journal.matches("\"outcome\"").count(), 2);
    for i in 0..2 {
        let bytes = std::fs::read(local.join(format!("{i}.eml"))).unwrap();
        let sha = sha256_hex(&bytes);
        let blob = root.join("vault/sha256").join(&sha[..2]).join(&sha);
        assert_eq!(
            std::fs::read(&blob).unwrap(),
            bytes,
            "vaulted before the move"
        );
    }

    // Again: everything found already in Archive; nothing changes, exit 0.
    let (code, again) = apply(&["--yes"]);
    assert_eq!(code, Some(0), "{again}");
    assert!(
        statuses(&again)
            .iter()
            .all(|s| s.starts_with("skipped already applied")),
        "{again}"
    );
    assert_eq!(sorted(bodies(&server.files(".Archive"))), archived);
}
