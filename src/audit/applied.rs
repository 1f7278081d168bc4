//! `applied.parquet`, the journal of one apply as a table (in `<run dir>/apply-<id>/`):
//! one row per manifest row, with what happened to it (`applied`, `skipped`, `failed`),
//! why, when, where the message went and where the vault keeps its bytes.

use std::sync::Arc;

use arrow_array::builder::TimestampMicrosecondBuilder;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, SchemaRef};

use super::messages::{int64s, strings};
use super::schema::{schema, utc_timestamp};
use super::AuditError;

pub fn applied_schema() -> SchemaRef {
    schema(
        "applied",
        vec![
            Field::new("apply_id", DataType::Utf8, false),
            Field::new("run_id", DataType::Utf8, true),
            Field::new("mailbox", DataType::Utf8, false),
            Field::new("folder", DataType::Utf8, false),
            Field::new("ordinal", DataType::Int64, true),
            Field::new("locator_kind", DataType::Utf8, false),
            Field::new("path", DataType::Utf8, false),
            Field::new("offset", DataType::Int64, false),
            Field::new("length", DataType::Int64, false),
            Field::new("sha256", DataType::Utf8, false),
            Field::new("action", DataType::Utf8, false),
            Field::new("status", DataType::Utf8, false),
            Field::new("reason", DataType::Utf8, false),
            Field::new("at", utc_timestamp(), false),
            Field::new("destination", DataType::Utf8, true),
            Field::new("vault", DataType::Utf8, true),
        ],
    )
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppliedRow {
    pub run_id: Option<String>,
    pub mailbox: String,
    pub folder: String,
    pub ordinal: Option<i64>,
    pub locator_kind: &'static str,
    pub path: String,
    pub offset: i64,
    pub length: i64,
    pub sha256: String,
    pub action: &'static str,
    /// `applied`, `skipped` or `failed`.
    pub status: &'static str,
    pub reason: String,
    /// Microseconds since the epoch, UTC.
    pub at_micros: i64,
    pub destination: Option<String>,
    pub vault: Option<String>,
}

pub fn applied_batch(apply_id: &str, rows: &[AppliedRow]) -> Result<RecordBatch, AuditError> {
    let mut at = TimestampMicrosecondBuilder::new().with_timezone("UTC");
    rows.iter().for_each(|r| at.append_value(r.at_micros));
    let ordinals: ArrayRef = Arc::new(
        rows.iter()
            .map(|r| r.ordinal)
            .collect::<arrow_array::Int64Array>(),
    );
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|_| Some(apply_id))),
        strings(rows.iter().map(|r| r.run_id.as_deref())),
        strings(rows.iter().map(|r| Some(r.mailbox.as_str()))),
        strings(rows.iter().map(|r| Some(r.folder.as_str()))),
        ordinals,
        strings(rows.iter().map(|r| Some(r.locator_kind))),
        strings(rows.iter().map(|r| Some(r.path.as_str()))),
        int64s(rows.iter().map(|r| r.offset)),
        int64s(rows.iter().map(|r| r.length)),
        strings(rows.iter().map(|r| Some(r.sha256.as_str()))),
        strings(rows.iter().map(|r| Some(r.action))),
        strings(rows.iter().map(|r| Some(r.status))),
        strings(rows.iter().map(|r| Some(r.reason.as_str()))),
        Arc::new(at.finish()),
        strings(rows.iter().map(|r| r.destination.as_deref())),
        strings(rows.iter().map(|r| r.vault.as_deref())),
    ];
    Ok(RecordBatch::try_new(applied_schema(), columns)?)
}
