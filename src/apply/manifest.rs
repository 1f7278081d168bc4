//! Reading an action manifest: `actions.parquet` as a run wrote it, a Parquet file
//! filtered in DuckDB (`COPY (SELECT …) TO 'approved.parquet'`), or a CSV with a header
//! line. Every row must carry the locator columns and a known action; one bad row
//! rejects the whole manifest before anything changes.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::error::{io_at, ApplyError};
use crate::audit::AppliedRow;

/// What a row asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Archive,
    Delete,
    Review,
    Jail,
    Junk,
}

impl Action {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "archive" => Self::Archive,
            "delete" => Self::Delete,
            "review" => Self::Review,
            "jail" => Self::Jail,
            "junk" => Self::Junk,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Archive => "archive",
            Self::Delete => "delete",
            Self::Review => "review",
            Self::Jail => "jail",
            Self::Junk => "junk",
        }
    }

    /// The folder a move goes to (`None`: delete removes, review changes nothing).
    pub fn folder(self) -> Option<&'static str> {
        match self {
            Self::Archive => Some("Archive"),
            Self::Jail => Some("Jail"),
            Self::Junk => Some("Junk"),
            Self::Delete | Self::Review => None,
        }
    }
}

/// Where a message is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocatorKind {
    Mbox,
    MboxGz,
    File,
}

#[derive(Debug, Clone)]
pub struct ManifestRow {
    pub run_id: Option<String>,
    pub mailbox: String,
    pub folder: String,
    pub ordinal: Option<i64>,
    pub locator_kind: LocatorKind,
    pub path: PathBuf,
    pub offset: u64,
    pub length: u64,
    pub sha256: String,
    pub action: Action,
    /// Without `<>`; how `apply --imap` finds the message on the server.
    pub message_id: Option<String>,
}

impl ManifestRow {
    /// The row of `applied.parquet` that records what became of this manifest row.
    pub fn applied_row(
        &self,
        status: &'static str,
        reason: String,
        at_micros: i64,
        destination: Option<String>,
        vault: Option<String>,
    ) -> AppliedRow {
        AppliedRow {
            run_id: self.run_id.clone(),
            mailbox: self.mailbox.clone(),
            folder: self.folder.clone(),
            ordinal: self.ordinal,
            locator_kind: self.locator_kind_str(),
            path: self.path.display().to_string(),
            offset: self.offset as i64,
            length: self.length as i64,
            sha256: self.sha256.clone(),
            action: self.action.as_str(),
            status,
            reason,
            at_micros,
            destination,
            vault,
        }
    }

    pub fn locator_kind_str(&self) -> &'static str {
        match self.locator_kind {
            LocatorKind::Mbox => "mbox",
            LocatorKind::MboxGz => "mbox.gz",
            LocatorKind::File => "file",
        }
    }
}

/// One field of one row, before validation.
type Field = Option<String>;

const REQUIRED: [&str; 7] = [
    "mailbox",
    "locator_kind",
    "path",
    "offset",
    "length",
    "sha256",
    "action",
];
const OPTIONAL: [&str; 4] = ["run_id", "folder", "ordinal", "message_id"];

/// Reads and validates a manifest (`.csv` by its name, Parquet otherwise).
pub fn read_manifest(path: &Path) -> Result<Vec<ManifestRow>, ApplyError> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let raw = if is_csv {
        read_csv(path)?
    } else {
        read_parquet(path)?
    };
    raw.into_iter()
        .enumerate()
        .map(|(i, fields)| validate(path, i, fields))
        .collect()
}

fn bad(path: &Path, what: impl Into<String>) -> ApplyError {
    ApplyError::Manifest {
        path: path.to_path_buf(),
        what: what.into(),
    }
}

/// Column names in the order of `REQUIRED` then `OPTIONAL`.
fn wanted() -> impl Iterator<Item = &'static str> {
    REQUIRED.iter().chain(OPTIONAL.iter()).copied()
}

fn read_csv(path: &Path) -> Result<Vec<Vec<Field>>, ApplyError> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(path, e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| bad(path, e.to_string()))?
        .clone();
    let index: Vec<Option<usize>> = wanted()
        .map(|name| headers.iter().position(|h| h.trim() == name))
        .collect();
    check_columns(path, &index)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(path, e.to_string()))?;
        rows.push(
            index
                .iter()
                .map(|i| {
                    i.and_then(|i| record.get(i))
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                })
                .collect(),
        );
    }
    Ok(rows)
}

fn check_columns(path: &Path, index: &[Option<usize>]) -> Result<(), ApplyError> {
    let missing: Vec<&str> = REQUIRED
        .iter()
        .zip(index)
        .filter(|(_, i)| i.is_none())
        .map(|(n, _)| *n)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(bad(
            path,
            format!("missing column(s) {}", missing.join(", ")),
        ))
    }
}

fn read_parquet(path: &Path) -> Result<Vec<Vec<Field>>, ApplyError> {
    let file = File::open(path).map_err(io_at(path))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| bad(path, format!("not a readable Parquet file: {e}")))?;
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| bad(path, e.to_string()))?;
        let index: Vec<Option<usize>> = wanted()
            .map(|name| batch.schema().index_of(name).ok())
            .collect();
        check_columns(path, &index)?;
        for row in 0..batch.num_rows() {
            let mut fields = Vec::with_capacity(index.len());
            for i in &index {
                fields.push(match i {
                    Some(i) => cell(path, &batch, *i, row)?,
                    None => None,
                });
            }
            rows.push(fields);
        }
    }
    Ok(rows)
}

/// One cell as text: strings and integers of the types DuckDB may write.
fn cell(path: &Path, batch: &RecordBatch, col: usize, row: usize) -> Result<Field, ApplyError> {
    let array = batch.column(col);
    if array.is_null(row) {
        return Ok(None);
    }
    Ok(Some(match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().value(row).to_string(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(row).to_string(),
        DataType::Utf8View => array.as_string_view().value(row).to_string(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(row).to_string(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(row).to_string(),
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(row).to_string(),
        other => {
            return Err(bad(
                path,
                format!(
                    "column {} has type {other}, not text or integer",
                    batch.schema().field(col).name()
                ),
            ))
        }
    }))
}

fn validate(path: &Path, i: usize, fields: Vec<Field>) -> Result<ManifestRow, ApplyError> {
    let line = i + 1;
    let mut f = fields.into_iter();
    let mut next = |name: &str, required: bool| -> Result<Field, ApplyError> {
        let v = f.next().flatten();
        if required && v.is_none() {
            return Err(bad(path, format!("row {line}: empty {name}")));
        }
        Ok(v)
    };
    let mailbox = next("mailbox", true)?.unwrap_or_default();
    let kind = next("locator_kind", true)?.unwrap_or_default();
    let file = next("path", true)?.unwrap_or_default();
    let offset = next("offset", true)?.unwrap_or_default();
    let length = next("length", true)?.unwrap_or_default();
    let sha256 = next("sha256", true)?.unwrap_or_default();
    let action = next("action", true)?.unwrap_or_default();
    let run_id = next("run_id", false)?;
    let folder = next("folder", false)?.unwrap_or_else(|| "INBOX".into());
    let ordinal = next("ordinal", false)?;
    let message_id = next("message_id", false)?;
    let number = |name: &str, v: &str| {
        v.trim().parse::<u64>().map_err(|_| {
            bad(
                path,
                format!("row {line}: {name} {v:?} is not a number ≥ 0"),
            )
        })
    };
    let locator_kind = match kind.as_str() {
        "mbox" => LocatorKind::Mbox,
        "mbox.gz" => LocatorKind::MboxGz,
        "file" => LocatorKind::File,
        other => {
            return Err(bad(
                path,
                format!("row {line}: unknown locator_kind {other:?}"),
            ))
        }
    };
    let action = Action::parse(action.trim()).ok_or_else(|| {
        bad(
            path,
            format!("row {line}: unknown action {action:?} (archive, delete, review, jail, junk)"),
        )
    })?;
    let sha256 = sha256.trim().to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(
            path,
            format!("row {line}: sha256 {sha256:?} is not 64 hex digits"),
        ));
    }
    let length = number("length", &length)?;
    if length == 0 {
        return Err(bad(path, format!("row {line}: length 0")));
    }
    Ok(ManifestRow {
        run_id,
        mailbox,
        folder,
        ordinal: ordinal.and_then(|o| o.trim().parse().ok()),
        locator_kind,
        path: PathBuf::from(file),
        offset: number("offset", &offset)?,
        length,
        sha256,
        action,
        message_id,
    })
}
