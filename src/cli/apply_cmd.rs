//! `mailsweep apply` and `mailsweep undo`: the plan or outcome per mailbox, the rows
//! skipped or failed, and the exit status (3 when any row was skipped or failed).

use std::collections::BTreeMap;
use std::process::ExitCode;

use super::args::{ApplyArgs, UndoArgs};
use super::{CliError, EXIT_PARTIAL};
use crate::apply::{self, ApplyOptions, ApplyReport, ImapOptions, RowReport};
use crate::imap::PasswordSource;

pub fn apply(args: &ApplyArgs) -> Result<ExitCode, CliError> {
    let dry_run = args.dry_run || !args.yes;
    let options = ApplyOptions {
        target: args.target.clone(),
        dry_run,
        vault: args.vault.clone(),
        no_vault: args.no_vault,
        audit_root: args.out.clone(),
    };
    let report = match &args.imap {
        None => apply::apply(&options)?,
        Some(url) => {
            let password = match (&args.imap_password_env, &args.imap_password_file) {
                (Some(var), None) => PasswordSource::Env(var.clone()),
                (None, Some(file)) => PasswordSource::File(file.clone()),
                _ => {
                    return Err(CliError::Usage(
                        "--imap needs --imap-password-env VAR or --imap-password-file FILE".into(),
                    ))
                }
            };
            let server = ImapOptions {
                url: url.clone(),
                password,
                ca_file: args.imap_ca.clone(),
            };
            apply::apply_imap(&options, &server)?
        }
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_report(&report, !args.yes && !args.dry_run);
    }
    let troubled = report
        .rows
        .iter()
        .any(|r| r.status != "applied" && !r.reason.starts_with("already applied by"));
    Ok(if troubled {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    })
}

/// Counts per mailbox: what happened (or would) to its rows.
#[derive(Default)]
struct Counts {
    archive: usize,
    delete: usize,
    jail: usize,
    junk: usize,
    review: usize,
    skipped: usize,
    failed: usize,
    already: usize,
}

fn print_report(report: &ApplyReport, no_yes: bool) {
    let mut per: BTreeMap<&str, Counts> = BTreeMap::new();
    for r in &report.rows {
        let c = per.entry(r.mailbox.as_str()).or_default();
        match (r.status, r.action) {
            ("applied", "archive") => c.archive += 1,
            ("applied", "delete") => c.delete += 1,
            ("applied", "jail") => c.jail += 1,
            ("applied", "junk") => c.junk += 1,
            ("applied", _) => c.review += 1,
            ("failed", _) => c.failed += 1,
            _ if r.reason.starts_with("already applied by") => c.already += 1,
            _ => c.skipped += 1,
        }
    }
    let verb = if report.dry_run {
        "would apply"
    } else {
        "applied"
    };
    println!("manifest: {}", report.manifest.display());
    println!(
        "{:<32} {:>8} {:>8} {:>6} {:>6} {:>7} {:>8} {:>7} {:>8}",
        "MAILBOX", "ARCHIVE", "DELETE", "JAIL", "JUNK", "REVIEW", "SKIPPED", "FAILED", "ALREADY"
    );
    for (mailbox, c) in &per {
        println!(
            "{:<32} {:>8} {:>8} {:>6} {:>6} {:>7} {:>8} {:>7} {:>8}",
            mailbox, c.archive, c.delete, c.jail, c.junk, c.review, c.skipped, c.failed, c.already
        );
    }
    let troubled: Vec<&RowReport> = report
        .rows
        .iter()
        .filter(|r| r.status != "applied" && !r.reason.starts_with("already applied by"))
        .collect();
    for r in &troubled {
        println!(
            "row {} ({} {}): {}: {}",
            r.row + 1,
            r.action,
            r.path,
            r.status,
            r.reason
        );
    }
    match &report.apply_dir {
        Some(dir) => {
            if report.resumed {
                println!("finished an interrupted apply");
            }
            println!(
                "{verb}: {} rows; {} bytes written into the mailboxes; journal: {}",
                report.rows.iter().filter(|r| r.status == "applied").count(),
                report.bytes_written,
                dir.join("applied.parquet").display()
            );
            println!("undo with: mailsweep undo {}", dir.display());
        }
        None if report.dry_run => {
            println!("dry run: nothing was changed");
            if no_yes {
                println!("run again with --yes to act");
            }
        }
        None => println!("every row was applied already: nothing was changed"),
    }
}

pub fn undo(args: &UndoArgs) -> Result<ExitCode, CliError> {
    let dir = apply::find_apply(&args.out, &args.apply)?;
    let report = apply::undo(&dir)?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else if report.already_undone {
        println!("{}: undone already: nothing was changed", dir.display());
    } else {
        for p in &report.problems {
            println!("not undone: {p}");
        }
        println!(
            "{}: {} changes put back, {} not",
            dir.display(),
            report.restored,
            report.problems.len()
        );
    }
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PARTIAL)
    })
}
