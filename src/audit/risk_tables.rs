//! Rows of the rescan tables: `risks.parquet` (one per message and category raised,
//! with its level, score and evidence) and `xray.parquet` (every piece of evidence,
//! insights included: what `mailsweep xray` prints).

use arrow_array::{ArrayRef, Float64Array, RecordBatch};
use std::sync::Arc;

use super::messages::{booleans, int64s, string_list, strings};
use super::schema::{risks_schema, xray_schema};
use super::AuditError;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RiskRow {
    pub mailbox: String,
    pub ordinal: i64,
    pub sha256: String,
    pub category: &'static str,
    pub dangerous: bool,
    pub level: &'static str,
    pub score: f64,
    pub rules: Vec<&'static str>,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct XrayRow {
    pub mailbox: String,
    pub ordinal: i64,
    pub sha256: String,
    pub category: Option<&'static str>,
    pub rule: &'static str,
    pub detail: String,
    pub score: f64,
}

fn floats(rows: impl Iterator<Item = f64>) -> ArrayRef {
    Arc::new(rows.collect::<Float64Array>())
}

pub fn risks_batch(run_id: &str, rows: &[RiskRow]) -> Result<RecordBatch, AuditError> {
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|_| Some(run_id))),
        strings(rows.iter().map(|r| Some(r.mailbox.as_str()))),
        int64s(rows.iter().map(|r| r.ordinal)),
        strings(rows.iter().map(|r| Some(r.sha256.as_str()))),
        strings(rows.iter().map(|r| Some(r.category))),
        booleans(rows.iter().map(|r| Some(r.dangerous))),
        strings(rows.iter().map(|r| Some(r.level))),
        floats(rows.iter().map(|r| r.score)),
        string_list(rows.iter().map(|r| r.rules.as_slice())),
        string_list(rows.iter().map(|r| r.evidence.as_slice())),
    ];
    Ok(RecordBatch::try_new(risks_schema(), columns)?)
}

pub fn xray_batch(run_id: &str, rows: &[XrayRow]) -> Result<RecordBatch, AuditError> {
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|_| Some(run_id))),
        strings(rows.iter().map(|r| Some(r.mailbox.as_str()))),
        int64s(rows.iter().map(|r| r.ordinal)),
        strings(rows.iter().map(|r| Some(r.sha256.as_str()))),
        strings(rows.iter().map(|r| r.category)),
        strings(rows.iter().map(|r| Some(r.rule))),
        strings(rows.iter().map(|r| Some(r.detail.as_str()))),
        floats(rows.iter().map(|r| r.score)),
    ];
    Ok(RecordBatch::try_new(xray_schema(), columns)?)
}
