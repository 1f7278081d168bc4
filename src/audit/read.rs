//! Reading the audit record back: the runs under an audit root, and one run's summary
//! and counts per value, from its Parquet tables only (what `mailsweep audit` shows).

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::{Array, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use super::{AuditError, ReviewIndicator};

/// A run, as `run.parquet` records it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunRecord {
    pub run_id: String,
    pub run_dir: PathBuf,
    pub command: String,
    /// Microseconds since the epoch, UTC.
    pub started_micros: i64,
    pub mailboxes: i64,
    pub messages_scanned: i64,
    pub limit_per_mailbox: Option<i64>,
    pub action: Option<String>,
    pub result: Option<String>,
    pub values: Option<i64>,
    pub messages_matched: Option<i64>,
}

/// A value's counts, as `indicators.parquet` records them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndicatorCounts {
    pub id: String,
    pub value: String,
    pub source: String,
    pub matched_messages: i64,
    pub match_count: i64,
}

pub(super) fn read_batches(path: &Path) -> Result<Vec<RecordBatch>, AuditError> {
    read_columns(path, None)
}

/// The batches of a table, only the named top-level columns when `columns` is given
/// (a rescan's counts need three columns of `messages.parquet`, not its subjects).
pub(super) fn read_columns(
    path: &Path,
    columns: Option<&[&str]>,
) -> Result<Vec<RecordBatch>, AuditError> {
    let io = |source| AuditError::Io {
        path: path.to_path_buf(),
        source,
    };
    let parquet = |source| AuditError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| {
            let Some(names) = columns else {
                return b.build();
            };
            let roots: Vec<usize> = b
                .schema()
                .fields()
                .iter()
                .enumerate()
                .filter(|(_, f)| names.contains(&f.name().as_str()))
                .map(|(i, _)| i)
                .collect();
            let mask = ProjectionMask::roots(b.parquet_schema(), roots);
            b.with_projection(mask).build()
        })
        .map_err(parquet)?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| parquet(e.into()))
}

/// A column by name; `None` when absent (tables written by an older version).
pub(super) fn column<'a, T: 'static>(batch: &'a RecordBatch, name: &str) -> Option<&'a T> {
    batch.column_by_name(name)?.as_any().downcast_ref::<T>()
}

pub(super) fn text(batch: &RecordBatch, name: &str, row: usize) -> Option<String> {
    column::<StringArray>(batch, name)
        .filter(|c| c.is_valid(row))
        .map(|c| c.value(row).to_string())
}

pub(super) fn int(batch: &RecordBatch, name: &str, row: usize) -> Option<i64> {
    column::<Int64Array>(batch, name)
        .filter(|c| c.is_valid(row))
        .map(|c| c.value(row))
}

pub(super) fn malformed(path: &Path, what: &str) -> AuditError {
    AuditError::Malformed {
        path: path.to_path_buf(),
        what: what.to_string(),
    }
}

/// The run recorded in `run_dir`.
pub fn read_run(run_dir: &Path) -> Result<RunRecord, AuditError> {
    let (path, batch) = run_row(run_dir)?;
    run_record(run_dir, &path, &batch)
}

/// `run.parquet` of `run_dir` and the batch holding its one row.
pub(super) fn run_row(run_dir: &Path) -> Result<(PathBuf, RecordBatch), AuditError> {
    let path = run_dir.join("run.parquet");
    let batch = read_batches(&path)?
        .into_iter()
        .find(|b| b.num_rows() > 0)
        .ok_or_else(|| malformed(&path, "no row"))?;
    Ok((path, batch))
}

/// The run that `batch` (the row of `path`, in `run_dir`) records.
pub(super) fn run_record(
    run_dir: &Path,
    path: &Path,
    batch: &RecordBatch,
) -> Result<RunRecord, AuditError> {
    let required = |name: &str| text(batch, name, 0).ok_or_else(|| malformed(path, name));
    let started = column::<TimestampMicrosecondArray>(batch, "started")
        .map(|c| c.value(0))
        .ok_or_else(|| malformed(path, "started"))?;
    Ok(RunRecord {
        run_id: required("run_id")?,
        run_dir: run_dir.to_path_buf(),
        command: required("command")?,
        started_micros: started,
        mailboxes: int(batch, "mailboxes", 0).unwrap_or(0),
        messages_scanned: int(batch, "messages_scanned", 0).unwrap_or(0),
        limit_per_mailbox: int(batch, "limit_per_mailbox", 0),
        action: text(batch, "action", 0),
        result: text(batch, "result", 0),
        values: int(batch, "values", 0),
        messages_matched: int(batch, "messages_matched", 0),
    })
}

/// Every complete run under `root` (a directory with a `run.parquet`), oldest first.
/// Unreadable entries are skipped: a crashed run has no `run.parquet`. A root that does
/// not exist yet holds no runs.
pub fn list_runs(root: &Path) -> Result<Vec<RunRecord>, AuditError> {
    if !root.exists() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(root).map_err(|source| AuditError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("run.parquet").is_file())
        .collect();
    dirs.sort();
    Ok(dirs.iter().filter_map(|d| read_run(d).ok()).collect())
}

/// The run directory named by `run`: a directory path, a run id under `root`, or a
/// unique prefix of one.
pub fn find_run(root: &Path, run: &str) -> Result<PathBuf, AuditError> {
    let as_path = Path::new(run);
    if as_path.join("run.parquet").is_file() {
        return Ok(as_path.to_path_buf());
    }
    let ids: Vec<String> = list_runs(root)?
        .into_iter()
        .map(|r| r.run_id)
        .filter(|id| id.starts_with(run))
        .collect();
    match ids.as_slice() {
        [one] => Ok(root.join(one)),
        [] => Err(AuditError::NoSuchRun {
            root: root.to_path_buf(),
            run: run.to_string(),
        }),
        many => Err(AuditError::AmbiguousRun {
            run: run.to_string(),
            candidates: many.join(", "),
        }),
    }
}

/// Counts per value of a search run (empty for a scan).
pub fn read_indicators(run_dir: &Path) -> Result<Vec<IndicatorCounts>, AuditError> {
    Ok(read_values(run_dir)?
        .into_iter()
        .map(|v| IndicatorCounts {
            id: v.id,
            value: v.value,
            source: v.source,
            matched_messages: v.matched_messages,
            match_count: v.match_count,
        })
        .collect())
}

/// Every value of a search run as `indicators.parquet` records it (empty for a scan).
pub(super) fn read_values(run_dir: &Path) -> Result<Vec<ReviewIndicator>, AuditError> {
    let path = run_dir.join("indicators.parquet");
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for batch in read_batches(&path)? {
        for row in 0..batch.num_rows() {
            let field = |name: &str| text(&batch, name, row).ok_or_else(|| malformed(&path, name));
            out.push(ReviewIndicator {
                id: field("indicator_id")?,
                kind: field("kind")?,
                value: field("value")?,
                normalized: field("normalized")?,
                source: field("source")?,
                matched_messages: int(&batch, "matched_messages", row).unwrap_or(0),
                match_count: int(&batch, "match_count", row).unwrap_or(0),
                occurrences: int(&batch, "occurrences", row).unwrap_or(0),
            });
        }
    }
    Ok(out)
}

/// The mailbox ids of a run, in run order.
pub fn read_mailbox_ids(run_dir: &Path) -> Result<Vec<String>, AuditError> {
    let path = run_dir.join("mailboxes.parquet");
    let mut out = Vec::new();
    for batch in read_batches(&path)? {
        for row in 0..batch.num_rows() {
            out.push(text(&batch, "mailbox", row).ok_or_else(|| malformed(&path, "mailbox"))?);
        }
    }
    Ok(out)
}
