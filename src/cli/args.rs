//! clap definitions of the commands and their flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Offline Threat Response over exported mail archives (mbox, Maildir, .eml folders).
///
/// mailsweep reads exports of many mailboxes, fast and read-only, and writes an audit
/// record as Parquet tables (query them with DuckDB) in a new run directory.
#[derive(Debug, Parser)]
#[command(name = "mailsweep", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inventory every message of the selected mailboxes into messages.parquet.
    ///
    /// PATHs may be mbox files (also .gz), Maildir/Maildir++ folders, folders of .eml
    /// files (Enron maildir/<user>/<folder>/ too), Thunderbird profile folders, Apple
    /// Mail .mbox bundles, single .eml files, or folders holding any of these (each
    /// mailbox found inside is scanned). Nothing is ever changed in them.
    ///
    /// Exit status: 0 done; 2 bad arguments; 3 done, but some mailbox or file could not
    /// be read (see the warnings and mailboxes.parquet); 1 other failure.
    Scan(ScanArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Mailboxes, or folders holding mailboxes.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Only mailboxes whose id matches GLOB (repeatable; the id is the mailbox's path
    /// below the PATH it was found in, e.g. 'alice@example.com' or 'users/*').
    #[arg(long, value_name = "GLOB")]
    pub mailbox: Vec<String>,

    /// CSV of `mailbox,owner` rows naming each mailbox's owner address (mailbox = id
    /// or path). Without it, owners are inferred from names like alice@example.com.mbox.
    #[arg(long, value_name = "FILE.csv")]
    pub mailboxes: Option<PathBuf>,

    /// Scan only the newest N emails of each mailbox, newest first.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Audit root: each run writes a new directory <DIR>/<run id>/.
    #[arg(long, value_name = "DIR", default_value = "mailsweep-audit")]
    pub out: PathBuf,

    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Print the summary as one JSON object on stdout (for scripts).
    #[arg(long)]
    pub json: bool,
}
