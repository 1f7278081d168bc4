//! `mailsweep xray MESSAGE`: one message's verdict and evidence, read from a rescan
//! run's tables.

use std::fmt::Write;
use std::process::ExitCode;

use super::args::XrayArgs;
use super::CliError;
use crate::audit::{self, AuditError, XrayMessage};
use crate::risk::Category;

pub fn xray(args: &XrayArgs) -> Result<ExitCode, CliError> {
    let dir = match &args.run {
        Some(run) => audit::find_run(&args.out, run)?,
        None => audit::list_runs(&args.out)?
            .into_iter()
            .rev()
            .find(|r| r.command == "rescan")
            .map(|r| r.run_dir)
            .ok_or_else(|| AuditError::NoRescanRun {
                root: args.out.clone(),
            })?,
    };
    let found = audit::read_xray(&dir, &args.message)?;
    if found.is_empty() {
        return Err(CliError::Usage(format!(
            "no message {:?} in the rescan {}",
            args.message,
            dir.display()
        )));
    }
    if args.json {
        for m in &found {
            println!("{}", serde_json::to_string(m)?);
        }
    } else {
        for m in &found {
            print!("{}", render(m));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The X-ray of one message: where it is, the verdict, then the evidence per category
/// and the insights.
fn render(m: &XrayMessage) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "X-ray  {}", m.sha256);
    let _ = writeln!(
        out,
        "  Mailbox     : {} / {} (#{})",
        m.mailbox, m.folder, m.ordinal
    );
    let place = if m.offset > 0 {
        format!("{} @ {}", m.path, m.offset)
    } else {
        m.path.clone()
    };
    let _ = writeln!(out, "  Stored at   : {place}");
    let shown = |v: &Option<String>| v.as_deref().map_or("-".to_string(), |s| format!("{s:?}"));
    let _ = writeln!(out, "  Message-ID  : {}", shown(&m.message_id));
    let _ = writeln!(out, "  From        : {}", shown(&m.from_address));
    let _ = writeln!(out, "  Subject     : {}", shown(&m.subject));
    let trusted = match m.sender_trusted {
        Some(true) => "trusted sender",
        Some(false) => "unknown sender",
        None => "-",
    };
    let _ = writeln!(
        out,
        "  Verdict     : {} (risk level {}, {trusted})",
        m.disposition.as_deref().unwrap_or("-"),
        m.risk_level.as_deref().unwrap_or("none"),
    );
    // Categories in the seed's order, each once.
    let raised = Category::ALL.into_iter().filter(|c| {
        m.evidence
            .iter()
            .any(|e| e.category.as_deref() == Some(c.as_str()))
    });
    for category in raised {
        let _ = writeln!(
            out,
            "  {}{}:",
            category.label(),
            if category.dangerous() {
                " (dangerous result)"
            } else {
                ""
            }
        );
        for e in m
            .evidence
            .iter()
            .filter(|e| e.category.as_deref() == Some(category.as_str()))
        {
            let _ = writeln!(out, "    [{}] {}", e.rule, e.detail);
        }
    }
    let insights: Vec<_> = m.evidence.iter().filter(|e| e.category.is_none()).collect();
    if !insights.is_empty() {
        let _ = writeln!(out, "  Insights:");
        for e in insights {
            let _ = writeln!(out, "    [{}] {}", e.rule, e.detail);
        }
    }
    out
}
