//! Rows of `messages.parquet`: one per scanned message, in scan order.

use std::sync::Arc;

use arrow_array::builder::{
    Int32Builder, Int64Builder, ListBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};

use super::schema::messages_schema;
use super::AuditError;

/// One message as the table records it (owned: built by a worker, sent to the writer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageRow {
    pub mailbox: String,
    pub folder: String,
    /// Position in the mailbox's scan order, from 1 (newest first under `--limit`).
    pub ordinal: i64,
    pub locator_kind: &'static str,
    pub path: String,
    pub offset: i64,
    pub length: i64,
    pub sha256: String,
    pub message_id: Option<String>,
    /// Seconds since the epoch, UTC.
    pub date: Option<i64>,
    pub date_source: Option<&'static str>,
    pub envelope_sender: Option<String>,
    pub maildir_flags: Option<String>,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: Option<String>,
    /// Bytes of the message without its mbox `From ` line and separator line.
    pub size: i64,
    pub attachment_names: Vec<Option<String>>,
    pub attachment_types: Vec<String>,
    pub parse_error: Option<String>,
    /// Searches only: whether any value matched.
    pub matched: Option<bool>,
    /// Searches and rescans: parts that could not be decoded.
    pub decode_problems: Option<Vec<String>>,
    /// Rescans only: the highest risk level raised (null when none), where the verdict
    /// sends the message, the categories raised and whether the sender is trusted.
    pub risk_level: Option<&'static str>,
    pub disposition: Option<&'static str>,
    pub categories: Option<Vec<&'static str>>,
    pub sender_trusted: Option<bool>,
}

pub(super) fn string_list<'a, I, S>(rows: I) -> ArrayRef
where
    I: Iterator<Item = &'a [S]>,
    S: AsRef<str> + 'a,
{
    let mut b = ListBuilder::new(StringBuilder::new());
    for items in rows {
        for item in items {
            b.values().append_value(item.as_ref());
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

/// A list column whose rows may be null (the column does not apply to the run).
pub(super) fn optional_string_list<'a, I, S>(rows: I) -> ArrayRef
where
    I: Iterator<Item = Option<&'a [S]>>,
    S: AsRef<str> + 'a,
{
    let mut b = ListBuilder::new(StringBuilder::new());
    for items in rows {
        match items {
            Some(items) => {
                for item in items {
                    b.values().append_value(item.as_ref());
                }
                b.append(true);
            }
            None => b.append(false),
        }
    }
    Arc::new(b.finish())
}

pub(super) fn booleans(rows: impl Iterator<Item = Option<bool>>) -> ArrayRef {
    Arc::new(rows.collect::<arrow_array::BooleanArray>())
}

pub(super) fn strings<'a>(rows: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(rows.collect::<arrow_array::StringArray>())
}

pub(super) fn int64s(rows: impl Iterator<Item = i64>) -> ArrayRef {
    let mut b = Int64Builder::new();
    rows.for_each(|v| b.append_value(v));
    Arc::new(b.finish())
}

/// Seconds since the epoch as a UTC timestamp column (microseconds).
pub(super) fn utc_seconds(rows: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    let mut dates = TimestampMicrosecondBuilder::new().with_timezone("UTC");
    for date in rows {
        dates.append_option(date.map(|s| s.saturating_mul(1_000_000)));
    }
    Arc::new(dates.finish())
}

pub fn messages_batch(run_id: &str, rows: &[MessageRow]) -> Result<RecordBatch, AuditError> {
    let mut counts = Int32Builder::new();
    let mut names = ListBuilder::new(StringBuilder::new());
    for r in rows {
        counts.append_value(r.attachment_names.len() as i32);
        for n in &r.attachment_names {
            names.values().append_option(n.as_deref());
        }
        names.append(true);
    }
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
        strings(rows.iter().map(|r| r.date_source)),
        strings(rows.iter().map(|r| r.envelope_sender.as_deref())),
        strings(rows.iter().map(|r| r.maildir_flags.as_deref())),
        strings(rows.iter().map(|r| r.from_address.as_deref())),
        strings(rows.iter().map(|r| r.from_name.as_deref())),
        string_list(rows.iter().map(|r| r.to.as_slice())),
        string_list(rows.iter().map(|r| r.cc.as_slice())),
        strings(rows.iter().map(|r| r.subject.as_deref())),
        int64s(rows.iter().map(|r| r.size)),
        Arc::new(counts.finish()),
        Arc::new(names.finish()),
        string_list(rows.iter().map(|r| r.attachment_types.as_slice())),
        strings(rows.iter().map(|r| r.parse_error.as_deref())),
        booleans(rows.iter().map(|r| r.matched)),
        optional_string_list(rows.iter().map(|r| r.decode_problems.as_deref())),
        strings(rows.iter().map(|r| r.risk_level)),
        strings(rows.iter().map(|r| r.disposition)),
        optional_string_list(rows.iter().map(|r| r.categories.as_deref())),
        booleans(rows.iter().map(|r| r.sender_trusted)),
    ];
    Ok(RecordBatch::try_new(messages_schema(), columns)?)
}
