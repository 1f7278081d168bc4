//! Audit: the run directory and the Parquet tables that are the audit record.
//!
//! Every run writes `<audit root>/<run id>/` with `run.parquet`, `mailboxes.parquet`
//! and `messages.parquet` (Snappy); searches add `indicators.parquet`, `matches.parquet`
//! and the action manifest `actions.parquet`; rescans add `risks.parquet`,
//! `xray.parquet` and the manifest; `mailsweep apply` adds `apply-<id>/applied.parquet`. Column meanings are in ARCHITECTURE.md; the schema
//! version and tool version are in each file's key-value metadata.

mod applied;
mod error;
mod mailboxes;
mod messages;
mod read;
mod read_rescan;
mod read_review;
mod risk_counts;
mod risk_tables;
mod run;
mod run_dir;
mod schema;
mod search_tables;
mod writer;

pub use applied::{applied_batch, applied_schema, AppliedRow};
pub use error::AuditError;
pub use mailboxes::{mailboxes_batch, MailboxRow};
pub use messages::{messages_batch, MessageRow};
pub use read::{
    find_run, list_runs, read_indicators, read_mailbox_ids, read_run, IndicatorCounts, RunRecord,
};
pub use read_rescan::{read_rescan_summary, read_xray, XrayEvidence, XrayMessage};
pub use read_review::{
    read_review, ReviewIndicator, ReviewMatch, ReviewMessage, ReviewRecord, RunDetails,
};
pub use risk_counts::{CategoryCount, DispositionCounts, LevelCounts, RescanSummary};
pub use risk_tables::{risks_batch, xray_batch, RiskRow, XrayRow};
pub use run::{run_batch, RunRow};
pub use run_dir::{new_run_id, RunDir};
pub use schema::{
    actions_schema, indicators_schema, mailboxes_schema, matches_schema, messages_schema,
    risks_schema, run_schema, xray_schema, SCHEMA_VERSION,
};
pub use search_tables::{
    actions_batch, indicators_batch, matches_batch, ActionRow, IndicatorRow, MatchRow,
};
pub use writer::{write_table, TableWriter};

/// The version of this tool, recorded in every table.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
