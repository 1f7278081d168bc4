//! The one row of `run.parquet`: what was run, when, over what, and how it went.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
};

use super::schema::run_schema;
use super::{AuditError, TOOL_VERSION};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunRow {
    pub run_id: String,
    /// The subcommand: `scan`, `search` (later `rescan`).
    pub command: String,
    pub command_line: String,
    /// Microseconds since the epoch, UTC.
    pub started_micros: i64,
    pub finished_micros: i64,
    pub mailboxes: i64,
    pub messages_scanned: i64,
    pub bytes: i64,
    pub parse_failures: i64,
    pub mailbox_errors: i64,
    pub seconds: f64,
    pub limit_per_mailbox: Option<i64>,
    pub threads: i64,
    /// Searches only: the seed's action (`search links`, …), result, values, matched.
    pub action: Option<String>,
    pub result: Option<String>,
    pub values: Option<i64>,
    pub messages_matched: Option<i64>,
}

pub fn run_batch(row: &RunRow) -> Result<RecordBatch, AuditError> {
    let text = |s: &str| -> ArrayRef { Arc::new(StringArray::from(vec![s])) };
    let int = |v: i64| -> ArrayRef { Arc::new(Int64Array::from(vec![v])) };
    let time = |v: i64| -> ArrayRef {
        Arc::new(TimestampMicrosecondArray::from(vec![v]).with_timezone("UTC"))
    };
    let columns: Vec<ArrayRef> = vec![
        text(&row.run_id),
        text(&row.command),
        text(&row.command_line),
        text(TOOL_VERSION),
        time(row.started_micros),
        time(row.finished_micros),
        int(row.mailboxes),
        int(row.messages_scanned),
        int(row.bytes),
        int(row.parse_failures),
        int(row.mailbox_errors),
        Arc::new(Float64Array::from(vec![row.seconds])),
        Arc::new(Int64Array::from(vec![row.limit_per_mailbox])),
        int(row.threads),
        Arc::new(StringArray::from(vec![row.action.clone()])),
        Arc::new(StringArray::from(vec![row.result.clone()])),
        Arc::new(Int64Array::from(vec![row.values])),
        Arc::new(Int64Array::from(vec![row.messages_matched])),
    ];
    Ok(RecordBatch::try_new(run_schema(), columns)?)
}
