//! Message counts and hashes against Python's stdlib `mailbox` (an independent reader)
//! on the real corpora, with every difference explained by a documented rule.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::*;

/// Every mbox file of the real corpora, and our mbox fixtures.
fn mbox_files() -> Vec<PathBuf> {
    let c = corpora();
    let mut files: Vec<PathBuf> = [
        "nazario-phishing-mbox/phishing0.mbox",
        "nazario-phishing-mbox/phishing1.mbox",
        "nazario-phishing-mbox/20051114.mbox",
        "sisimai-set-of-emails/mailbox/mbox-0",
        "sisimai-set-of-emails/mailbox/mbox-1",
        "thunderbird-mailnews-testdata/mailnews/test/data/mbox_modern",
        "thunderbird-mailnews-testdata/mailnews/test/data/mbox_mboxrd",
        "thunderbird-mailnews-testdata/mailnews/test/data/mbox_unquoted",
        "thunderbird-mailnews-testdata/mailnews/local/test/unit/data/movemailspool",
        "spamassassin-testdata/nice.mbox",
    ]
    .iter()
    .map(|p| c.join(p))
    .collect();
    for name in [
        "mboxo-lf", "mboxrd", "crlf", "cr-only", "uw-imap", "empty", "one-byte",
    ] {
        files.push(testdata().join(format!("mbox/{name}.mbox")));
    }
    files
}

#[test]
fn mbox_counts_match_python_except_where_documented() {
    let out = tempfile::tempdir().unwrap();
    let files = mbox_files();
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let run = scan(out.path(), &args);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let by_path: HashMap<String, MailboxInfo> = run
        .mailboxes()
        .into_iter()
        .map(|m| (m.path.clone(), m))
        .collect();
    let reference = python_reference("mbox", &files);
    let mut checked = 0;
    for r in &reference {
        let path = r["path"].as_str().unwrap();
        let ours = by_path
            .get(path)
            .unwrap_or_else(|| panic!("{path} was not scanned as a mailbox"));
        assert_eq!(ours.format, "mbox", "{path}");
        let strict = r["strict_count"].as_i64().unwrap();
        assert_eq!(
            ours.messages_total, strict,
            "{path}: our count vs the documented rule re-implemented in Python"
        );
        let pseudo = r["pseudo"].as_i64().unwrap();
        assert_eq!(
            ours.internal_messages_skipped, pseudo,
            "{path}: UW-IMAP pseudo-message"
        );
        // Python's mailbox splits on every line starting "From " (and sees a CR-only file
        // as one message): those are the only differences.
        let python = r["python_count"].as_i64().expect("Python read the file");
        if r["cr_only"].as_bool().unwrap() {
            assert_eq!(python, 1, "{path}");
        } else {
            assert_eq!(
                python,
                strict + pseudo + r["loose_from"].as_i64().unwrap(),
                "{path}: unexplained difference"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, files.len());
    // The real Nazario corpus: 1308 messages, one UW-IMAP pseudo-message left out.
    let nazario: i64 = by_path
        .iter()
        .filter(|(p, _)| p.contains("nazario"))
        .map(|(_, m)| m.messages_total)
        .sum();
    assert_eq!(nazario, 1307);
}

#[test]
fn mbox_ranges_tile_the_file_and_hash_their_bytes() {
    let out = tempfile::tempdir().unwrap();
    let file = corpora().join("nazario-phishing-mbox/phishing1.mbox");
    let run = scan(out.path(), &[file.to_str().unwrap()]);
    let bytes = std::fs::read(&file).unwrap();
    let messages = run.messages();
    assert_eq!(messages.len(), 455);
    // The pseudo-message's range is skipped, so the first message starts after it.
    let mut expected_offset = messages[0].offset;
    assert!(bytes.starts_with(b"From MAILER-DAEMON"));
    for m in &messages {
        assert_eq!(m.offset, expected_offset, "ranges are contiguous");
        let range = &bytes[m.offset as usize..(m.offset + m.length) as usize];
        assert!(range.starts_with(b"From "));
        assert_eq!(m.sha256, sha256_of(range));
        expected_offset += m.length;
    }
    assert_eq!(
        expected_offset as usize,
        bytes.len(),
        "the last message runs to the end of the file"
    );
}

#[test]
fn maildir_messages_and_hashes_match_python() {
    let c = corpora();
    let dirs: Vec<PathBuf> = [
        "stalwart-mail-parser/maildir",
        "mu-testdata/testdir",
        "mu-testdata/cjk",
        "mime-is-broken/hide-content.d",
        "mime-is-broken/hide-filename.d",
    ]
    .iter()
    .map(|p| c.join(p))
    .chain([testdata().join("maildir/alice@example.com")])
    .collect();
    let out = tempfile::tempdir().unwrap();
    let args: Vec<&str> = dirs.iter().map(|p| p.to_str().unwrap()).collect();
    let run = scan(out.path(), &args);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let ours: HashMap<String, String> = run
        .messages()
        .into_iter()
        .map(|m| {
            (
                std::fs::canonicalize(&m.path)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                m.sha256,
            )
        })
        .collect();
    let mut total = 0;
    for r in python_reference("maildir", &dirs) {
        let theirs = r["sha256"].as_object().unwrap();
        assert!(!theirs.is_empty(), "{}", r["path"]);
        for (path, sum) in theirs {
            assert_eq!(
                ours.get(path),
                Some(&sum.as_str().unwrap().to_string()),
                "{path}"
            );
        }
        total += theirs.len();
    }
    assert_eq!(
        ours.len(),
        total,
        "we list exactly the messages Python lists"
    );
    for info in run.mailboxes() {
        assert_eq!(info.format, "maildir", "{}", info.mailbox);
    }
}
