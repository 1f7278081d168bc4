//! The intent journal of one apply (`<apply dir>/journal.jsonl`): one JSON record per
//! line, appended and fsynced before the step it announces. A unit's plan (what it will
//! change, with the hashes before and after) is written before its first change, and
//! `done` after its last, so a run that was killed can tell, unit by unit, what it must
//! finish; `undo` reads the same plans to put everything back. A torn last line (a kill
//! while writing it) is ignored: its step had not started.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{io_at, ApplyError};
use super::fsio::{fsync_dir, Ownership};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Applied,
    Skipped,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
        }
    }
}

/// What happened (or, in a plan, will happen) to one manifest row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub row: usize,
    pub status: Status,
    pub reason: String,
    /// Where the message went: its new path (for an mbox: `PATH@OFFSET`), `vault` for a
    /// deletion, `review report` for a review row.
    pub destination: Option<String>,
    pub vault: Option<PathBuf>,
}

/// One message file moved or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePlan {
    pub row: usize,
    pub src: PathBuf,
    /// `None`: delete.
    pub dst: Option<PathBuf>,
    pub sha256: String,
    pub owner: Ownership,
    pub mtime_nanos: Option<i64>,
    /// Directories this move creates (removed again by undo when empty).
    pub created_dirs: Vec<PathBuf>,
    pub outcome: Outcome,
}

/// A message range taken out of an mbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    pub row: usize,
    pub offset: u64,
    pub length: u64,
    pub sha256: String,
}

/// Bytes appended to a sibling mbox (`Archive`, `Jail`, `Junk`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Append {
    pub sibling: PathBuf,
    /// The sibling did not exist before (undo removes it).
    pub created: bool,
    pub pre_len: u64,
    pub len: u64,
    /// Of the appended bytes, which the vault also holds (a resumed apply reads them there).
    pub sha256: String,
}

/// All rows of one mbox file: one rewrite, and appends to its siblings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MboxPlan {
    pub path: PathBuf,
    pub owner: Ownership,
    pub pre_sha256: String,
    pub pre_len: u64,
    pub post_sha256: String,
    pub post_len: u64,
    /// In offset order; they tile nothing else (checked when planned).
    pub removed: Vec<Removed>,
    pub appends: Vec<Append>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnitPlan {
    /// Rows decided without changing anything (skipped, review).
    Note {
        outcomes: Vec<Outcome>,
    },
    File(FilePlan),
    Mbox(MboxPlan),
}

impl UnitPlan {
    pub fn outcomes(&self) -> Vec<Outcome> {
        match self {
            Self::Note { outcomes } => outcomes.clone(),
            Self::File(f) => vec![f.outcome.clone()],
            Self::Mbox(m) => m.outcomes.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    Start {
        apply_id: String,
        manifest: PathBuf,
        manifest_sha256: String,
        /// `None`: `--no-vault` (deleted bytes are not kept; undo cannot restore them).
        vault: Option<PathBuf>,
        started_micros: i64,
    },
    Unit {
        unit: usize,
        plan: UnitPlan,
        at_micros: i64,
    },
    Done {
        unit: usize,
        at_micros: i64,
    },
    /// The plans of units `first..first + plans.len()` (a batch of message files).
    Units {
        first: usize,
        plans: Vec<UnitPlan>,
        at_micros: i64,
    },
    /// Units `first..first + count` ended: done, except the `failed` ones (unit, reason).
    Settled {
        first: usize,
        count: usize,
        failed: Vec<(usize, String)>,
        at_micros: i64,
    },
    Failed {
        unit: usize,
        reason: String,
        at_micros: i64,
    },
    Finished {
        finished_micros: i64,
    },
}

/// An open journal, appended to.
pub struct Journal {
    path: PathBuf,
    file: File,
}

pub const JOURNAL: &str = "journal.jsonl";

impl Journal {
    pub fn open(dir: &Path) -> Result<Self, ApplyError> {
        let path = dir.join(JOURNAL);
        let existed = path.exists();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io_at(&path))?;
        if !existed {
            fsync_dir(dir)?;
        }
        Ok(Self { path, file })
    }

    /// Appends one record and makes it durable before returning.
    pub fn write(&mut self, record: &Record) -> Result<(), ApplyError> {
        let mut line = serde_json::to_vec(record).map_err(|e| ApplyError::Journal {
            path: self.path.clone(),
            what: e.to_string(),
        })?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(io_at(&self.path))?;
        self.file.sync_data().map_err(io_at(&self.path))?;
        super::fault::step("journal record");
        Ok(())
    }
}

/// The records of a journal; a torn last line is dropped, a bad line elsewhere is an error.
pub fn read_journal(dir: &Path) -> Result<Vec<Record>, ApplyError> {
    let path = dir.join(JOURNAL);
    let file = File::open(&path).map_err(io_at(&path))?;
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(io_at(&path))?;
    let mut records = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        match serde_json::from_str(line) {
            Ok(r) => records.push(r),
            Err(_) if i + 1 == lines.len() => break,
            Err(e) => {
                return Err(ApplyError::Journal {
                    path,
                    what: format!("line {}: {e}", i + 1),
                })
            }
        }
    }
    Ok(records)
}

/// What a journal says, unit by unit.
#[derive(Debug, Default)]
pub struct State {
    pub start: Option<Record>,
    pub plans: Vec<Option<UnitPlan>>,
    pub done: Vec<bool>,
    pub failed: Vec<Option<String>>,
    /// When each unit was last recorded (planned, done or failed).
    pub at_micros: Vec<i64>,
    pub finished: bool,
}

/// Microseconds since the epoch, now.
pub fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

impl State {
    pub fn from_records(records: Vec<Record>) -> Self {
        let mut s = Self::default();
        let grow = |s: &mut Self, unit: usize| {
            if s.plans.len() <= unit {
                s.plans.resize(unit + 1, None);
                s.done.resize(unit + 1, false);
                s.failed.resize(unit + 1, None);
                s.at_micros.resize(unit + 1, 0);
            }
        };
        for r in records {
            match r {
                Record::Start { .. } => s.start = Some(r),
                Record::Unit {
                    unit,
                    plan,
                    at_micros,
                } => {
                    grow(&mut s, unit);
                    s.plans[unit] = Some(plan);
                    s.at_micros[unit] = at_micros;
                }
                Record::Units {
                    first,
                    plans,
                    at_micros,
                } => {
                    for (k, plan) in plans.into_iter().enumerate() {
                        grow(&mut s, first + k);
                        s.plans[first + k] = Some(plan);
                        s.at_micros[first + k] = at_micros;
                    }
                }
                Record::Settled {
                    first,
                    count,
                    failed,
                    at_micros,
                } => {
                    for unit in first..first + count {
                        grow(&mut s, unit);
                        s.at_micros[unit] = at_micros;
                        match failed.iter().find(|f| f.0 == unit) {
                            Some((_, reason)) => s.failed[unit] = Some(reason.clone()),
                            None => {
                                s.done[unit] = true;
                                s.failed[unit] = None;
                            }
                        }
                    }
                }
                Record::Done { unit, at_micros } => {
                    grow(&mut s, unit);
                    s.done[unit] = true;
                    s.failed[unit] = None;
                    s.at_micros[unit] = at_micros;
                }
                Record::Failed {
                    unit,
                    reason,
                    at_micros,
                } => {
                    grow(&mut s, unit);
                    s.failed[unit] = Some(reason);
                    s.at_micros[unit] = at_micros;
                }
                Record::Finished { .. } => s.finished = true,
            }
        }
        s
    }

    pub fn manifest_sha256(&self) -> Option<&str> {
        match &self.start {
            Some(Record::Start {
                manifest_sha256, ..
            }) => Some(manifest_sha256),
            _ => None,
        }
    }

    pub fn vault(&self) -> Option<&Path> {
        match &self.start {
            Some(Record::Start { vault, .. }) => vault.as_deref(),
            _ => None,
        }
    }

    pub fn apply_id(&self) -> Option<&str> {
        match &self.start {
            Some(Record::Start { apply_id, .. }) => Some(apply_id),
            _ => None,
        }
    }
}
