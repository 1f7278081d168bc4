//! Audit: the run directory and the Parquet tables that are the audit record.
//!
//! Every run writes `<audit root>/<run id>/` with `run.parquet`, `mailboxes.parquet`
//! and `messages.parquet` (zstd). Column meanings are in ARCHITECTURE.md; the schema
//! version and tool version are in each file's key-value metadata.

mod error;
mod mailboxes;
mod messages;
mod run;
mod run_dir;
mod schema;
mod writer;

pub use error::AuditError;
pub use mailboxes::{mailboxes_batch, MailboxRow};
pub use messages::{messages_batch, MessageRow};
pub use run::{run_batch, RunRow};
pub use run_dir::{new_run_id, RunDir};
pub use schema::{mailboxes_schema, messages_schema, run_schema, SCHEMA_VERSION};
pub use writer::{write_table, TableWriter};

/// The version of this tool, recorded in every table.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
