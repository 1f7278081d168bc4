//! Reading a rescan back: its counts per category, level and disposition (for `audit
//! show`), and one message's verdict and evidence (for `mailsweep xray`).

use std::path::Path;

use arrow_array::{Array, BooleanArray, Float64Array, ListArray, StringArray};

use super::read::{column, int, malformed, read_batches, read_columns, text};
use super::{AuditError, CategoryCount, DispositionCounts, LevelCounts, RescanSummary};
use crate::risk::Category;

/// The counts of a rescan run; `None` for other runs.
pub fn read_rescan_summary(run_dir: &Path) -> Result<Option<RescanSummary>, AuditError> {
    let risks = run_dir.join("risks.parquet");
    if !risks.is_file() {
        return Ok(None);
    }
    let mut summary = RescanSummary {
        categories: Category::ALL
            .iter()
            .map(|c| CategoryCount {
                category: c.as_str().to_string(),
                label: c.label().to_string(),
                dangerous: c.dangerous(),
                messages: 0,
                high: 0,
                moderate: 0,
                low: 0,
            })
            .collect(),
        ..RescanSummary::default()
    };
    for batch in read_columns(&risks, Some(&["category", "level"]))? {
        for row in 0..batch.num_rows() {
            let name =
                text(&batch, "category", row).ok_or_else(|| malformed(&risks, "category"))?;
            let Some(count) = summary.categories.iter_mut().find(|c| c.category == name) else {
                return Err(malformed(&risks, &format!("unknown category {name:?}")));
            };
            count.messages += 1;
            match text(&batch, "level", row).as_deref() {
                Some("high") => count.high += 1,
                Some("moderate") => count.moderate += 1,
                Some("low") => count.low += 1,
                _ => return Err(malformed(&risks, "level")),
            }
        }
    }
    let messages = run_dir.join("messages.parquet");
    let (mut levels, mut dispositions) = (LevelCounts::default(), DispositionCounts::default());
    for batch in read_columns(
        &messages,
        Some(&["risk_level", "disposition", "categories"]),
    )? {
        let categories = column::<ListArray>(&batch, "categories");
        for row in 0..batch.num_rows() {
            match text(&batch, "risk_level", row).as_deref() {
                Some("high") => levels.high += 1,
                Some("moderate") => levels.moderate += 1,
                Some("low") => levels.low += 1,
                _ => levels.none += 1,
            }
            match text(&batch, "disposition", row).as_deref() {
                Some("jail") => dispositions.jail += 1,
                Some("junk") => dispositions.junk += 1,
                Some("review") => dispositions.review += 1,
                _ => dispositions.stays += 1,
            }
            if categories.is_some_and(|c| c.is_valid(row) && c.value_length(row) > 0) {
                summary.messages_flagged += 1;
            }
        }
    }
    summary.levels = levels;
    summary.dispositions = dispositions;
    Ok(Some(summary))
}

/// One message of a rescan, as `mailsweep xray` shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct XrayMessage {
    pub mailbox: String,
    pub folder: String,
    pub ordinal: i64,
    pub path: String,
    pub offset: i64,
    pub sha256: String,
    pub message_id: Option<String>,
    pub from_address: Option<String>,
    pub subject: Option<String>,
    pub risk_level: Option<String>,
    pub disposition: Option<String>,
    pub sender_trusted: Option<bool>,
    pub evidence: Vec<XrayEvidence>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct XrayEvidence {
    /// `None`: an insight that raises nothing.
    pub category: Option<String>,
    pub rule: String,
    pub detail: String,
    pub score: f64,
}

/// The messages of a rescan run that `wanted` names: a SHA-256 (or a prefix of at least
/// 8 hex digits) or a Message-ID (with or without angle brackets). A message stored
/// twice (the same bytes in two places) is listed twice.
pub fn read_xray(run_dir: &Path, wanted: &str) -> Result<Vec<XrayMessage>, AuditError> {
    let xray_path = run_dir.join("xray.parquet");
    if !xray_path.is_file() {
        return Err(AuditError::NotARescan {
            run_dir: run_dir.to_path_buf(),
        });
    }
    let messages = run_dir.join("messages.parquet");
    let id = wanted.trim().trim_start_matches('<').trim_end_matches('>');
    let hex_prefix = wanted.len() >= 8 && wanted.bytes().all(|b| b.is_ascii_hexdigit());
    let mut found = Vec::new();
    for batch in read_batches(&messages)? {
        for row in 0..batch.num_rows() {
            let sha = text(&batch, "sha256", row).unwrap_or_default();
            let message_id = text(&batch, "message_id", row);
            let by_hash = hex_prefix && sha.starts_with(&wanted.to_ascii_lowercase());
            if !by_hash && message_id.as_deref() != Some(id) {
                continue;
            }
            let field =
                |name: &str| text(&batch, name, row).ok_or_else(|| malformed(&messages, name));
            found.push(XrayMessage {
                mailbox: field("mailbox")?,
                folder: field("folder")?,
                ordinal: int(&batch, "ordinal", row).unwrap_or(0),
                path: field("path")?,
                offset: int(&batch, "offset", row).unwrap_or(0),
                sha256: sha,
                message_id,
                from_address: text(&batch, "from_address", row),
                subject: text(&batch, "subject", row),
                risk_level: text(&batch, "risk_level", row),
                disposition: text(&batch, "disposition", row),
                sender_trusted: column::<BooleanArray>(&batch, "sender_trusted")
                    .filter(|c| c.is_valid(row))
                    .map(|c| c.value(row)),
                evidence: Vec::new(),
            });
        }
    }
    if found.is_empty() {
        return Ok(found);
    }
    for batch in read_batches(&xray_path)? {
        let scores = column::<Float64Array>(&batch, "score");
        let categories = column::<StringArray>(&batch, "category");
        for row in 0..batch.num_rows() {
            let mailbox = text(&batch, "mailbox", row);
            let ordinal = int(&batch, "ordinal", row);
            let Some(m) = found
                .iter_mut()
                .find(|m| Some(&m.mailbox) == mailbox.as_ref() && Some(m.ordinal) == ordinal)
            else {
                continue;
            };
            m.evidence.push(XrayEvidence {
                category: categories
                    .filter(|c| c.is_valid(row))
                    .map(|c| c.value(row).to_string()),
                rule: text(&batch, "rule", row).ok_or_else(|| malformed(&xray_path, "rule"))?,
                detail: text(&batch, "detail", row).unwrap_or_default(),
                score: scores.map_or(0.0, |s| s.value(row)),
            });
        }
    }
    Ok(found)
}
