//! Arrow schemas of the audit tables. Timestamps are microseconds in UTC (DuckDB reads
//! them as `TIMESTAMP WITH TIME ZONE`); lists are `LIST<VARCHAR>`.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// Bumped whenever a column changes meaning or type.
pub const SCHEMA_VERSION: &str = "3";

pub fn utc_timestamp() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

pub fn string_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

pub(super) fn schema(table: &str, fields: Vec<Field>) -> SchemaRef {
    let metadata = HashMap::from([
        ("mailsweep.table".to_string(), table.to_string()),
        (
            "mailsweep.schema_version".to_string(),
            SCHEMA_VERSION.to_string(),
        ),
        (
            "mailsweep.tool_version".to_string(),
            super::TOOL_VERSION.to_string(),
        ),
    ]);
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

pub fn run_schema() -> SchemaRef {
    schema(
        "run",
        vec![
            Field::new("run_id", DataType::Utf8, false),
            Field::new("command", DataType::Utf8, false),
            Field::new("command_line", DataType::Utf8, false),
            Field::new("tool_version", DataType::Utf8, false),
            Field::new("started", utc_timestamp(), false),
            Field::new("finished", utc_timestamp(), false),
            Field::new("mailboxes", DataType::Int64, false),
            Field::new("messages_scanned", DataType::Int64, false),
            Field::new("bytes", DataType::Int64, false),
            Field::new("parse_failures", DataType::Int64, false),
            Field::new("mailbox_errors", DataType::Int64, false),
            Field::new("seconds", DataType::Float64, false),
            Field::new("limit_per_mailbox", DataType::Int64, true),
            Field::new("threads", DataType::Int64, false),
            // Searches only (null for `scan`): the seed's action, result, values given
            // and emails matched.
            Field::new("action", DataType::Utf8, true),
            Field::new("result", DataType::Utf8, true),
            Field::new("values", DataType::Int64, true),
            Field::new("messages_matched", DataType::Int64, true),
        ],
    )
}

pub fn mailboxes_schema() -> SchemaRef {
    schema(
        "mailboxes",
        vec![
            Field::new("run_id", DataType::Utf8, false),
            Field::new("mailbox", DataType::Utf8, false),
            Field::new("owner", DataType::Utf8, true),
            Field::new("format", DataType::Utf8, false),
            Field::new("path", DataType::Utf8, false),
            Field::new("folders", string_list(), false),
            Field::new("messages_total", DataType::Int64, false),
            Field::new("messages_scanned", DataType::Int64, false),
            Field::new("internal_messages_skipped", DataType::Int64, false),
            Field::new("error", DataType::Utf8, true),
        ],
    )
}

pub fn messages_schema() -> SchemaRef {
    schema(
        "messages",
        vec![
            Field::new("run_id", DataType::Utf8, false),
            Field::new("mailbox", DataType::Utf8, false),
            Field::new("folder", DataType::Utf8, false),
            Field::new("ordinal", DataType::Int64, false),
            Field::new("locator_kind", DataType::Utf8, false),
            Field::new("path", DataType::Utf8, false),
            Field::new("offset", DataType::Int64, false),
            Field::new("length", DataType::Int64, false),
            Field::new("sha256", DataType::Utf8, false),
            Field::new("message_id", DataType::Utf8, true),
            Field::new("date", utc_timestamp(), true),
            Field::new("date_source", DataType::Utf8, true),
            Field::new("envelope_sender", DataType::Utf8, true),
            Field::new("maildir_flags", DataType::Utf8, true),
            Field::new("from_address", DataType::Utf8, true),
            Field::new("from_name", DataType::Utf8, true),
            Field::new("to", string_list(), false),
            Field::new("cc", string_list(), false),
            Field::new("subject", DataType::Utf8, true),
            Field::new("size", DataType::Int64, false),
            Field::new("attachment_count", DataType::Int32, false),
            Field::new("attachment_names", string_list(), false),
            Field::new("attachment_types", string_list(), false),
            Field::new("parse_error", DataType::Utf8, true),
            // Searches only: whether any value matched (null for `scan`); searches and
            // rescans: the parts of the message that could not be decoded.
            Field::new("matched", DataType::Boolean, true),
            Field::new("decode_problems", string_list(), true),
            // Rescans only (null otherwise): the verdict.
            Field::new("risk_level", DataType::Utf8, true),
            Field::new("disposition", DataType::Utf8, true),
            Field::new("categories", string_list(), true),
            Field::new("sender_trusted", DataType::Boolean, true),
        ],
    )
}

pub fn indicators_schema() -> SchemaRef {
    schema(
        "indicators",
        vec![
            Field::new("run_id", DataType::Utf8, false),
            Field::new("indicator_id", DataType::Utf8, false),
            Field::new("kind", DataType::Utf8, false),
            Field::new("value", DataType::Utf8, false),
            Field::new("normalized", DataType::Utf8, false),
            Field::new("source", DataType::Utf8, false),
            Field::new("matched_messages", DataType::Int64, false),
            Field::new("match_count", DataType::Int64, false),
            Field::new("occurrences", DataType::Int64, false),
        ],
    )
}

pub fn matches_schema() -> SchemaRef {
    schema(
        "matches",
        vec![
            Field::new("run_id", DataType::Utf8, false),
            Field::new("mailbox", DataType::Utf8, false),
            Field::new("ordinal", DataType::Int64, false),
            Field::new("sha256", DataType::Utf8, false),
            Field::new("indicator_id", DataType::Utf8, false),
            Field::new("kind", DataType::Utf8, false),
            Field::new("field", DataType::Utf8, false),
            Field::new("path", DataType::Utf8, false),
            Field::new("snippet", DataType::Utf8, false),
            Field::new("occurrences", DataType::Int64, false),
        ],
    )
}

pub fn actions_schema() -> SchemaRef {
    schema(
        "actions",
        vec![
            Field::new("run_id", DataType::Utf8, false),
            Field::new("mailbox", DataType::Utf8, false),
            Field::new("folder", DataType::Utf8, false),
            Field::new("ordinal", DataType::Int64, false),
            Field::new("locator_kind", DataType::Utf8, false),
            Field::new("path", DataType::Utf8, false),
            Field::new("offset", DataType::Int64, false),
            Field::new("length", DataType::Int64, false),
            Field::new("sha256", DataType::Utf8, false),
            Field::new("message_id", DataType::Utf8, true),
            Field::new("date", utc_timestamp(), true),
            Field::new("from_address", DataType::Utf8, true),
            Field::new("subject", DataType::Utf8, true),
            Field::new("action", DataType::Utf8, false),
            Field::new("reason", string_list(), false),
        ],
    )
}

pub fn risks_schema() -> SchemaRef {
    schema(
        "risks",
        vec![
            Field::new("run_id", DataType::Utf8, false),
            Field::new("mailbox", DataType::Utf8, false),
            Field::new("ordinal", DataType::Int64, false),
            Field::new("sha256", DataType::Utf8, false),
            Field::new("category", DataType::Utf8, false),
            Field::new("dangerous", DataType::Boolean, false),
            Field::new("level", DataType::Utf8, false),
            Field::new("score", DataType::Float64, false),
            // The rules that raised it and what each saw (same order).
            Field::new("rules", string_list(), false),
            Field::new("evidence", string_list(), false),
        ],
    )
}

pub fn xray_schema() -> SchemaRef {
    schema(
        "xray",
        vec![
            Field::new("run_id", DataType::Utf8, false),
            Field::new("mailbox", DataType::Utf8, false),
            Field::new("ordinal", DataType::Int64, false),
            Field::new("sha256", DataType::Utf8, false),
            // Null for an insight that raises no category.
            Field::new("category", DataType::Utf8, true),
            Field::new("rule", DataType::Utf8, false),
            Field::new("detail", DataType::Utf8, false),
            Field::new("score", DataType::Float64, false),
        ],
    )
}
