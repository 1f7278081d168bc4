//! `mailsweep apply` and `mailsweep undo`: carrying an action manifest back into the
//! mailboxes — verified, crash-safe, reversible (ARCHITECTURE.md, "Apply").
//!
//! Each manifest row is verified (the bytes at its locator must still hash to its
//! `sha256`) and its bytes stored in the evidence [`vault`](Vault) before anything
//! moves; every change is announced in the intent journal before it is made, so an
//! apply or undo killed at any point finishes when run again. The outcome of every row
//! is written to `<run dir>/apply-<id>/applied.parquet`.

mod error;
mod fault;
mod files;
mod fsio;
mod imap_run;
mod journal;
mod lock;
mod maildir;
mod manifest;
mod mbox;
mod run;
mod undo;
mod units;
mod vault;

use std::path::{Path, PathBuf};

pub use error::ApplyError;
pub use fault::FAULT_EXIT;
pub use imap_run::{apply_imap, ImapOptions, IMAP_JOURNAL};
pub use manifest::{read_manifest, Action, LocatorKind, ManifestRow};
pub use undo::{find_apply, UndoReport};

/// The file that marks an apply as undone.
pub const UNDONE: &str = "undone.json";

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// A run directory (its `actions.parquet`) or a manifest file (Parquet or CSV).
    pub target: PathBuf,
    /// Report what would be done; change nothing.
    pub dry_run: bool,
    /// The vault (default: `vault/` in the audit root, beside the run).
    pub vault: Option<PathBuf>,
    /// Keep no copy of deleted or rewritten bytes (undo cannot restore them).
    pub no_vault: bool,
    /// Where runs live, to find a standalone manifest's run by its `run_id`.
    pub audit_root: PathBuf,
}

/// What one manifest row came to.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RowReport {
    pub row: usize,
    pub mailbox: String,
    pub action: &'static str,
    /// `applied`, `skipped` or `failed` (in a dry run: what would happen).
    pub status: &'static str,
    pub reason: String,
    pub path: String,
    pub destination: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ApplyReport {
    pub manifest: PathBuf,
    pub run_dir: PathBuf,
    /// `None` for a dry run, or when every row had been applied already.
    pub apply_dir: Option<PathBuf>,
    pub dry_run: bool,
    /// This run finished an apply that had been interrupted.
    pub resumed: bool,
    pub rows: Vec<RowReport>,
    /// Bytes written into the mailboxes (rewrites and appends; the vault not counted).
    pub bytes_written: u64,
}

/// The manifest and the run directory an apply target names.
pub fn resolve_target(
    target: &Path,
    audit_root: &Path,
) -> Result<(PathBuf, PathBuf, Vec<ManifestRow>), ApplyError> {
    if target.is_dir() {
        let manifest = target.join("actions.parquet");
        if !manifest.is_file() {
            return Err(ApplyError::Usage(format!(
                "{}: no actions.parquet: not a search or rescan run",
                target.display()
            )));
        }
        let rows = read_manifest(&manifest)?;
        return Ok((manifest, target.to_path_buf(), rows));
    }
    if !target.is_file() {
        return Err(ApplyError::Usage(format!(
            "{}: no such file",
            target.display()
        )));
    }
    let rows = read_manifest(target)?;
    let beside = fsio::parent(target).to_path_buf();
    let run_dir = if beside.join("run.parquet").is_file() {
        beside
    } else {
        rows.iter()
            .find_map(|r| r.run_id.as_deref())
            .map(|id| audit_root.join(id))
            .filter(|d| d.join("run.parquet").is_file())
            .unwrap_or(beside)
    };
    Ok((target.to_path_buf(), run_dir, rows))
}

/// Applies (or, with `dry_run`, plans) a manifest.
pub fn apply(opts: &ApplyOptions) -> Result<ApplyReport, ApplyError> {
    let (manifest, run_dir, rows) = resolve_target(&opts.target, &opts.audit_root)?;
    run::apply(opts, &manifest, &run_dir, &rows)
}

/// Undoes the apply in `apply_dir`.
pub fn undo(apply_dir: &Path) -> Result<UndoReport, ApplyError> {
    undo::undo(apply_dir)
}
