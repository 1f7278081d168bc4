//! `mailsweep audit list|show`: the audit record read back from Parquet only.

use std::process::ExitCode;

use super::args::{AuditArgs, AuditCommand};
use super::{results, CliError};
use crate::audit::{self, RunRecord};

pub fn audit(args: &AuditArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        AuditCommand::List => list(args),
        AuditCommand::Show { run } => show(args, run),
    }
}

fn list(args: &AuditArgs) -> Result<ExitCode, CliError> {
    let runs = audit::list_runs(&args.out)?;
    if args.json {
        for run in &runs {
            println!("{}", serde_json::to_string(run)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<26} {:<20} {:<17} {:<8} {:>9} {:>8} {:>8}",
        "RUN", "STARTED (UTC)", "ACTION", "RESULT", "MAILBOXES", "SCANNED", "MATCHED"
    );
    for run in &runs {
        println!(
            "{:<26} {:<20} {:<17} {:<8} {:>9} {:>8} {:>8}",
            run.run_id,
            utc_time(run.started_micros),
            action(run),
            run.result.as_deref().unwrap_or("-"),
            run.mailboxes,
            run.messages_scanned,
            run.messages_matched
                .map_or("-".to_string(), |m| m.to_string())
        );
    }
    if runs.is_empty() {
        println!("(no runs under {})", args.out.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn show(args: &AuditArgs, run: &str) -> Result<ExitCode, CliError> {
    let dir = audit::find_run(&args.out, run)?;
    let record = audit::read_run(&dir)?;
    let mailboxes = audit::read_mailbox_ids(&dir)?;
    let indicators = audit::read_indicators(&dir)?;
    let rescan = audit::read_rescan_summary(&dir)?;
    if args.json {
        let shown = serde_json::json!({
            "run": record,
            "mailboxes": mailboxes,
            "indicators": indicators,
            "rescan": rescan,
        });
        println!("{shown}");
    } else {
        print!(
            "{}",
            results::window(&record, &mailboxes, &indicators, rescan.as_ref())
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn action(run: &RunRecord) -> String {
    run.action.clone().unwrap_or_else(|| run.command.clone())
}

/// `2026-11-22 21:10:53`.
fn utc_time(micros: i64) -> String {
    let t = mail_parser::DateTime::from_timestamp(micros.div_euclid(1_000_000));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}
