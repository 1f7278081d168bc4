//! `mailsweep train --validate --scores`: every held-out message of the train split gets
//! one row, found again by its path and place and by the SHA-256 the scan records, with
//! the label of its folder, and scores that agree with the table `--validate` prints.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The first `n` files of a corpus folder, copied into `to`.
fn copy_files(from: &Path, n: usize, to: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(to).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(from)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.ends_with("SOURCE.txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .take(n)
        .map(|f| {
            let copy = to.join(f.file_name().unwrap());
            std::fs::copy(&f, &copy).unwrap();
            copy
        })
        .collect()
}

fn in_train_split(sha256: &[u8]) -> bool {
    sha256[0] >= 0x55
}

#[test]
fn held_out_scores_name_every_train_split_message_and_agree_with_the_table() {
    let corpora = common::corpora();
    let dir = tempfile::tempdir().unwrap();
    let ham = copy_files(
        &corpora.join("spamassassin-public/easy_ham"),
        60,
        &dir.path().join("ham"),
    );
    let spam = copy_files(
        &corpora.join("spamassassin-public/spam"),
        45,
        &dir.path().join("spam"),
    );
    // Phishing as one mbox of phishing-pot messages, to check places in a file.
    let pot = copy_files(
        &corpora.join("phishing-pot/email"),
        45,
        &dir.path().join("pot"),
    );
    let mbox = dir.path().join("phishing.mbox");
    let mut data = Vec::new();
    for f in &pot {
        data.extend_from_slice(b"From phish@example.invalid Mon Jan  1 00:00:00 2024\n");
        let body = std::fs::read(f).unwrap();
        // mboxrd quoting, so each file stays one message.
        for line in body.split_inclusive(|&b| b == b'\n') {
            let unquoted = line.iter().position(|&b| b != b'>').unwrap_or(line.len());
            if line[unquoted..].starts_with(b"From ") {
                data.push(b'>');
            }
            data.extend_from_slice(line);
        }
        if !data.ends_with(b"\n") {
            data.push(b'\n');
        }
        data.push(b'\n');
    }
    std::fs::write(&mbox, &data).unwrap();

    // What each message should be: (path, place) → (label, SHA-256). One-message
    // files are hashed here; the mbox's messages as `mailsweep scan` records them.
    let mut want: BTreeMap<(String, usize), (&str, String)> = BTreeMap::new();
    for (label, files) in [("ham", &ham), ("spam", &spam)] {
        for f in files {
            let sha = Sha256::digest(std::fs::read(f).unwrap());
            if in_train_split(&sha) {
                want.insert((f.display().to_string(), 0), (label, hex::encode(sha)));
            }
        }
    }
    let scan = common::scan(
        &dir.path().join("run"),
        &[
            dir.path().join("ham").to_str().unwrap(),
            dir.path().join("spam").to_str().unwrap(),
            mbox.to_str().unwrap(),
        ],
    );
    assert_eq!(scan.code(), 0, "{}", scan.stderr());
    let all = scan.messages();
    // Each message's From address and subject as the scan decodes them.
    let seen: BTreeMap<String, (String, String)> = all
        .iter()
        .map(|m| {
            let from = m.from_address.clone().unwrap_or_default();
            (
                m.sha256.clone(),
                (from, m.subject.clone().unwrap_or_default()),
            )
        })
        .collect();
    let mut scanned: Vec<_> = all.iter().filter(|m| m.path.ends_with(".mbox")).collect();
    scanned.sort_by_key(|m| m.offset);
    assert_eq!(scanned.len(), pot.len());
    for (place, m) in scanned.iter().enumerate() {
        if in_train_split(&hex::decode(&m.sha256).unwrap()) {
            want.insert(
                (mbox.display().to_string(), place),
                ("phishing", m.sha256.clone()),
            );
        }
    }
    assert!(
        want.len() > 80,
        "a third of the messages go to the test split"
    );

    let scores = dir.path().join("scores.csv");
    let out = common::mailsweep(&[
        "train",
        "--ham",
        dir.path().join("ham").to_str().unwrap(),
        "--spam",
        dir.path().join("spam").to_str().unwrap(),
        "--phishing",
        mbox.to_str().unwrap(),
        "--split",
        "train",
        "--epochs",
        "60",
        "--validate",
        "--scores",
        scores.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut reader = csv::Reader::from_path(&scores).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let got: BTreeMap<(String, usize), (&str, String)> = rows
        .iter()
        .map(|r| {
            let label = match &r[col("label")] {
                "ham" => "ham",
                "spam" => "spam",
                "phishing" => "phishing",
                other => panic!("label {other}"),
            };
            (
                (
                    r[col("path")].to_string(),
                    r[col("message")].parse().unwrap(),
                ),
                (label, r[col("sha256")].to_string()),
            )
        })
        .collect();
    assert_eq!(got.len(), rows.len(), "one row per message");
    assert_eq!(got, want);
    // In input order: the folders and files as given, an mbox's messages in place order.
    let group = |path: &str| {
        ["/ham/", "/spam/", "phishing.mbox"]
            .iter()
            .position(|g| path.contains(g))
    };
    let order: Vec<(Option<usize>, String, usize)> = rows
        .iter()
        .map(|r| {
            let path = r[col("path")].to_string();
            (group(&path), path, r[col("message")].parse().unwrap())
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);

    // From and subject, to recognise a message by: as the scan reads them.
    for r in &rows {
        let (from, subject) = &seen[&r[col("sha256")]];
        assert_eq!(&r[col("from")], from, "{r:?}");
        // Folding whitespace may be unfolded to one space or kept: compare words.
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(words(&r[col("subject")]), words(subject), "{r:?}");
    }
    assert!(
        rows.iter()
            .filter(|r| !r[col("subject")].is_empty())
            .count()
            > 80
    );

    // Scores: probabilities, thresholds, and the printed table's counts.
    let num = |r: &csv::StringRecord, c: &str| r[col(c)].parse::<f32>().unwrap();
    for r in &rows {
        let sum = num(r, "ham") + num(r, "spam") + num(r, "phishing");
        assert!((sum - 1.0).abs() < 1e-3, "{r:?}");
        assert_eq!(
            &r[col("flagged_spam")],
            (num(r, "spam_score") >= 0.8).to_string()
        );
        assert_eq!(
            &r[col("flagged_phishing")],
            (num(r, "phishing") >= 0.5).to_string()
        );
    }
    let count = |label: &str, column: &str, t: f32| {
        rows.iter()
            .filter(|r| &r[col("label")] == label && num(r, column) >= t)
            .count()
    };
    // The table prints probabilities rounded to 4 places in the file; a message within
    // rounding of a threshold could differ, so compare where none is.
    let near = |column: &str, t: f32| rows.iter().any(|r| (num(r, column) - t).abs() < 1e-4);
    let spam_score_table = stdout
        .split("spam score (the rescan's")
        .nth(1)
        .expect("the spam score table");
    for (t, line) in [(0.5f32, "t 0.50"), (0.8, "t 0.80")] {
        if near("spam_score", t) {
            continue;
        }
        let printed = spam_score_table
            .lines()
            .find(|l| l.trim_start().starts_with(line))
            .unwrap();
        let want_line = format!(
            "ham {:.2}% ({}), caught {:.2}% ({})",
            100.0 * count("ham", "spam_score", t) as f64 / rows_of(&rows, &col, "ham") as f64,
            count("ham", "spam_score", t),
            100.0 * count("spam", "spam_score", t) as f64 / rows_of(&rows, &col, "spam") as f64,
            count("spam", "spam_score", t),
        );
        assert!(printed.ends_with(&want_line), "{printed} / {want_line}");
    }
    // A model that learned anything sorts most of these apart.
    assert!(count("spam", "spam_score", 0.5) * 10 >= rows_of(&rows, &col, "spam") * 7);
    assert!(count("phishing", "phishing", 0.5) * 10 >= rows_of(&rows, &col, "phishing") * 7);
}

fn rows_of(rows: &[csv::StringRecord], col: &dyn Fn(&str) -> usize, label: &str) -> usize {
    rows.iter().filter(|r| &r[col("label")] == label).count()
}

#[test]
fn scores_without_validate_is_a_usage_error() {
    let out = common::mailsweep(&["train", "--ham", "x", "--scores", "s.csv", "-o", "m"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--validate"));
}

#[test]
fn a_scores_path_that_cannot_be_written_fails_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let ham = copy_files(
        &common::corpora().join("spamassassin-public/easy_ham"),
        3,
        &dir.path().join("ham"),
    );
    let to = dir.path().join("missing/scores.csv");
    let out = common::mailsweep(&[
        "train",
        "--ham",
        ham[0].parent().unwrap().to_str().unwrap(),
        "--validate",
        "--scores",
        to.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(to.to_str().unwrap()), "{stderr}");
    // Not "no training messages of class spam": the path is checked first.
    assert!(!stderr.contains("no training messages"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).is_empty());
}
