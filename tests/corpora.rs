//! The whole of `../shared/corpora`: every file is read without a panic, every message
//! is a row, and every whole-file message hashes like `sha256sum`.

mod common;

use common::*;

#[test]
fn every_corpus_file_scans_without_panic_and_hashes_like_sha256sum() {
    let out = tempfile::tempdir().unwrap();
    let run = scan(out.path(), &[corpora().to_str().unwrap()]);
    assert!(
        matches!(run.code(), 0 | 3),
        "exit {}: {}",
        run.code(),
        run.stderr()
    );
    let messages = run.messages();
    let boxes = run.mailboxes();
    let total: i64 = boxes.iter().map(|b| b.messages_total).sum();
    assert_eq!(
        messages.len() as i64,
        total,
        "every listed message is a row"
    );
    // README.txt of the corpora counts ~14,000 real messages.
    assert!(messages.len() > 13_800, "{} messages", messages.len());
    let panics: Vec<_> = messages
        .iter()
        .filter(|m| {
            m.parse_error
                .as_deref()
                .is_some_and(|e| e.contains("panicked"))
        })
        .map(|m| m.path.as_str())
        .collect();
    assert!(panics.is_empty(), "parser panics on {panics:?}");
    let failures = messages.iter().filter(|m| m.parse_error.is_some()).count();
    assert_eq!(run.json["parse_failures"], failures);
    assert!(
        failures < messages.len() / 50,
        "{failures} parse failures is implausibly many"
    );
    let files: Vec<String> = messages
        .iter()
        .filter(|m| m.locator_kind == "file")
        .map(|m| m.path.clone())
        .collect();
    let sums = sha256sum(&files);
    for m in messages.iter().filter(|m| m.locator_kind == "file") {
        assert_eq!(Some(&m.sha256), sums.get(&m.path), "{}", m.path);
    }
    // Formats found in the real corpora.
    for format in ["mbox", "maildir", "eml"] {
        assert!(
            boxes.iter().any(|b| b.format == format),
            "no {format} mailbox found"
        );
    }
}
