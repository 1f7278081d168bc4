//! One-message files (Maildir, `.eml` folders): a row is verified, its bytes vaulted,
//! then the file is renamed into the target folder (atomic within the file system) or
//! removed. Every step checks the state first, so a resumed apply or undo repeats
//! nothing: a rename already done shows as the source gone and the destination holding
//! the right hash.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use super::error::ApplyError;
use super::fault::step;
use super::fsio::{file_sha256, fsync_dir, parent, replace_file, sha256_hex, Ownership};
use super::journal::{FilePlan, Outcome, Status, UnitPlan};
use super::maildir::destination;
use super::manifest::{Action, ManifestRow};
use super::vault::Vault;

pub fn note(row: usize, status: Status, reason: impl Into<String>) -> UnitPlan {
    UnitPlan::Note {
        outcomes: vec![Outcome {
            row,
            status,
            reason: reason.into(),
            destination: None,
            vault: None,
        }],
    }
}

pub fn mismatch_reason(expected: &str, found: &str) -> String {
    format!(
        "sha256 mismatch: the message changed since the scan (manifest {}…, now {}…)",
        &expected[..12],
        &found[..12.min(found.len())]
    )
}

/// Verifies the row and decides what to do; vaults the bytes when `vault` is given
/// (a dry run passes `None` and changes nothing).
pub fn plan(row: usize, m: &ManifestRow, vault: Option<&Vault>) -> Result<UnitPlan, ApplyError> {
    let bytes = match std::fs::read(&m.path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(note(
                row,
                Status::Skipped,
                "not found at its locator: moved or deleted since the scan",
            ))
        }
        Err(e) => return Ok(note(row, Status::Failed, format!("cannot read: {e}"))),
    };
    let found = sha256_hex(&bytes);
    if found != m.sha256 || m.offset != 0 || m.length != bytes.len() as u64 {
        return Ok(note(
            row,
            Status::Skipped,
            mismatch_reason(&m.sha256, &found),
        ));
    }
    if m.action == Action::Review {
        return Ok(UnitPlan::Note {
            outcomes: vec![Outcome {
                row,
                status: Status::Applied,
                reason: "review: shown in the review report; the mailbox is not changed".into(),
                destination: Some("review report".into()),
                vault: None,
            }],
        });
    }
    let dst = match m.action.folder() {
        None => None,
        Some(target) => {
            let Some(d) = destination(&m.path, &m.folder, target) else {
                return Ok(note(
                    row,
                    Status::Failed,
                    "no file name in the locator path",
                ));
            };
            if d.path == m.path {
                return Ok(note(row, Status::Skipped, format!("already in {target}")));
            }
            if d.path.exists() {
                return Ok(note(
                    row,
                    Status::Skipped,
                    format!("{} exists already: not overwritten", d.path.display()),
                ));
            }
            Some(d)
        }
    };
    let vault_path = vault.map(|v| v.store(&m.sha256, &bytes)).transpose()?;
    let meta = std::fs::metadata(&m.path).map_err(super::error::io_at(&m.path))?;
    let mtime_nanos = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_nanos()).ok());
    let (dst_path, created_dirs) = match dst {
        Some(d) => {
            let created = d.dirs.into_iter().filter(|p| !p.exists()).collect();
            (Some(d.path), created)
        }
        None => (None, Vec::new()),
    };
    let destination = Some(match &dst_path {
        Some(p) => p.display().to_string(),
        None => "vault".to_string(),
    });
    Ok(UnitPlan::File(FilePlan {
        row,
        src: m.path.clone(),
        dst: dst_path,
        sha256: m.sha256.clone(),
        owner: Ownership::of(&m.path)?,
        mtime_nanos,
        created_dirs,
        outcome: Outcome {
            row,
            status: Status::Applied,
            reason: String::new(),
            destination,
            vault: vault_path,
        },
    }))
}

/// The file at `path` holds exactly the message (`None`: there is no file).
fn holds(path: &Path, sha256: &str) -> Result<Option<bool>, ApplyError> {
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(file_sha256(path)? == sha256))
}

/// Carries out a planned move or deletion; `Err` is the reason the row failed. The
/// directories whose entries changed are added to `dirty`: the caller fsyncs them
/// (once per batch) before journalling the units done.
pub fn execute(
    p: &FilePlan,
    dirty: &mut BTreeSet<PathBuf>,
) -> Result<Result<(), String>, ApplyError> {
    match (&p.dst, holds(&p.src, &p.sha256)?) {
        (_, Some(false)) => Ok(Err("the message changed during the apply".into())),
        (None, Some(true)) => {
            std::fs::remove_file(&p.src).map_err(super::error::io_at(&p.src))?;
            dirty.insert(parent(&p.src).to_path_buf());
            step("file removed");
            Ok(Ok(()))
        }
        (None, None) => Ok(Ok(())),
        (Some(dst), Some(true)) => {
            if dst.exists() {
                return Ok(Err(format!("{} appeared during the apply", dst.display())));
            }
            for dir in &p.created_dirs {
                if !dir.exists() {
                    std::fs::create_dir(dir).map_err(super::error::io_at(dir))?;
                    fsync_dir(parent(dir))?;
                }
            }
            std::fs::rename(&p.src, dst).map_err(super::error::io_at(dst))?;
            dirty.insert(parent(dst).to_path_buf());
            dirty.insert(parent(&p.src).to_path_buf());
            step("file renamed");
            Ok(Ok(()))
        }
        (Some(dst), None) => match holds(dst, &p.sha256)? {
            Some(true) => Ok(Ok(())),
            _ => Ok(Err("the message vanished during the apply".into())),
        },
    }
}

/// Puts a moved or deleted file back; `Err` is why it could not.
pub fn undo(p: &FilePlan, vault: Option<&Vault>) -> Result<Result<(), String>, ApplyError> {
    if holds(&p.src, &p.sha256)? == Some(true) {
        if let Some(dst) = &p.dst {
            if dst.exists() {
                return Ok(Err(format!(
                    "both {} and {} exist",
                    p.src.display(),
                    dst.display()
                )));
            }
        }
        remove_created(&p.created_dirs)?;
        return Ok(Ok(()));
    }
    if p.src.exists() {
        return Ok(Err(format!("{} changed since the apply", p.src.display())));
    }
    match &p.dst {
        Some(dst) => {
            if holds(dst, &p.sha256)? != Some(true) {
                return Ok(Err(format!(
                    "{} is gone or changed since the apply",
                    dst.display()
                )));
            }
            std::fs::rename(dst, &p.src).map_err(super::error::io_at(&p.src))?;
            fsync_dir(parent(&p.src))?;
            fsync_dir(parent(dst))?;
            step("file renamed back");
        }
        None => {
            let Some(vault) = vault else {
                return Ok(Err(
                    "deleted under --no-vault: its bytes were not kept".into()
                ));
            };
            let bytes = vault.load(&p.sha256)?;
            replace_file(
                &p.src,
                &mut std::iter::once(&bytes[..]),
                p.owner,
                &mut || {},
            )?;
            if let Some(n) = p.mtime_nanos {
                let t = UNIX_EPOCH + Duration::from_nanos(n as u64);
                File::options()
                    .write(true)
                    .open(&p.src)
                    .and_then(|f| f.set_modified(t))
                    .map_err(super::error::io_at(&p.src))?;
            }
            step("file restored from the vault");
        }
    }
    remove_created(&p.created_dirs)?;
    Ok(Ok(()))
}

/// Removes the directories an apply created, innermost first, when they are empty.
fn remove_created(dirs: &[std::path::PathBuf]) -> Result<(), ApplyError> {
    for dir in dirs.iter().rev() {
        match std::fs::remove_dir(dir) {
            Ok(()) => fsync_dir(parent(dir))?,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::DirectoryNotEmpty
                ) => {}
            Err(e) => return Err(super::error::io_at(dir)(e)),
        }
    }
    Ok(())
}
