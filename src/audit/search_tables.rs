//! Rows of the search tables: `indicators.parquet` (one per value, with its counts),
//! `matches.parquet` (one per value found in one place of one message) and
//! `actions.parquet`, the action manifest (one per matched message: where it is, the
//! hash that `apply` verifies, the action and the indicator ids that caused it).

use arrow_array::{ArrayRef, RecordBatch};

use super::messages::{int64s, string_list, strings, utc_seconds};
use super::schema::{actions_schema, indicators_schema, matches_schema};
use super::AuditError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorRow {
    pub indicator_id: String,
    pub kind: &'static str,
    pub value: String,
    pub normalized: String,
    pub source: String,
    /// Messages in which the value was found.
    pub matched_messages: i64,
    /// Rows of `matches.parquet` for the value (places: message, field and part).
    pub match_count: i64,
    /// Times the value was found, all places together.
    pub occurrences: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchRow {
    pub mailbox: String,
    pub ordinal: i64,
    pub sha256: String,
    pub indicator_id: String,
    pub kind: &'static str,
    pub field: String,
    pub path: String,
    pub snippet: String,
    pub occurrences: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionRow {
    pub mailbox: String,
    pub folder: String,
    pub ordinal: i64,
    pub locator_kind: &'static str,
    pub path: String,
    pub offset: i64,
    pub length: i64,
    pub sha256: String,
    pub message_id: Option<String>,
    /// Seconds since the epoch, UTC.
    pub date: Option<i64>,
    pub from_address: Option<String>,
    pub subject: Option<String>,
    /// `archive`, `delete` or `review`.
    pub action: &'static str,
    /// Indicator ids that matched.
    pub reason: Vec<String>,
}

pub fn indicators_batch(run_id: &str, rows: &[IndicatorRow]) -> Result<RecordBatch, AuditError> {
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|_| Some(run_id))),
        strings(rows.iter().map(|r| Some(r.indicator_id.as_str()))),
        strings(rows.iter().map(|r| Some(r.kind))),
        strings(rows.iter().map(|r| Some(r.value.as_str()))),
        strings(rows.iter().map(|r| Some(r.normalized.as_str()))),
        strings(rows.iter().map(|r| Some(r.source.as_str()))),
        int64s(rows.iter().map(|r| r.matched_messages)),
        int64s(rows.iter().map(|r| r.match_count)),
        int64s(rows.iter().map(|r| r.occurrences)),
    ];
    Ok(RecordBatch::try_new(indicators_schema(), columns)?)
}

pub fn matches_batch(run_id: &str, rows: &[MatchRow]) -> Result<RecordBatch, AuditError> {
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|_| Some(run_id))),
        strings(rows.iter().map(|r| Some(r.mailbox.as_str()))),
        int64s(rows.iter().map(|r| r.ordinal)),
        strings(rows.iter().map(|r| Some(r.sha256.as_str()))),
        strings(rows.iter().map(|r| Some(r.indicator_id.as_str()))),
        strings(rows.iter().map(|r| Some(r.kind))),
        strings(rows.iter().map(|r| Some(r.field.as_str()))),
        strings(rows.iter().map(|r| Some(r.path.as_str()))),
        strings(rows.iter().map(|r| Some(r.snippet.as_str()))),
        int64s(rows.iter().map(|r| r.occurrences)),
    ];
    Ok(RecordBatch::try_new(matches_schema(), columns)?)
}

pub fn actions_batch(run_id: &str, rows: &[ActionRow]) -> Result<RecordBatch, AuditError> {
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|_| Some(run_id))),
        strings(rows.iter().map(|r| Some(r.mailbox.as_str()))),
        strings(rows.iter().map(|r| Some(r.folder.as_str()))),
        int64s(rows.iter().map(|r| r.ordinal)),
        strings(rows.iter().map(|r| Some(r.locator_kind))),
        strings(rows.iter().map(|r| Some(r.path.as_str()))),
        int64s(rows.iter().map(|r| r.offset)),
        int64s(rows.iter().map(|r| r.length)),
        strings(rows.iter().map(|r| Some(r.sha256.as_str()))),
        strings(rows.iter().map(|r| r.message_id.as_deref())),
        utc_seconds(rows.iter().map(|r| r.date)),
        strings(rows.iter().map(|r| r.from_address.as_deref())),
        strings(rows.iter().map(|r| r.subject.as_deref())),
        strings(rows.iter().map(|r| Some(r.action))),
        string_list(rows.iter().map(|r| r.reason.as_slice())),
    ];
    Ok(RecordBatch::try_new(actions_schema(), columns)?)
}
