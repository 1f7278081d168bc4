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

/// Collapses whitespace runs, as header unfolding may leave them differently.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn subjects_senders_and_attachment_names_agree_with_python_email() {
    let c = corpora();
    let dirs = [
        "rspamd-test-messages",
        "spamscope-mail-parser",
        "stalwart-mail-parser/eml",
        "enmime-testdata",
        "spamassassin-public/spam",
        "phishing-pot/email",
    ];
    let out = tempfile::tempdir().unwrap();
    let args: Vec<String> = dirs
        .iter()
        .map(|d| c.join(d).to_string_lossy().into_owned())
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = scan(out.path(), &args);
    let ours: HashMap<String, Msg> = run
        .messages()
        .into_iter()
        .filter(|m| m.locator_kind == "file" && m.parse_error.is_none())
        .map(|m| (m.path.clone(), m))
        .collect();
    // phishing-pot is large: every tenth file keeps Python's share of the test short.
    let mut paths: Vec<PathBuf> = ours.keys().map(PathBuf::from).collect();
    paths.sort();
    let paths: Vec<PathBuf> = paths
        .into_iter()
        .enumerate()
        .filter(|(i, p)| !p.to_string_lossy().contains("phishing-pot") || i % 10 == 0)
        .map(|(_, p)| p)
        .collect();
    let (mut compared, mut subject_diffs, mut from_diffs, mut name_diffs) =
        (0, Vec::new(), Vec::new(), Vec::new());
    for r in python_reference("email", &paths) {
        if r.get("error").is_some() {
            continue;
        }
        let path = r["path"].as_str().unwrap();
        let m = &ours[path];
        compared += 1;
        let theirs_subject = r["subject"].as_str().map(squash);
        if m.subject.as_deref().map(squash) != theirs_subject {
            subject_diffs.push((path.to_string(), m.subject.clone(), theirs_subject));
        }
        // Python reports a display name split off by a comma as the "address"; we report
        // the real address that follows (see message::first_address).
        let theirs_from = r["from"]
            .as_str()
            .filter(|a| a.contains('@'))
            .map(str::to_ascii_lowercase);
        if theirs_from.is_some()
            && m.from_address.as_deref().map(str::to_ascii_lowercase) != theirs_from
        {
            from_diffs.push((path.to_string(), m.from_address.clone(), theirs_from));
        }
        let theirs_names: Vec<String> = r["attachment_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| squash(n.as_str().unwrap()))
            .collect();
        let our_names: Vec<String> = m
            .attachment_names
            .iter()
            .flatten()
            .map(|n| squash(n))
            .collect();
        if our_names != theirs_names {
            name_diffs.push((path.to_string(), our_names, theirs_names));
        }
    }
    assert!(compared > 900, "{compared} messages compared");
    eprintln!(
        "compared {compared}: subjects differ {}, senders {}, attachment lists {}",
        subject_diffs.len(),
        from_diffs.len(),
        name_diffs.len()
    );
    // Broken and exotic encodings are decoded differently by the two parsers at times;
    // the floors catch a walker or decoder that goes wrong on ordinary mail.
    let floor = |diffs: usize| diffs * 100 <= compared * 3;
    assert!(
        floor(subject_diffs.len()),
        "{} of {compared} subjects differ: {:#?}",
        subject_diffs.len(),
        &subject_diffs[..subject_diffs.len().min(10)]
    );
    assert!(
        floor(from_diffs.len()),
        "{} of {compared} senders differ: {:#?}",
        from_diffs.len(),
        &from_diffs[..from_diffs.len().min(10)]
    );
    assert!(
        floor(name_diffs.len()),
        "{} of {compared} attachment lists differ: {:#?}",
        name_diffs.len(),
        &name_diffs[..name_diffs.len().min(10)]
    );
}
