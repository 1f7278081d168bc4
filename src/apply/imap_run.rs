//! `mailsweep apply … --imap URL`: the manifest applied to a live server instead of
//! the exported files. Each row's exported copy is read at its locator and checked
//! against the manifest's `sha256` (it is what confirms the server's copy, and what the
//! vault keeps); the intent is journalled (`imap-journal.jsonl`, fsynced) before the
//! server is told anything, the outcome after; `applied.parquet` records every row.
//!
//! A re-run is safe: a message already moved is found confirmed in its destination
//! (`already applied`), a deleted one is no longer found. Undo over IMAP is not
//! supported: the vault holds every acted-on message's bytes.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::error::{io_at, ApplyError};
use super::fsio::{fsync_dir, sha256_hex};
use super::journal::now_micros;
use super::manifest::{Action, LocatorKind, ManifestRow};
use super::vault::Vault;
use super::{resolve_target, ApplyOptions, ApplyReport, RowReport};
use crate::audit::{applied_batch, new_run_id, write_table};
use crate::imap::{self, Fingerprint, ImapOutcome, ImapRow, ImapTarget, PasswordSource, Session};

/// The journal of an IMAP apply (one JSON object per line).
pub const IMAP_JOURNAL: &str = "imap-journal.jsonl";

/// Where and how to reach the server.
#[derive(Debug, Clone)]
pub struct ImapOptions {
    /// `imaps://user@host[:port]` or `imap://…` (STARTTLS).
    pub url: String,
    pub password: PasswordSource,
    /// Trust only this CA (PEM) instead of the system's.
    pub ca_file: Option<PathBuf>,
}

/// Applies (or, with `dry_run`, checks) a manifest on the server.
pub fn apply_imap(opts: &ApplyOptions, server: &ImapOptions) -> Result<ApplyReport, ApplyError> {
    let (manifest, run_dir, rows) = resolve_target(&opts.target, &opts.audit_root)?;
    let target = ImapTarget::parse(&server.url, &server.password, server.ca_file.as_deref())
        .map_err(|e| ApplyError::Usage(e.to_string()))?;
    let mut session = Session::connect(&target).map_err(imap_error)?;
    let mut report = ApplyReport {
        manifest: manifest.clone(),
        run_dir: run_dir.clone(),
        apply_dir: None,
        dry_run: opts.dry_run,
        resumed: false,
        rows: Vec::new(),
        bytes_written: 0,
    };
    let mut applied = Vec::new();
    let mut journal = None;
    let mut vault = None;
    if !opts.dry_run {
        let id = format!("apply-{}", new_run_id(std::time::SystemTime::now()));
        let dir = run_dir.join(&id);
        std::fs::create_dir(&dir).map_err(io_at(&dir))?;
        fsync_dir(&run_dir)?;
        journal = Some(ImapJournal::create(&dir)?);
        if !opts.no_vault {
            let root = opts.vault.clone().unwrap_or_else(|| {
                run_dir
                    .parent()
                    .map(|p| p.join("vault"))
                    .unwrap_or_else(|| PathBuf::from("vault"))
            });
            vault = Some(Vault::new(root));
        }
        report.apply_dir = Some(dir);
    }
    for (i, m) in rows.iter().enumerate() {
        let (status, reason, destination, vaulted) = match one_row(
            &mut session,
            m,
            opts.dry_run,
            vault.as_ref(),
            journal.as_mut(),
            i,
        )? {
            Done::Outcome(outcome) => describe(outcome, opts.dry_run),
            Done::Refused(reason) => ("skipped", reason, None, None),
        };
        let vaulted = vaulted.or(vault
            .as_ref()
            .filter(|_| status == "applied")
            .map(|v| v.blob_path(&m.sha256)));
        if let Some(j) = journal.as_mut() {
            j.write(&serde_json::json!({"row": i, "step": "outcome", "status": status, "reason": reason, "destination": destination}))?;
        }
        applied.push(m.applied_row(
            status,
            reason.clone(),
            now_micros(),
            destination.clone(),
            vaulted.map(|p| p.display().to_string()),
        ));
        report.rows.push(RowReport {
            row: i,
            mailbox: m.mailbox.clone(),
            action: m.action.as_str(),
            status,
            reason,
            path: m.path.display().to_string(),
            destination,
        });
    }
    session.logout();
    if let Some(dir) = &report.apply_dir {
        let id = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        write_table(&dir.join("applied.parquet"), &applied_batch(&id, &applied)?)?;
    }
    Ok(report)
}

/// What became of a row: the server's answer, or why it was never asked.
enum Done {
    Outcome(ImapOutcome),
    Refused(String),
}

fn one_row(
    session: &mut Session,
    m: &ManifestRow,
    dry_run: bool,
    vault: Option<&Vault>,
    journal: Option<&mut ImapJournal>,
    i: usize,
) -> Result<Done, ApplyError> {
    if m.locator_kind == LocatorKind::MboxGz {
        return Ok(Done::Refused(
            "mbox.gz locators are not read back for IMAP".into(),
        ));
    }
    let stored = match read_stored(m) {
        Ok(bytes) => bytes,
        Err(e) => return Ok(Done::Refused(format!("exported copy unreadable: {e}"))),
    };
    let found = sha256_hex(&stored);
    if found != m.sha256 {
        return Ok(Done::Refused(format!(
            "exported copy changed since the scan (sha256 {found}): not used to confirm the server's"
        )));
    }
    let row = ImapRow {
        folder: &m.folder,
        message_id: m.message_id.as_deref(),
        fingerprint: Fingerprint::from_stored(m.locator_kind_str(), &stored),
        action: imap_action(m.action),
    };
    if !dry_run && m.action != Action::Review {
        if let Some(v) = vault {
            v.store(&m.sha256, &stored)?;
            v.sync()?;
        }
        if let Some(j) = journal {
            j.write(&serde_json::json!({"row": i, "step": "intent", "action": m.action.as_str(), "sha256": m.sha256, "message_id": m.message_id, "folder": m.folder}))?;
        }
    }
    imap::apply_row(session, &row, dry_run)
        .map(Done::Outcome)
        .map_err(imap_error)
}

fn imap_action(action: Action) -> imap::Action {
    match action {
        Action::Archive => imap::Action::Archive,
        Action::Delete => imap::Action::Delete,
        Action::Jail => imap::Action::Jail,
        Action::Junk => imap::Action::Junk,
        Action::Review => imap::Action::Review,
    }
}

/// Status, reason, destination and (none here) vault path of a server outcome.
fn describe(
    outcome: ImapOutcome,
    dry_run: bool,
) -> (&'static str, String, Option<String>, Option<PathBuf>) {
    match outcome {
        ImapOutcome::Applied {
            went_to,
            uid,
            uidvalidity,
            new_uid,
        } => (
            "applied",
            format!(
                "UID {uid} (UIDVALIDITY {uidvalidity}){}",
                new_uid.map_or(String::new(), |n| format!(", UID {n} in {went_to}"))
            ),
            Some(went_to),
            None,
        ),
        ImapOutcome::WouldApply {
            went_to,
            uid,
            uidvalidity,
        } => (
            if dry_run { "applied" } else { "skipped" },
            format!("found and confirmed as UID {uid} (UIDVALIDITY {uidvalidity})"),
            Some(went_to),
            None,
        ),
        ImapOutcome::AlreadyApplied { went_to, uid } => (
            "skipped",
            format!("already applied by an earlier apply: confirmed in {went_to} as UID {uid}"),
            Some(went_to),
            None,
        ),
        ImapOutcome::Skipped { reason } => ("skipped", reason, None, None),
        ImapOutcome::Failed { reason } => ("failed", reason, None, None),
    }
}

/// The exported copy: the bytes at the row's locator.
fn read_stored(m: &ManifestRow) -> std::io::Result<Vec<u8>> {
    let mut file = File::open(&m.path)?;
    file.seek(SeekFrom::Start(m.offset))?;
    let mut bytes = Vec::new();
    file.take(m.length).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn imap_error(e: imap::ImapError) -> ApplyError {
    ApplyError::Imap(e.to_string())
}

/// Append-only, fsynced after every record: the write-ahead log of an IMAP apply.
struct ImapJournal {
    path: PathBuf,
    file: File,
}

impl ImapJournal {
    fn create(dir: &Path) -> Result<ImapJournal, ApplyError> {
        let path = dir.join(IMAP_JOURNAL);
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(io_at(&path))?;
        Ok(ImapJournal { path, file })
    }

    fn write(&mut self, record: &serde_json::Value) -> Result<(), ApplyError> {
        let mut line = record.to_string();
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(io_at(&self.path))
    }
}
