//! Errors of the audit layer.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: Parquet: {source}")]
    Parquet {
        path: PathBuf,
        #[source]
        source: parquet::errors::ParquetError,
    },
    #[error("{path}: not a mailsweep table: missing or empty {what}")]
    Malformed { path: PathBuf, what: String },
    #[error("no run {run:?} under {root}")]
    NoSuchRun { root: PathBuf, run: String },
    #[error("{run:?} names several runs: {candidates}")]
    AmbiguousRun { run: String, candidates: String },
    #[error("{run_dir} is not a rescan run (it has no xray.parquet)")]
    NotARescan { run_dir: PathBuf },
    #[error("no rescan run under {root}: run `mailsweep rescan` first, or name the run")]
    NoRescanRun { root: PathBuf },
    #[error("building an Arrow batch: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}
