//! `mailsweep undo APPLY`: every unit of an apply put back, last unit first, from the
//! journal's plans and the vault. Each step looks before it acts (a file already back, an
//! mbox already hashing as before), so an undo that was killed is finished by running it
//! again, and an undo of an apply that was itself killed half-way restores what it did.
//! When every unit is back, `undone.json` marks the apply; a later apply of the same
//! manifest then starts afresh.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::{io_at, ApplyError};
use super::files;
use super::fsio::fsync_dir;
use super::journal::{now_micros, read_journal, State, UnitPlan, JOURNAL};
use super::mbox;
use super::vault::Vault;
use super::UNDONE;

#[derive(Debug, Clone, serde::Serialize)]
pub struct UndoReport {
    pub apply_dir: PathBuf,
    /// Units put back (or found already back).
    pub restored: usize,
    /// Units that could not be put back, with why (nothing of theirs was changed).
    pub problems: Vec<String>,
    pub already_undone: bool,
}

/// The apply directory named by `apply`: a path, or an apply id (or a unique prefix of
/// one, with or without `apply-`) under any run of `audit_root`.
pub fn find_apply(audit_root: &Path, apply: &str) -> Result<PathBuf, ApplyError> {
    let as_path = Path::new(apply);
    if is_apply_dir(as_path) {
        return Ok(as_path.to_path_buf());
    }
    let want = if apply.starts_with("apply-") {
        apply.to_string()
    } else {
        format!("apply-{apply}")
    };
    let mut found = Vec::new();
    if let Ok(runs) = std::fs::read_dir(audit_root) {
        for run in runs.flatten() {
            if let Ok(entries) = std::fs::read_dir(run.path()) {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with(&want) && is_apply_dir(&e.path()) {
                        found.push(e.path());
                    }
                }
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(ApplyError::Usage(format!(
            "no apply {apply:?}: not an apply directory, nor an apply id under {}",
            audit_root.display()
        ))),
        _ => Err(ApplyError::Usage(format!(
            "{apply:?} names several applies: {}",
            found
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// An apply directory: the journal of a local apply or of one over IMAP.
fn is_apply_dir(dir: &Path) -> bool {
    dir.join(JOURNAL).is_file() || dir.join(super::IMAP_JOURNAL).is_file()
}

pub fn undo(apply_dir: &Path) -> Result<UndoReport, ApplyError> {
    if apply_dir.join(super::IMAP_JOURNAL).is_file() {
        return Err(ApplyError::Usage(format!(
            "{}: an apply over IMAP: undo over IMAP is not supported (the vault holds every acted-on message's bytes)",
            apply_dir.display()
        )));
    }
    let mut report = UndoReport {
        apply_dir: apply_dir.to_path_buf(),
        restored: 0,
        problems: Vec::new(),
        already_undone: apply_dir.join(UNDONE).exists(),
    };
    if report.already_undone {
        return Ok(report);
    }
    let state = State::from_records(read_journal(apply_dir)?);
    if state.start.is_none() {
        return Err(ApplyError::Usage(format!(
            "{}: the journal has no start record: nothing was changed",
            apply_dir.display()
        )));
    }
    let vault = state.vault().map(|p| Vault::new(p.to_path_buf()));
    // A `--no-vault` apply that was killed still has its scratch vault.
    let scratch = apply_dir.join("scratch-vault");
    let vault = vault.or_else(|| scratch.is_dir().then(|| Vault::new(scratch)));
    for (u, plan) in state.plans.iter().enumerate().rev() {
        let result = match plan {
            None | Some(UnitPlan::Note { .. }) => continue,
            Some(UnitPlan::File(p)) => files::undo(p, vault.as_ref())?,
            Some(UnitPlan::Mbox(p)) => mbox::undo(p, vault.as_ref())?,
        };
        match result {
            Ok(()) => report.restored += 1,
            Err(why) => report.problems.push(format!("unit {u}: {why}")),
        }
    }
    if report.problems.is_empty() {
        mark_undone(apply_dir)?;
    }
    Ok(report)
}

fn mark_undone(dir: &Path) -> Result<(), ApplyError> {
    let path = dir.join(UNDONE);
    let temp = dir.join(format!("{UNDONE}.tmp"));
    let mut file = std::fs::File::create(&temp).map_err(io_at(&temp))?;
    writeln!(file, "{{\"undone_micros\":{}}}", now_micros())
        .and_then(|_| file.sync_all())
        .map_err(io_at(&temp))?;
    std::fs::rename(&temp, &path).map_err(io_at(&path))?;
    fsync_dir(dir)
}
