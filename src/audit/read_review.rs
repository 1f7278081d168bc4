//! Reading a run back for its review report: the run's details, its values and their
//! counts, and every message of the action manifest joined with what the other tables
//! say about it (its `messages` row, its matches with snippets, its X-ray evidence).
//! Only the tables: the stored messages themselves are read by the report.

use std::collections::HashMap;
use std::path::Path;

use arrow_array::TimestampMicrosecondArray;
use arrow_array::{Array, BooleanArray, Float64Array, ListArray, RecordBatch, StringArray};

use super::read::{column, int, malformed, read_batches, read_values, run_record, run_row, text};
use super::{AuditError, RunRecord, XrayEvidence};

/// What `run.parquet` says beyond [`RunRecord`], for the report's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct RunDetails {
    pub record: RunRecord,
    pub command_line: String,
    pub tool_version: String,
    /// Microseconds since the epoch, UTC.
    pub finished_micros: Option<i64>,
    pub bytes: Option<i64>,
    pub parse_failures: Option<i64>,
    pub mailbox_errors: Option<i64>,
}

/// One value of a search, as `indicators.parquet` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewIndicator {
    pub id: String,
    pub kind: String,
    pub value: String,
    pub normalized: String,
    pub source: String,
    pub matched_messages: i64,
    pub match_count: i64,
    pub occurrences: i64,
}

/// One value found in one place of a message (`matches.parquet`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewMatch {
    pub indicator_id: String,
    pub field: String,
    pub path: String,
    pub snippet: String,
    pub occurrences: i64,
}

/// One message of the action manifest, with its other rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewMessage {
    pub mailbox: String,
    pub folder: String,
    pub ordinal: i64,
    pub locator_kind: String,
    pub path: String,
    pub offset: u64,
    pub length: u64,
    pub sha256: String,
    pub message_id: Option<String>,
    /// Microseconds since the epoch, UTC.
    pub date_micros: Option<i64>,
    pub from_address: Option<String>,
    pub subject: Option<String>,
    pub action: String,
    pub reason: Vec<String>,
    /// From `messages.parquet` (empty or `None` when its row is missing).
    pub attachment_names: Vec<Option<String>>,
    pub attachment_types: Vec<Option<String>>,
    pub parse_error: Option<String>,
    pub decode_problems: Vec<Option<String>>,
    pub risk_level: Option<String>,
    pub disposition: Option<String>,
    pub sender_trusted: Option<bool>,
    pub matches: Vec<ReviewMatch>,
    pub evidence: Vec<XrayEvidence>,
}

/// Everything the review report shows from a run's tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRecord {
    pub run: RunDetails,
    pub indicators: Vec<ReviewIndicator>,
    /// In manifest order.
    pub messages: Vec<ReviewMessage>,
}

/// Reads what the review report of `run_dir` needs. A scan run (no manifest) has no
/// messages to review.
pub fn read_review(run_dir: &Path) -> Result<ReviewRecord, AuditError> {
    let run = read_run_details(run_dir)?;
    let indicators = read_values(run_dir)?;
    let mut messages = read_manifest(run_dir)?;
    let index: HashMap<(String, i64), usize> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| ((m.mailbox.clone(), m.ordinal), i))
        .collect();
    if !messages.is_empty() {
        join_messages(run_dir, &index, &mut messages)?;
        join_matches(run_dir, &index, &mut messages)?;
        join_xray(run_dir, &index, &mut messages)?;
    }
    Ok(ReviewRecord {
        run,
        indicators,
        messages,
    })
}

fn read_run_details(run_dir: &Path) -> Result<RunDetails, AuditError> {
    let (path, batch) = run_row(run_dir)?;
    let batch = &batch;
    Ok(RunDetails {
        record: run_record(run_dir, &path, batch)?,
        command_line: text(batch, "command_line", 0).unwrap_or_default(),
        tool_version: text(batch, "tool_version", 0).unwrap_or_default(),
        finished_micros: column::<TimestampMicrosecondArray>(batch, "finished")
            .filter(|c| c.is_valid(0))
            .map(|c| c.value(0)),
        bytes: int(batch, "bytes", 0),
        parse_failures: int(batch, "parse_failures", 0),
        mailbox_errors: int(batch, "mailbox_errors", 0),
    })
}

fn read_manifest(run_dir: &Path) -> Result<Vec<ReviewMessage>, AuditError> {
    let path = run_dir.join("actions.parquet");
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for batch in read_batches(&path)? {
        for row in 0..batch.num_rows() {
            let field = |name: &str| text(&batch, name, row).ok_or_else(|| malformed(&path, name));
            let count = |name: &str| {
                int(&batch, name, row)
                    .and_then(|v| u64::try_from(v).ok())
                    .ok_or_else(|| malformed(&path, name))
            };
            out.push(ReviewMessage {
                mailbox: field("mailbox")?,
                folder: field("folder")?,
                ordinal: int(&batch, "ordinal", row).ok_or_else(|| malformed(&path, "ordinal"))?,
                locator_kind: field("locator_kind")?,
                path: field("path")?,
                offset: count("offset")?,
                length: count("length")?,
                sha256: field("sha256")?,
                message_id: text(&batch, "message_id", row),
                date_micros: timestamp(&batch, "date", row),
                from_address: text(&batch, "from_address", row),
                subject: text(&batch, "subject", row),
                action: field("action")?,
                reason: strings(&batch, "reason", row)
                    .into_iter()
                    .flatten()
                    .collect(),
                attachment_names: Vec::new(),
                attachment_types: Vec::new(),
                parse_error: None,
                decode_problems: Vec::new(),
                risk_level: None,
                disposition: None,
                sender_trusted: None,
                matches: Vec::new(),
                evidence: Vec::new(),
            });
        }
    }
    Ok(out)
}

/// Fills in each manifest message's `messages.parquet` columns.
fn join_messages(
    run_dir: &Path,
    index: &HashMap<(String, i64), usize>,
    messages: &mut [ReviewMessage],
) -> Result<(), AuditError> {
    for batch in read_batches(&run_dir.join("messages.parquet"))? {
        for row in 0..batch.num_rows() {
            let Some(&i) = key(&batch, row).and_then(|k| index.get(&k)) else {
                continue;
            };
            let m = &mut messages[i];
            m.attachment_names = strings(&batch, "attachment_names", row);
            m.attachment_types = strings(&batch, "attachment_types", row);
            m.parse_error = text(&batch, "parse_error", row);
            m.decode_problems = strings(&batch, "decode_problems", row);
            m.risk_level = text(&batch, "risk_level", row);
            m.disposition = text(&batch, "disposition", row);
            m.sender_trusted = column::<BooleanArray>(&batch, "sender_trusted")
                .filter(|c| c.is_valid(row))
                .map(|c| c.value(row));
        }
    }
    Ok(())
}

/// Appends each manifest message's matches, in the table's (scan) order.
fn join_matches(
    run_dir: &Path,
    index: &HashMap<(String, i64), usize>,
    messages: &mut [ReviewMessage],
) -> Result<(), AuditError> {
    let path = run_dir.join("matches.parquet");
    if !path.is_file() {
        return Ok(());
    }
    for batch in read_batches(&path)? {
        for row in 0..batch.num_rows() {
            let Some(&i) = key(&batch, row).and_then(|k| index.get(&k)) else {
                continue;
            };
            let field = |name: &str| text(&batch, name, row).ok_or_else(|| malformed(&path, name));
            messages[i].matches.push(ReviewMatch {
                indicator_id: field("indicator_id")?,
                field: field("field")?,
                path: text(&batch, "path", row).unwrap_or_default(),
                snippet: text(&batch, "snippet", row).unwrap_or_default(),
                occurrences: int(&batch, "occurrences", row).unwrap_or(1),
            });
        }
    }
    Ok(())
}

/// Appends each manifest message's X-ray evidence (rescans only), in the table's order.
fn join_xray(
    run_dir: &Path,
    index: &HashMap<(String, i64), usize>,
    messages: &mut [ReviewMessage],
) -> Result<(), AuditError> {
    let path = run_dir.join("xray.parquet");
    if !path.is_file() {
        return Ok(());
    }
    for batch in read_batches(&path)? {
        let scores = column::<Float64Array>(&batch, "score");
        let categories = column::<StringArray>(&batch, "category");
        for row in 0..batch.num_rows() {
            let Some(&i) = key(&batch, row).and_then(|k| index.get(&k)) else {
                continue;
            };
            messages[i].evidence.push(XrayEvidence {
                category: categories
                    .filter(|c| c.is_valid(row))
                    .map(|c| c.value(row).to_string()),
                rule: text(&batch, "rule", row).ok_or_else(|| malformed(&path, "rule"))?,
                detail: text(&batch, "detail", row).unwrap_or_default(),
                score: scores.map_or(0.0, |s| s.value(row)),
            });
        }
    }
    Ok(())
}

/// The `(mailbox, ordinal)` that joins the tables.
fn key(batch: &RecordBatch, row: usize) -> Option<(String, i64)> {
    Some((text(batch, "mailbox", row)?, int(batch, "ordinal", row)?))
}

fn timestamp(batch: &RecordBatch, name: &str, row: usize) -> Option<i64> {
    column::<TimestampMicrosecondArray>(batch, name)
        .filter(|c| c.is_valid(row))
        .map(|c| c.value(row))
}

/// A list-of-strings cell (null entries kept as `None`; a null list is empty).
fn strings(batch: &RecordBatch, name: &str, row: usize) -> Vec<Option<String>> {
    let Some(list) = column::<ListArray>(batch, name).filter(|c| c.is_valid(row)) else {
        return Vec::new();
    };
    let values = list.value(row);
    let Some(items) = values.as_any().downcast_ref::<StringArray>() else {
        return Vec::new();
    };
    (0..items.len())
        .map(|i| items.is_valid(i).then(|| items.value(i).to_string()))
        .collect()
}
