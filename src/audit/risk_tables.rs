//! Rows of the rescan tables: `risks.parquet` (one per message and category raised,
//! with its level, score and evidence) and `xray.parquet` (every piece of evidence,
//! insights included: what `mailsweep xray` prints).

use arrow_array::{ArrayRef, Float64Array, RecordBatch};
use std::sync::Arc;

use super::messages::{booleans, int64s, string_list, strings};
use super::schema::{risks_schema, xray_schema};
use super::AuditError;

/// A `risks.parquet` row. Borrowed from the verdicts it is built from: the rows of a
/// chunk are columns a moment later, and owned copies of every mailbox, hash and
/// evidence line cost more than the columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RiskRow<'a> {
    pub mailbox: &'a str,
    pub ordinal: i64,
    pub sha256: &'a str,
    pub category: &'static str,
    pub dangerous: bool,
    pub level: &'static str,
    pub score: f64,
    pub rules: Vec<&'static str>,
    pub evidence: Vec<&'a str>,
}

/// An `xray.parquet` row, borrowed as [`RiskRow`] is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct XrayRow<'a> {
    pub mailbox: &'a str,
    pub ordinal: i64,
    pub sha256: &'a str,
    pub category: Option<&'static str>,
    pub rule: &'static str,
    pub detail: &'a str,
    pub score: f64,
}

fn floats(rows: impl Iterator<Item = f64>) -> ArrayRef {
    Arc::new(rows.collect::<Float64Array>())
}

pub fn risks_batch(run_id: &str, rows: &[RiskRow<'_>]) -> Result<RecordBatch, AuditError> {
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|_| Some(run_id))),
        strings(rows.iter().map(|r| Some(r.mailbox))),
        int64s(rows.iter().map(|r| r.ordinal)),
        strings(rows.iter().map(|r| Some(r.sha256))),
        strings(rows.iter().map(|r| Some(r.category))),
        booleans(rows.iter().map(|r| Some(r.dangerous))),
        strings(rows.iter().map(|r| Some(r.level))),
        floats(rows.iter().map(|r| r.score)),
        string_list(rows.iter().map(|r| r.rules.as_slice())),
        string_list(rows.iter().map(|r| r.evidence.as_slice())),
    ];
    Ok(RecordBatch::try_new(risks_schema(), columns)?)
}

pub fn xray_batch(run_id: &str, rows: &[XrayRow<'_>]) -> Result<RecordBatch, AuditError> {
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|_| Some(run_id))),
        strings(rows.iter().map(|r| Some(r.mailbox))),
        int64s(rows.iter().map(|r| r.ordinal)),
        strings(rows.iter().map(|r| Some(r.sha256))),
        strings(rows.iter().map(|r| r.category)),
        strings(rows.iter().map(|r| Some(r.rule))),
        strings(rows.iter().map(|r| Some(r.detail))),
        floats(rows.iter().map(|r| r.score)),
    ];
    Ok(RecordBatch::try_new(xray_schema(), columns)?)
}
