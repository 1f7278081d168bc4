//! Rows of `mailboxes.parquet`: one per selected mailbox.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};

use super::schema::mailboxes_schema;
use super::AuditError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxRow {
    pub mailbox: String,
    pub owner: Option<String>,
    pub format: &'static str,
    pub path: String,
    pub folders: Vec<String>,
    pub messages_total: i64,
    pub messages_scanned: i64,
    pub internal_messages_skipped: i64,
    /// Every problem met reading this mailbox, one per line; `None` when there was none.
    pub error: Option<String>,
}

pub fn mailboxes_batch(run_id: &str, rows: &[MailboxRow]) -> Result<RecordBatch, AuditError> {
    let mut folders = ListBuilder::new(StringBuilder::new());
    for r in rows {
        for f in &r.folders {
            folders.values().append_value(f);
        }
        folders.append(true);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(rows.iter().map(|_| Some(run_id)).collect::<StringArray>()),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.mailbox.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| r.owner.as_deref())
                .collect::<StringArray>(),
        ),
        Arc::new(rows.iter().map(|r| Some(r.format)).collect::<StringArray>()),
        Arc::new(
            rows.iter()
                .map(|r| Some(r.path.as_str()))
                .collect::<StringArray>(),
        ),
        Arc::new(folders.finish()),
        Arc::new(
            rows.iter()
                .map(|r| r.messages_total)
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| r.messages_scanned)
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| r.internal_messages_skipped)
                .collect::<Int64Array>(),
        ),
        Arc::new(
            rows.iter()
                .map(|r| r.error.as_deref())
                .collect::<StringArray>(),
        ),
    ];
    Ok(RecordBatch::try_new(mailboxes_schema(), columns)?)
}
