//! The command line: clap types, their translation into core options, and what people
//! and scripts see (summaries, results windows, `--json`, progress bar, exit codes).
//! The core never sees clap types.
//!
//! Exit codes: 0 the run completed; 2 bad arguments or values (nothing ran); 3 the run
//! completed but some mailbox or file could not be read in full (see
//! `mailboxes.parquet`, column `error`); 1 any other failure (the run directory may be
//! incomplete).

mod apply_cmd;
mod args;
mod audit_cmd;
mod progress;
mod rescan_cmd;
mod results;
mod review_cmd;
mod search_cmd;
mod summary;
mod train_cmd;
mod xray_cmd;

use std::process::ExitCode;

use clap::Parser;

pub use args::{
    ApplyArgs, AuditArgs, Cli, Command, CorpusArgs, RescanArgs, ReviewArgs, ScanArgs, SearchArgs,
    UndoArgs, XrayArgs,
};

use crate::apply::ApplyError;
use crate::audit::AuditError;
use crate::corpus::{load_owner_map, CorpusError, DiscoverOptions};
use crate::pipeline::{self, PipelineError, ScanOptions, ScanSummary};
use crate::risk::RiskError;
use crate::search::{SearchError, ValueError};

/// Exit code of a completed run that met unreadable mailboxes or files.
pub const EXIT_PARTIAL: u8 = 3;
/// Exit code of bad arguments (as clap uses).
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Values(#[from] ValueError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Risk(#[from] RiskError),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("{path}: {source}")]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error(transparent)]
    Apply(#[from] ApplyError),
    #[error("writing the summary: {0}")]
    Output(#[from] serde_json::Error),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_)
            | Self::Values(_)
            | Self::Search(_)
            | Self::Risk(_)
            | Self::Apply(ApplyError::Manifest { .. } | ApplyError::Usage(_))
            | Self::Audit(
                AuditError::NoSuchRun { .. }
                | AuditError::AmbiguousRun { .. }
                | AuditError::NotARescan { .. }
                | AuditError::NoRescanRun { .. },
            )
            | Self::Pipeline(PipelineError::Corpus(
                CorpusError::NotFound { .. }
                | CorpusError::NotAMailbox { .. }
                | CorpusError::BadGlob { .. }
                | CorpusError::BadOwnerMap { .. },
            )) => EXIT_USAGE,
            _ => 1,
        }
    }
}

/// Parses the process arguments and runs the command.
pub fn run() -> Result<ExitCode, CliError> {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(args) => scan(&args),
        Command::Search(args) => search_cmd::search(&args),
        Command::Rescan(args) => rescan_cmd::rescan(&args),
        Command::Xray(args) => xray_cmd::xray(&args),
        Command::Review(args) => review_cmd::review(&args),
        Command::Audit(args) => audit_cmd::audit(&args),
        Command::Apply(args) => apply_cmd::apply(&args),
        Command::Undo(args) => apply_cmd::undo(&args),
        Command::Train(args) => train_cmd::train(&args),
    }
}

fn scan(args: &ScanArgs) -> Result<ExitCode, CliError> {
    let options = scan_options(&args.corpus)?;
    let bar = progress::Bar::new();
    let result = pipeline::scan(&options, &bar);
    bar.clear();
    let summary = result?;
    if args.corpus.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        summary::print(&summary, args.corpus.limit);
    }
    Ok(finish(&summary))
}

/// Checks the shared flags, starts the thread pool, and builds the core's options.
fn scan_options(args: &CorpusArgs) -> Result<ScanOptions, CliError> {
    if let Some(threads) = args.threads {
        if threads == 0 {
            return Err(CliError::Usage("--threads must be at least 1".into()));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|e| CliError::Threads {
                threads,
                message: e.to_string(),
            })?;
    }
    if args.limit == Some(0) {
        return Err(CliError::Usage("--limit must be at least 1".into()));
    }
    let owners = match &args.mailboxes {
        Some(path) => load_owner_map(path).map_err(PipelineError::from)?,
        None => Default::default(),
    };
    Ok(ScanOptions {
        paths: args.paths.clone(),
        discover: DiscoverOptions {
            mailbox_globs: args.mailbox.clone(),
            owners,
        },
        limit: args.limit,
        audit_root: args.out.clone(),
        command_line: command_line(),
    })
}

/// Warns about unreadable mailboxes; the exit status says whether there were any.
fn finish(summary: &ScanSummary) -> ExitCode {
    for error in &summary.mailbox_errors {
        eprintln!("mailsweep: warning: {error}");
    }
    if summary.mailbox_errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PARTIAL)
    }
}

/// The command line as typed, each argument quoted when it needs it.
fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=@:,+".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
