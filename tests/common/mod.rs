//! Shared test helpers: run the `mailsweep` binary, read its Parquet tables back, and
//! reach the real corpora in `../shared/corpora`.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn testdata() -> PathBuf {
    repo().join("testdata")
}

/// `../shared/corpora`, which CI and every developer machine have beside the repo.
pub fn corpora() -> PathBuf {
    let path = repo().join("../shared/corpora");
    assert!(
        path.is_dir(),
        "the real corpora are missing: expected {}",
        path.display()
    );
    path
}

pub struct Run {
    pub output: Output,
    pub dir: PathBuf,
    pub json: serde_json::Value,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    pub fn messages(&self) -> Vec<Msg> {
        read_messages(&self.dir.join("messages.parquet"))
    }
    pub fn mailboxes(&self) -> Vec<MailboxInfo> {
        read_mailboxes(&self.dir.join("mailboxes.parquet"))
    }
    pub fn matches(&self) -> Vec<MatchInfo> {
        read_matches(&self.dir.join("matches.parquet"))
    }
    pub fn indicators(&self) -> Vec<IndicatorInfo> {
        read_indicators(&self.dir.join("indicators.parquet"))
    }
    pub fn actions(&self) -> Vec<ActionInfo> {
        read_actions(&self.dir.join("actions.parquet"))
    }
}

fn text_at(batch: &RecordBatch, name: &str, row: usize) -> Option<String> {
    let column = batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("column {name}"));
    let strings = column.as_string::<i32>();
    strings
        .is_valid(row)
        .then(|| strings.value(row).to_string())
}

fn int_at(batch: &RecordBatch, name: &str, row: usize) -> i64 {
    let column = batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("column {name}"));
    column.as_primitive::<Int64Type>().value(row)
}

/// One row of matches.parquet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchInfo {
    pub mailbox: String,
    pub ordinal: i64,
    pub sha256: String,
    pub indicator_id: String,
    pub kind: String,
    pub field: String,
    pub path: String,
    pub snippet: String,
    pub occurrences: i64,
}

pub fn read_matches(path: &Path) -> Vec<MatchInfo> {
    let mut out = Vec::new();
    for b in read_batches(path) {
        for r in 0..b.num_rows() {
            let t = |n: &str| text_at(&b, n, r).unwrap_or_default();
            out.push(MatchInfo {
                mailbox: t("mailbox"),
                ordinal: int_at(&b, "ordinal", r),
                sha256: t("sha256"),
                indicator_id: t("indicator_id"),
                kind: t("kind"),
                field: t("field"),
                path: t("path"),
                snippet: t("snippet"),
                occurrences: int_at(&b, "occurrences", r),
            });
        }
    }
    out
}

/// One row of indicators.parquet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorInfo {
    pub indicator_id: String,
    pub kind: String,
    pub value: String,
    pub normalized: String,
    pub source: String,
    pub matched_messages: i64,
    pub match_count: i64,
}

pub fn read_indicators(path: &Path) -> Vec<IndicatorInfo> {
    let mut out = Vec::new();
    for b in read_batches(path) {
        for r in 0..b.num_rows() {
            let t = |n: &str| text_at(&b, n, r).unwrap_or_default();
            out.push(IndicatorInfo {
                indicator_id: t("indicator_id"),
                kind: t("kind"),
                value: t("value"),
                normalized: t("normalized"),
                source: t("source"),
                matched_messages: int_at(&b, "matched_messages", r),
                match_count: int_at(&b, "match_count", r),
            });
        }
    }
    out
}

/// One row of actions.parquet (the manifest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInfo {
    pub mailbox: String,
    pub ordinal: i64,
    pub locator_kind: String,
    pub path: String,
    pub offset: i64,
    pub length: i64,
    pub sha256: String,
    pub subject: Option<String>,
    pub action: String,
    pub reason: Vec<String>,
}

pub fn read_actions(path: &Path) -> Vec<ActionInfo> {
    let mut out = Vec::new();
    for b in read_batches(path) {
        let reasons = b.column_by_name("reason").unwrap().as_list::<i32>();
        for r in 0..b.num_rows() {
            let t = |n: &str| text_at(&b, n, r).unwrap_or_default();
            let list = reasons.value(r);
            let list = list.as_string::<i32>();
            out.push(ActionInfo {
                mailbox: t("mailbox"),
                ordinal: int_at(&b, "ordinal", r),
                locator_kind: t("locator_kind"),
                path: t("path"),
                offset: int_at(&b, "offset", r),
                length: int_at(&b, "length", r),
                sha256: t("sha256"),
                subject: text_at(&b, "subject", r),
                action: t("action"),
                reason: (0..list.len()).map(|i| list.value(i).to_string()).collect(),
            });
        }
    }
    out
}

/// Runs `mailsweep scan ARGS --json --out OUT` and parses the JSON summary.
pub fn scan(out: &Path, args: &[&str]) -> Run {
    run_json(out, &["scan"], args)
}

/// Runs `mailsweep search KIND ARGS --json --out OUT` and parses the JSON summary.
pub fn search(out: &Path, kind: &str, args: &[&str]) -> Run {
    run_json(out, &["search", kind], args)
}

/// Runs `mailsweep rescan ARGS --json --out OUT` and parses the JSON summary.
pub fn rescan(out: &Path, args: &[&str]) -> Run {
    run_json(out, &["rescan"], args)
}

fn run_json(out: &Path, command: &[&str], args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_mailsweep"))
        .args(command)
        .args(args)
        .arg("--json")
        .arg("--out")
        .arg(out)
        .output()
        .expect("mailsweep runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "--json output is one JSON object ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let dir = PathBuf::from(json["run_dir"].as_str().expect("run_dir"));
    Run { output, dir, json }
}

pub fn mailsweep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailsweep"))
        .args(args)
        .output()
        .expect("mailsweep runs")
}

pub fn read_batches(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("a Parquet file")
        .build()
        .expect("a reader")
        .map(|b| b.expect("a batch"))
        .collect()
}

/// One row of messages.parquet, as tests look at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub mailbox: String,
    pub folder: String,
    pub ordinal: i64,
    pub locator_kind: String,
    pub path: String,
    pub offset: i64,
    pub length: i64,
    pub sha256: String,
    pub message_id: Option<String>,
    pub date: Option<i64>,
    pub date_source: Option<String>,
    pub envelope_sender: Option<String>,
    pub maildir_flags: Option<String>,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: Option<String>,
    pub size: i64,
    pub attachment_count: i32,
    pub attachment_names: Vec<Option<String>>,
    pub parse_error: Option<String>,
}

fn text(b: &RecordBatch, name: &str, i: usize) -> Option<String> {
    let col = b
        .column_by_name(name)
        .unwrap_or_else(|| panic!("column {name}"));
    let col = col.as_string::<i32>();
    (!col.is_null(i)).then(|| col.value(i).to_string())
}

fn int(b: &RecordBatch, name: &str, i: usize) -> i64 {
    b.column_by_name(name)
        .unwrap()
        .as_primitive::<Int64Type>()
        .value(i)
}

fn list(b: &RecordBatch, name: &str, i: usize) -> Vec<Option<String>> {
    let col = b.column_by_name(name).unwrap().as_list::<i32>();
    let values = col.value(i);
    let values = values.as_string::<i32>();
    (0..values.len())
        .map(|j| (!values.is_null(j)).then(|| values.value(j).to_string()))
        .collect()
}

pub fn read_messages(path: &Path) -> Vec<Msg> {
    let mut out = Vec::new();
    for b in read_batches(path) {
        for i in 0..b.num_rows() {
            let date = b
                .column_by_name("date")
                .unwrap()
                .as_primitive::<TimestampMicrosecondType>();
            out.push(Msg {
                mailbox: text(&b, "mailbox", i).unwrap(),
                folder: text(&b, "folder", i).unwrap(),
                ordinal: int(&b, "ordinal", i),
                locator_kind: text(&b, "locator_kind", i).unwrap(),
                path: text(&b, "path", i).unwrap(),
                offset: int(&b, "offset", i),
                length: int(&b, "length", i),
                sha256: text(&b, "sha256", i).unwrap(),
                message_id: text(&b, "message_id", i),
                date: (!date.is_null(i)).then(|| date.value(i) / 1_000_000),
                date_source: text(&b, "date_source", i),
                envelope_sender: text(&b, "envelope_sender", i),
                maildir_flags: text(&b, "maildir_flags", i),
                from_address: text(&b, "from_address", i),
                from_name: text(&b, "from_name", i),
                to: list(&b, "to", i).into_iter().flatten().collect(),
                cc: list(&b, "cc", i).into_iter().flatten().collect(),
                subject: text(&b, "subject", i),
                size: int(&b, "size", i),
                attachment_count: b
                    .column_by_name("attachment_count")
                    .unwrap()
                    .as_primitive::<Int32Type>()
                    .value(i),
                attachment_names: list(&b, "attachment_names", i),
                parse_error: text(&b, "parse_error", i),
            });
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct MailboxInfo {
    pub mailbox: String,
    pub owner: Option<String>,
    pub format: String,
    pub path: String,
    pub folders: Vec<String>,
    pub messages_total: i64,
    pub messages_scanned: i64,
    pub internal_messages_skipped: i64,
    pub error: Option<String>,
}

pub fn read_mailboxes(path: &Path) -> Vec<MailboxInfo> {
    let mut out = Vec::new();
    for b in read_batches(path) {
        for i in 0..b.num_rows() {
            out.push(MailboxInfo {
                mailbox: text(&b, "mailbox", i).unwrap(),
                owner: text(&b, "owner", i),
                format: text(&b, "format", i).unwrap(),
                path: text(&b, "path", i).unwrap(),
                folders: list(&b, "folders", i).into_iter().flatten().collect(),
                messages_total: int(&b, "messages_total", i),
                messages_scanned: int(&b, "messages_scanned", i),
                internal_messages_skipped: int(&b, "internal_messages_skipped", i),
                error: text(&b, "error", i),
            });
        }
    }
    out
}

/// Lowercase hex SHA-256 of bytes (the sha2 crate directly, not mailsweep's code path).
pub fn sha256_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `sha256sum` of files (coreutils: an implementation independent of ours), by path.
pub fn sha256sum(paths: &[String]) -> std::collections::HashMap<String, String> {
    let mut sums = std::collections::HashMap::new();
    for chunk in paths.chunks(2000) {
        let output = Command::new("sha256sum")
            .arg("--")
            .args(chunk)
            .output()
            .expect("sha256sum runs");
        assert!(
            output.status.success(),
            "sha256sum: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let (sum, path) = line.split_once("  ").expect("sha256sum line");
            sums.insert(path.to_string(), sum.to_string());
        }
    }
    sums
}

/// Runs the Python reference script and returns its JSON lines.
pub fn python_reference(kind: &str, paths: &[PathBuf]) -> Vec<serde_json::Value> {
    let output = Command::new("python3")
        .arg(repo().join("tests/reference/mailbox_reference.py"))
        .arg(kind)
        .args(paths)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "reference failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
