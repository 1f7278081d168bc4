//! One apply, start to end: find or resume its apply directory, plan and carry out each
//! unit under the intent journal, and write `applied.parquet`. A dry run plans the same
//! units read-only and reports them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::error::{io_at, ApplyError};
use super::files;
use super::fsio::{file_sha256, fsync_dir};
use super::journal::{
    now_micros, read_journal, Journal, Outcome, Record, State, Status, UnitPlan, JOURNAL,
};
use super::lock::MboxLock;
use super::manifest::ManifestRow;
use super::mbox;
use super::units::{group, Unit};
use super::vault::Vault;
use super::{ApplyOptions, ApplyReport, RowReport, UNDONE};
use crate::audit::{applied_batch, new_run_id, write_table, AppliedRow};

/// Message files planned and journalled together.
const BATCH: usize = 256;

/// An earlier apply of the same manifest in the run directory.
struct Earlier {
    dir: PathBuf,
    state: State,
    undone: bool,
}

fn earlier_applies(run_dir: &Path, manifest_sha256: &str) -> Result<Vec<Earlier>, ApplyError> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(run_dir) else {
        return Ok(out);
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("apply-"))
                && p.join(JOURNAL).is_file()
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        let state = State::from_records(read_journal(&dir)?);
        if state.manifest_sha256() == Some(manifest_sha256) {
            let undone = dir.join(UNDONE).exists();
            out.push(Earlier { dir, state, undone });
        }
    }
    Ok(out)
}

/// Rows an earlier, finished and not undone apply of this manifest applied: row → its id.
fn applied_before(earlier: &[Earlier], rows: usize) -> Vec<Option<String>> {
    let mut by = vec![None; rows];
    for e in earlier.iter().filter(|e| e.state.finished && !e.undone) {
        let id = e.state.apply_id().unwrap_or("an earlier apply").to_string();
        for (u, plan) in e.state.plans.iter().enumerate() {
            let (Some(plan), true) = (plan, e.state.done[u]) else {
                continue;
            };
            for o in plan.outcomes() {
                let was_skip_note = o.reason.starts_with("already applied by");
                if o.status == Status::Applied && o.row < rows && !was_skip_note {
                    by[o.row] = Some(id.clone());
                }
                if was_skip_note && o.row < rows && by[o.row].is_none() {
                    by[o.row] = Some(o.reason.trim_start_matches("already applied by ").into());
                }
            }
        }
    }
    by
}

pub fn apply(
    opts: &ApplyOptions,
    manifest: &Path,
    run_dir: &Path,
    rows: &[ManifestRow],
) -> Result<ApplyReport, ApplyError> {
    let manifest_sha256 = file_sha256(manifest)?;
    let earlier = earlier_applies(run_dir, &manifest_sha256)?;
    let before = applied_before(&earlier, rows.len());
    let units = group(rows, &|i| before[i].clone());
    let mut report = ApplyReport {
        manifest: manifest.to_path_buf(),
        run_dir: run_dir.to_path_buf(),
        apply_dir: None,
        dry_run: opts.dry_run,
        rows: Vec::new(),
        bytes_written: 0,
        resumed: false,
    };
    if before.iter().all(Option::is_some) {
        // Every row is done already: nothing to change, no new apply directory.
        report.rows = row_reports(rows, &note_all(rows, &before));
        return Ok(report);
    }
    if opts.dry_run {
        let mut outcomes = Vec::new();
        for unit in &units {
            outcomes.extend(plan_unit(unit, rows, None, None)?.outcomes());
        }
        report.rows = row_reports(rows, &outcomes);
        return Ok(report);
    }

    let resume = earlier.iter().find(|e| !e.state.finished && !e.undone);
    let (dir, state) = match resume {
        Some(e) => {
            report.resumed = true;
            (e.dir.clone(), State::from_records(read_journal(&e.dir)?))
        }
        None => {
            let id = format!("apply-{}", new_run_id(std::time::SystemTime::now()));
            let dir = run_dir.join(&id);
            std::fs::create_dir(&dir).map_err(io_at(&dir))?;
            fsync_dir(run_dir)?;
            (dir, State::default())
        }
    };
    let apply_id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let scratch = dir.join("scratch-vault");
    let vault_root = if opts.no_vault {
        scratch.clone()
    } else {
        opts.vault.clone().unwrap_or_else(|| {
            run_dir
                .parent()
                .map(|p| p.join("vault"))
                .unwrap_or_else(|| PathBuf::from("vault"))
        })
    };
    let vault = Vault::new(vault_root.clone());
    let mut journal = Journal::open(&dir)?;
    if state.start.is_none() {
        journal.write(&Record::Start {
            apply_id: apply_id.clone(),
            manifest: manifest.to_path_buf(),
            manifest_sha256: manifest_sha256.clone(),
            vault: (!opts.no_vault).then(|| vault_root.clone()),
            started_micros: now_micros(),
        })?;
    }

    let mut outcomes = Vec::new();
    let mut at = Vec::new();
    let mut collect = |plan: &UnitPlan, result: Result<u64, String>, when: i64| {
        let mut unit_outcomes = plan.outcomes();
        match result {
            Ok(bytes) => report.bytes_written += bytes,
            Err(reason) => {
                for o in unit_outcomes
                    .iter_mut()
                    .filter(|o| o.status == Status::Applied)
                {
                    o.status = Status::Failed;
                    o.reason.clone_from(&reason);
                }
            }
        }
        at.extend(std::iter::repeat_n(when, unit_outcomes.len()));
        outcomes.extend(unit_outcomes);
    };
    let planned = |u: usize| state.plans.get(u).is_some_and(Option::is_some);
    let mut u = 0;
    while u < units.len() {
        let unit = &units[u];
        if !planned(u) && !matches!(unit, Unit::Mbox { .. }) {
            // A batch of message files: planned (and vaulted) together, journalled in
            // one record, carried out, their directories fsynced once, settled in one
            // record.
            let end = (u..units.len())
                .take_while(|&k| {
                    k - u < BATCH && !planned(k) && !matches!(units[k], Unit::Mbox { .. })
                })
                .last()
                .map_or(u + 1, |k| k + 1);
            let plans = (u..end)
                .map(|k| plan_unit(&units[k], rows, Some(&vault), None))
                .collect::<Result<Vec<_>, _>>()?;
            vault.sync()?;
            journal.write(&Record::Units {
                first: u,
                plans: plans.clone(),
                at_micros: now_micros(),
            })?;
            let mut dirty = BTreeSet::new();
            let mut results = Vec::with_capacity(plans.len());
            for plan in &plans {
                results.push(match plan {
                    UnitPlan::File(p) => files::execute(p, &mut dirty)?.map(|()| 0),
                    _ => Ok(0),
                });
            }
            for d in &dirty {
                fsync_dir(d)?;
            }
            let failed = results
                .iter()
                .enumerate()
                .filter_map(|(k, r)| r.as_ref().err().map(|e| (u + k, e.clone())))
                .collect();
            let when = now_micros();
            journal.write(&Record::Settled {
                first: u,
                count: plans.len(),
                failed,
                at_micros: when,
            })?;
            for (plan, result) in plans.iter().zip(results) {
                collect(plan, result, when);
            }
            u = end;
            continue;
        }
        let earlier_plan = state.plans.get(u).cloned().flatten();
        let done = state.done.get(u).copied().unwrap_or(false);
        let (plan, result, when) = match earlier_plan {
            Some(plan) if done || matches!(plan, UnitPlan::Note { .. }) => {
                // A run killed after this unit's last step left its dotlocks: taking
                // and releasing them breaks the stale ones.
                if let Unit::Mbox { path, .. } = unit {
                    drop(MboxLock::acquire(path)?);
                }
                if let UnitPlan::Mbox(p) = &plan {
                    for a in &p.appends {
                        drop(MboxLock::acquire(&a.sibling)?);
                    }
                }
                let when = state.at_micros[u];
                (plan, Ok(0), when)
            }
            Some(plan) => {
                let result = execute(&plan, &vault, false, &mut journal, u)?;
                (plan, result, now_micros())
            }
            None => {
                let mut locks = Vec::new();
                if let Unit::Mbox { path, .. } = unit {
                    locks.push(MboxLock::acquire(path)?);
                }
                let plan = plan_unit(unit, rows, Some(&vault), Some(&mut locks))?;
                vault.sync()?;
                journal.write(&Record::Unit {
                    unit: u,
                    plan: plan.clone(),
                    at_micros: now_micros(),
                })?;
                let result = match plan {
                    UnitPlan::Note { .. } => Ok(0),
                    _ => execute(&plan, &vault, true, &mut journal, u)?,
                };
                drop(locks);
                (plan, result, now_micros())
            }
        };
        collect(&plan, result, when);
        u += 1;
    }

    write_applied(&dir, &apply_id, rows, &outcomes, &at)?;
    journal.write(&Record::Finished {
        finished_micros: now_micros(),
    })?;
    if opts.no_vault && scratch.exists() {
        std::fs::remove_dir_all(&scratch).map_err(io_at(&scratch))?;
    }
    report.apply_dir = Some(dir);
    report.rows = row_reports(rows, &outcomes);
    Ok(report)
}

fn note_all(rows: &[ManifestRow], before: &[Option<String>]) -> Vec<Outcome> {
    (0..rows.len())
        .map(|i| Outcome {
            row: i,
            status: Status::Skipped,
            reason: format!(
                "already applied by {}",
                before[i].as_deref().unwrap_or("an earlier apply")
            ),
            destination: None,
            vault: None,
        })
        .collect()
}

fn plan_unit(
    unit: &Unit,
    rows: &[ManifestRow],
    vault: Option<&Vault>,
    locks: Option<&mut Vec<MboxLock>>,
) -> Result<UnitPlan, ApplyError> {
    match unit {
        Unit::Skip(i, reason) => Ok(files::note(*i, Status::Skipped, reason.clone())),
        Unit::File(i) => files::plan(*i, &rows[*i], vault),
        Unit::Mbox { path, rows: idx } => {
            let members: Vec<(usize, &ManifestRow)> = idx.iter().map(|&i| (i, &rows[i])).collect();
            mbox::plan(path, &members, vault, locks)
        }
    }
}

/// Carries out a unit's plan and journals its end (`done`, or `failed` with the reason).
fn execute(
    plan: &UnitPlan,
    vault: &Vault,
    fresh: bool,
    journal: &mut Journal,
    unit: usize,
) -> Result<Result<u64, String>, ApplyError> {
    let result = match plan {
        UnitPlan::Note { .. } => Ok(0),
        UnitPlan::File(p) => {
            let mut dirty = BTreeSet::new();
            let result = files::execute(p, &mut dirty)?.map(|()| 0);
            for d in &dirty {
                fsync_dir(d)?;
            }
            result
        }
        UnitPlan::Mbox(p) => {
            let _lock = if fresh {
                None
            } else {
                Some(MboxLock::acquire(&p.path)?)
            };
            let _siblings = if fresh {
                Vec::new()
            } else {
                p.appends
                    .iter()
                    .map(|a| MboxLock::acquire(&a.sibling))
                    .collect::<Result<Vec<_>, _>>()?
            };
            mbox::execute(p, vault, fresh)?
        }
    };
    let at_micros = now_micros();
    match &result {
        Ok(_) => journal.write(&Record::Done { unit, at_micros })?,
        Err(reason) => journal.write(&Record::Failed {
            unit,
            reason: reason.clone(),
            at_micros,
        })?,
    }
    Ok(result)
}

fn write_applied(
    dir: &Path,
    apply_id: &str,
    rows: &[ManifestRow],
    outcomes: &[Outcome],
    at: &[i64],
) -> Result<(), ApplyError> {
    let mut table: Vec<AppliedRow> = outcomes
        .iter()
        .zip(at)
        .map(|(o, &at_micros)| {
            rows[o.row].applied_row(
                o.status.as_str(),
                o.reason.clone(),
                at_micros,
                o.destination.clone(),
                o.vault.as_ref().map(|v| v.display().to_string()),
            )
        })
        .collect();
    // Manifest order, whatever order the units ran in.
    let order: Vec<usize> = outcomes.iter().map(|o| o.row).collect();
    let mut paired: Vec<(usize, AppliedRow)> = order.into_iter().zip(table.drain(..)).collect();
    paired.sort_by_key(|p| p.0);
    let table: Vec<AppliedRow> = paired.into_iter().map(|p| p.1).collect();
    let batch = applied_batch(apply_id, &table)?;
    write_table(&dir.join("applied.parquet"), &batch)?;
    Ok(())
}

fn row_reports(rows: &[ManifestRow], outcomes: &[Outcome]) -> Vec<RowReport> {
    let mut out: Vec<RowReport> = outcomes
        .iter()
        .map(|o| {
            let m = &rows[o.row];
            RowReport {
                row: o.row,
                mailbox: m.mailbox.clone(),
                action: m.action.as_str(),
                status: o.status.as_str(),
                reason: o.reason.clone(),
                path: m.path.display().to_string(),
                destination: o.destination.clone(),
            }
        })
        .collect();
    out.sort_by_key(|r| r.row);
    out
}
