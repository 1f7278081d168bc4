//! Keyword and sender searches against an independent reference: for every value, the
//! set of messages `mailsweep search` matches in the whole SpamAssassin public corpus
//! (6,294 real messages, 2002-2003, many charsets and encodings) equals the set that
//! `tests/reference/search_reference.py` matches, a re-implementation of the documented
//! search rules on Python's standard library (`email` with `policy.default`,
//! `html.parser`, `zipfile`, `fnmatch`).
//!
//! The values were picked by looking at the corpus: most keywords are only found after
//! decoding (base64 and quoted-printable bodies, RFC 2047 subjects, charsets, HTML
//! entities, encoded file names, phrases wrapped across lines), so a decoder that goes
//! wrong on real mail changes a set and fails here with the message named. The corpus
//! has no zip attachments, so zip member names are not exercised here. Sender values
//! cover exact addresses, domains and patterns over From, Sender, Reply-To, Return-Path
//! and the envelope `From ` line each SpamAssassin file starts with.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use arrow_array::cast::AsArray;
use arrow_array::Array;

use common::*;

/// All of the corpus (the six folders; SOURCE.txt beside them is not mail).
const FOLDERS: [&str; 6] = [
    "easy_ham",
    "easy_ham_2",
    "hard_ham",
    "hard_ham_2",
    "spam",
    "spam_2",
];

/// Keywords, each chosen for what finding it takes.
const KEYWORDS: &[&str] = &[
    // Plain ASCII in ~900 bodies, text and HTML: the bulk case.
    "unsubscribe",
    // A phrase that is wrapped across body lines in some 20 messages (and split by
    // HTML tags or `&nbsp;` in others): whitespace runs must fold to one space.
    "mailing list",
    // Another phrase, wrapped in ~15 spam bodies, several of them HTML.
    "you have received this",
    // Only in quoted-printable bodies, split by a soft line break (`Dog=\nbert`).
    "Dogbert",
    // Only in base64 text bodies.
    "perjury",
    // Big5 Chinese, only in base64 bodies ("sorry if this bothers you").
    "如有打擾請見諒",
    // ISO-8859-1 `=F1` in quoted-printable bodies.
    "diseñado",
    // `producci&oacute;n` in quoted-printable HTML (an entity inside a QP body).
    "producción",
    // Only written `One&nbsp;World&nbsp;Hosting` in HTML: no-break spaces are whitespace.
    "one world hosting",
    // A base64 ISO-8859-1 RFC 2047 subject whose spaces are U+00A0.
    "time to invest your way",
    // A quoted-printable RFC 2047 subject with `=20` and `=2C`.
    "lose fat, gain muscle",
    // An ISO-8859-1 quoted-printable RFC 2047 subject with `=FC`.
    "bull über alles",
    // ISO-2022-JP base64 RFC 2047 subjects.
    "しじみともものコラボレーション",
    // A GB2312 base64 RFC 2047 subject.
    "野蛮女友",
    // An encoded Japanese attachment file name (`マイルストーン表示.bmp`).
    "マイルストーン表示",
    // A plain attachment file name (`warezcds.html`, an octet-stream part).
    "warezcds.html",
    // Absent from the corpus: must match nothing on both sides.
    "qzxv-mailsweep-absent-keyword",
];
const ABSENT_KEYWORD: &str = "qzxv-mailsweep-absent-keyword";

/// Sender values: exact addresses, domains and patterns.
const SENDERS: &[&str] = &[
    // Exact: the FoRK list's Sender/Return-Path, ~1,160 messages.
    "fork-admin@xent.com",
    // Exact, in another case than written: matching is case-insensitive.
    "Tim.One@Comcast.NET",
    // `@domain`: linux.ie and its subdomains (ILUG list traffic).
    "@linux.ie",
    // A bare domain: lists.sourceforge.net and example.sourceforge.net are subdomains.
    "sourceforge.net",
    // Includes a quoted local part holding an `@` ("salestoner@bol.com.br"@dogma...).
    "slashnull.org",
    // yahoo.com and groups.yahoo.com, but not yahoo.co.uk.
    "@yahoo.com",
    // `*`: every list's -admin address.
    "*-admin@*",
    // `*` inside the local part, exact domain.
    "rpm-*list*@freshrpms.net",
    // `?` for one character; this address is only ever in the envelope `From ` line that
    // starts each file (610 messages), never in a header.
    "rssfeeds@?mason.org",
    // Absent from the corpus.
    "nobody@mailsweep-absent.example",
];
const ABSENT_SENDER: &str = "nobody@mailsweep-absent.example";

/// Messages whose MIME is so broken that the two readers legitimately read them
/// differently, by path below the corpus, with why. Their keyword results are not
/// compared; an entry that no longer differs for any keyword fails the test (stale).
const KEYWORD_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "spam/00467.5b733c506b7165424a0d4a298e67970f",
        "multipart/alternative whose boundary never occurs (declared \"=Multipart Boundary \
         0925021429\", delimiters written \"--= Multipart Boundary 0925021429\"): by RFC \
         2046 all of the body is preamble, which Python ignores; mailsweep reads the body \
         as text, as a reader shows it",
    ),
    (
        "spam_2/01214.973b4598b630a989967ff69b19f95d4a",
        "the same broken boundary (\"=Multipart Boundary 0731021742\")",
    ),
    // A list server appended its plain-text footer ("... mailing list ...") to a base64
    // body. Python decodes the footer's letters as more base64 (garbage); mailsweep ends
    // the data at the first line that is not base64 and keeps the footer as the text it
    // is (src/message/recover.rs), so only mailsweep finds "mailing list" there.
    (
        "spam_2/00853.ee1fe2f2d16e8b27be79a670b8597252",
        "base64 body with a Mailman footer appended: kept as text",
    ),
    (
        "spam_2/00960.ae114c0b717c866b821efe032780a8e5",
        "base64 body with a Mailman footer appended: kept as text",
    ),
    (
        "spam_2/01072.ac604802c74de2ebc445efc827299b96",
        "base64 body with a Mailman footer appended: kept as text",
    ),
    (
        "spam_2/01309.4da3e5f7445fe71bdb9a145b3c704cc3",
        "base64 body with a Mailman footer appended: kept as text",
    ),
];

fn corpus() -> PathBuf {
    corpora().join("spamassassin-public")
}

/// A file's path below the corpus, the name differences are reported by.
fn relative(path: &Path, root: &Path) -> String {
    let canonical =
        std::fs::canonicalize(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    canonical
        .strip_prefix(root)
        .unwrap_or_else(|_| panic!("{} is outside {}", canonical.display(), root.display()))
        .to_string_lossy()
        .into_owned()
}

/// Every message file of the corpus folders, sorted.
fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in FOLDERS {
        for entry in std::fs::read_dir(corpus().join(folder)).expect("a corpus folder") {
            let path = entry.unwrap().path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(
        files.len() > 6000,
        "the whole corpus: {} files",
        files.len()
    );
    files
}

type Matched = BTreeMap<String, BTreeSet<String>>;

/// Runs `mailsweep search KIND` over the corpus folders with all `values` and returns
/// the matched message files per value (actions.parquet's `path` and `reason`), and our
/// decode problems per file.
fn ours(
    kind: &str,
    values: &[&str],
    files: &[PathBuf],
    root: &Path,
) -> (Matched, HashMap<String, Vec<String>>) {
    let out = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = FOLDERS
        .iter()
        .map(|f| corpus().join(f).to_string_lossy().into_owned())
        .collect();
    for v in values {
        args.extend(["--value".to_string(), v.to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = search(out.path(), kind, &args);
    assert_eq!(run.code(), 0, "mailsweep search {kind}: {}", run.stderr());

    // Every file was read as one message: nothing skipped, nothing split.
    let messages = run.messages();
    let read: BTreeSet<String> = messages
        .iter()
        .map(|m| relative(Path::new(&m.path), root))
        .collect();
    let listed: BTreeSet<String> = files.iter().map(|p| relative(p, root)).collect();
    assert_eq!(messages.len(), listed.len(), "one message per file");
    assert_eq!(read, listed, "mailsweep read exactly the corpus files");

    let indicators = run.indicators();
    assert_eq!(indicators.len(), values.len(), "one indicator per value");
    let value_of: HashMap<String, String> = indicators
        .iter()
        .map(|i| (i.indicator_id.clone(), i.value.clone()))
        .collect();
    let mut matched: Matched = values
        .iter()
        .map(|v| (v.to_string(), BTreeSet::new()))
        .collect();
    for action in run.actions() {
        assert_eq!(action.locator_kind, "file", "{}", action.path);
        let path = relative(Path::new(&action.path), root);
        for id in &action.reason {
            let value = value_of
                .get(id)
                .unwrap_or_else(|| panic!("unknown indicator {id}"));
            matched.get_mut(value).unwrap().insert(path.clone());
        }
    }
    // The indicator table counts what the manifest lists.
    for i in &indicators {
        assert_eq!(
            i.matched_messages as usize,
            matched[&i.value].len(),
            "{}: indicators.parquet vs actions.parquet",
            i.value
        );
    }
    (
        matched,
        decode_problems(&run.dir.join("messages.parquet"), root),
    )
}

/// Our decode problems per message file, shown beside a difference.
fn decode_problems(messages: &Path, root: &Path) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    for batch in read_batches(messages) {
        let paths = batch.column_by_name("path").unwrap().as_string::<i32>();
        let problems = batch
            .column_by_name("decode_problems")
            .unwrap()
            .as_list::<i32>();
        for row in 0..batch.num_rows() {
            if problems.is_null(row) {
                continue;
            }
            let list = problems.value(row);
            let list = list.as_string::<i32>();
            let list: Vec<String> = (0..list.len()).map(|i| list.value(i).to_string()).collect();
            if !list.is_empty() {
                out.insert(relative(Path::new(paths.value(row)), root), list);
            }
        }
    }
    out
}

/// Runs the Python reference over the same files.
fn reference(kind: &str, values: &[&str], files: &[PathBuf], root: &Path) -> Matched {
    let mut command = Command::new("python3");
    command
        .arg(repo().join("tests/reference/search_reference.py"))
        .arg(kind);
    for v in values {
        command.arg("--value").arg(v);
    }
    let output = command
        .arg("--")
        .args(files)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "reference failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (summary, per_value) = lines.split_last().expect("reference output");
    assert_eq!(
        summary["files"].as_u64(),
        Some(files.len() as u64),
        "{summary}"
    );
    assert_eq!(
        summary["errors"].as_array().map(Vec::len),
        Some(0),
        "Python could not read some files: {summary}"
    );
    assert_eq!(per_value.len(), values.len());
    per_value
        .iter()
        .zip(values)
        .map(|(line, value)| {
            assert_eq!(line["value"].as_str(), Some(*value));
            let paths = line["matched"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| relative(Path::new(p.as_str().unwrap()), root))
                .collect();
            (value.to_string(), paths)
        })
        .collect()
}

/// Runs both sides and asserts the same matched set per value, except where listed.
fn compare(kind: &str, values: &[&str], absent: &str, exceptions: &[(&str, &str)]) {
    let root = std::fs::canonicalize(corpus()).unwrap();
    let files = corpus_files();
    let (ours, problems) = ours(kind, values, &files, &root);
    let theirs = reference(kind, values, &files, &root);
    let excepted: BTreeSet<&str> = exceptions.iter().map(|&(path, _)| path).collect();
    let mut used = BTreeSet::new();
    let mut differences = Vec::new();
    for value in values {
        let (a, b) = (&ours[*value], &theirs[*value]);
        eprintln!(
            "{kind} {value:?}: mailsweep {}, Python {}",
            a.len(),
            b.len()
        );
        for (path, side) in a
            .difference(b)
            .map(|p| (p, "only mailsweep"))
            .chain(b.difference(a).map(|p| (p, "only Python")))
        {
            if excepted.contains(path.as_str()) {
                used.insert(path.as_str());
            } else {
                let problems = problems
                    .get(path)
                    .map(|p| format!(" (our decode problems: {})", p.join("; ")))
                    .unwrap_or_default();
                differences.push(format!("{value:?} {path}: {side}{problems}"));
            }
        }
        if *value == absent {
            assert!(
                a.is_empty() && b.is_empty(),
                "{value:?} is absent from the corpus"
            );
        } else {
            assert!(
                !b.is_empty(),
                "{value:?} matches nothing: the test would prove nothing"
            );
        }
    }
    let stale: Vec<&&str> = excepted.difference(&used).collect();
    assert!(
        stale.is_empty(),
        "exceptions that no longer differ: {stale:?}"
    );
    assert!(
        differences.is_empty(),
        "{} differences between mailsweep and the Python reference (what Python reads in \
         a file: `python3 tests/reference/search_reference.py texts FILE`):\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn keyword_search_matches_the_python_reference() {
    compare("keywords", KEYWORDS, ABSENT_KEYWORD, KEYWORD_EXCEPTIONS);
}

#[test]
fn sender_search_matches_the_python_reference() {
    compare("sender", SENDERS, ABSENT_SENDER, &[]);
}
