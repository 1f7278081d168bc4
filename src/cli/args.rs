//! clap definitions of the commands and their flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Threat Response: search the selected mailboxes for links, files, senders,
    /// headers or keywords, and write the matches and an action manifest.
    ///
    /// Values come from --value (repeatable) and/or --csv FILE (one value per row;
    /// for headers `key,value`), for files also --file SAMPLE. Defanged values
    /// (hxxps://evil[.]example, user[@]evil.example) are refanged. Everything is
    /// matched after decoding (RFC 2047 headers, base64/quoted-printable bodies,
    /// charsets, HTML as text, attached messages, zip members).
    ///
    /// The run directory gets indicators.parquet (matches per value), matches.parquet
    /// (one row per value found in one place), and actions.parquet: the manifest of
    /// matched messages with the chosen --result, for `mailsweep apply`. Nothing in the
    /// mailboxes is changed by a search.
    ///
    /// Exit status: as for scan.
    Search(SearchArgs),
    /// Threat Response: rescan the selected mailboxes — classify every message into the
    /// risk categories and dangerous results, level each by the policy, and decide where
    /// it goes (Jail, Junk, Review, or it stays).
    ///
    /// Evidence comes from the headers as received (Authentication-Results from our own
    /// servers, Received-SPF, ARC), offline DKIM re-verification (--dkim-keys), bulk
    /// headers, attachments and zip members (macros, encryption, PDF actions, risky
    /// and disguised extensions), reputation lists and ClamAV hash signatures (--lists)
    /// and the built-in EICAR signature. Nothing touches the network.
    ///
    /// The run directory gets risks.parquet (one row per message and category),
    /// xray.parquet (every piece of evidence), the verdict columns of messages.parquet,
    /// and actions.parquet: the Jail / Junk / Review moves, for `mailsweep apply`.
    /// Nothing in the mailboxes is changed by a rescan.
    ///
    /// Exit status: as for scan.
    Rescan(RescanArgs),
    /// Show the X-ray of a message from a rescan: its verdict and every piece of
    /// evidence (which header, attachment, list or rule).
    Xray(XrayArgs),
    /// Write a run's review report: one self-contained HTML file with the run summary,
    /// the matches per indicator or risk category, and every email of the manifest with
    /// its headers (read again and verified by SHA-256), attachments, highlighted
    /// snippets and X-ray evidence.
    ///
    /// The file holds no script and loads nothing (a strict Content-Security-Policy);
    /// everything taken from messages is escaped and shown as text, links included.
    ///
    /// Exit status: 0 written; 2 no such run; 3 written, but some email's stored bytes
    /// changed since the run or could not be read (the report warns, and shows no
    /// headers for them); 1 other failure.
    Review(ReviewArgs),
    /// Read the audit record: list runs, or show one run's results window.
    Audit(AuditArgs),
    /// Carry an action manifest into the mailboxes: archive, delete, move to
    /// Jail/Junk (review rows change nothing).
    ///
    /// TARGET is a run directory (its actions.parquet) or a manifest file: Parquet
    /// (e.g. filtered in DuckDB) or CSV with the manifest's columns. Without --yes it
    /// only prints what it would do. Every message is verified against the manifest's
    /// sha256 first (a changed message is skipped), its bytes kept in the vault, and
    /// every row's outcome written to <run dir>/apply-<id>/applied.parquet. An apply
    /// that was interrupted is finished by running it again; `mailsweep undo` puts
    /// everything back.
    ///
    /// Exit status: 0 done; 2 bad arguments or malformed manifest (nothing changed);
    /// 3 some rows skipped or failed; 1 other failure.
    Apply(ApplyArgs),
    /// Put back everything an apply changed, from its journal and the vault.
    ///
    /// Exit status: 0 done; 2 no such apply; 3 some changes could not be undone
    /// (the mailbox changed since); 1 other failure.
    Undo(UndoArgs),
    /// Train the text classifier (ham / spam / phishing) that rescan reads, from
    /// labelled folders, mbox files or a labels file; writes a model for
    /// `rescan --model`. The same messages give the same model, byte for byte.
    ///
    /// --split keeps only the train or the test split (a message is in the test split
    /// when the first byte of the SHA-256 of its stored bytes is below 0x55).
    Train(TrainArgs),
}

/// Which mailboxes to read and where to write: shared by every command that scans.
#[derive(Debug, Args)]
pub struct CorpusArgs {
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

    /// Threads to use, writing the tables included (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Print the summary as one JSON object on stdout (for scripts).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// URLs in bodies, HTML links and List-* headers (exact URL, prefix `…*`, or host).
    Links,
    /// Attachments by SHA-256 (also MD5, SHA-1) or by a sample file (--file).
    Files,
    /// From, Sender, Reply-To, Return-Path, envelope: address, @domain or pattern.
    Sender,
    /// A header by name, with a value found in it (`Name: value`; `Name` alone = present).
    Headers,
    /// Words and phrases in subject, bodies and attachment names.
    Keywords,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResultArg {
    /// Mark matched emails for the Archive folder (carried out by `mailsweep apply`).
    Archive,
    /// Mark matched emails for deletion (carried out by `mailsweep apply`).
    Delete,
    /// Only list matched emails for review: nothing is ever changed.
    Review,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to search for.
    #[arg(value_enum)]
    pub kind: KindArg,

    #[command(flatten)]
    pub corpus: CorpusArgs,

    /// A value to search for (repeatable).
    #[arg(long, value_name = "VALUE")]
    pub value: Vec<String>,

    /// CSV of values: one per row (a header row is optional); for headers `key,value`.
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,

    /// Files only: a sample file to find (its SHA-256 is searched; repeatable).
    #[arg(long, value_name = "SAMPLE")]
    pub file: Vec<PathBuf>,

    /// What the manifest asks `mailsweep apply` to do with matched emails.
    #[arg(long, value_enum, default_value = "review")]
    pub result: ResultArg,

    /// Headers only: the whole decoded value must equal the value (not a substring).
    #[arg(long)]
    pub exact: bool,

    /// Keywords only: match whole words, not parts of longer words.
    #[arg(long)]
    pub whole_word: bool,

    /// Mail a plain-text summary to ADDR when the run ends (needs --smtp).
    #[arg(long, value_name = "ADDR", requires = "smtp")]
    pub notify_email: Option<String>,

    /// SMTP relay for --notify-email, as HOST:PORT (plain SMTP).
    #[arg(long, value_name = "HOST:PORT", requires = "notify_email")]
    pub smtp: Option<String>,
}

#[derive(Debug, Args)]
pub struct RescanArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,

    /// Policy (TOML): risk levels per organisation, user and sender of user; trusted
    /// Authentication-Results servers and relays; trusted contacts; allow and block
    /// lists. Without it the documented defaults apply (docs/policy.md).
    #[arg(long, value_name = "FILE.toml")]
    pub policy: Option<PathBuf>,

    /// Folder of reputation lists (addresses, domains, IPs/CIDRs, Spamhaus DROP) and
    /// ClamAV hash signatures (.hdb, .hsb). See docs/lists.md.
    #[arg(long, value_name = "DIR")]
    pub lists: Option<PathBuf>,

    /// DKIM public keys as `selector._domainkey.domain` TXT records: signatures are
    /// re-verified offline against these keys only (never DNS), expiry judged at each
    /// message's date.
    #[arg(long, value_name = "FILE")]
    pub dkim_keys: Option<PathBuf>,

    /// CSV of the organisation's people, `name,address` rows: mail under one of their
    /// names from another address, or from a domain that looks like theirs, is
    /// impersonation. See docs/impersonation.md.
    #[arg(long, value_name = "FILE.csv")]
    pub directory: Option<PathBuf>,
    /// Text classifier model (from `mailsweep train`) instead of the built-in one.
    #[arg(long, value_name = "FILE", conflicts_with = "no_classifier")]
    pub model: Option<PathBuf>,

    /// No text classifier: no spam tiers and no phishing class score; only rules
    /// (authentication, files, lists, phishing and impersonation signals, …) raise
    /// categories.
    #[arg(long)]
    pub no_classifier: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    /// Messages whose SHA-256 starts with a byte ≥ 0x55 (about two thirds).
    Train,
    /// Messages whose SHA-256 starts with a byte < 0x55.
    Test,
    All,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Ham: a message file, an mbox, or a folder of them (repeatable).
    #[arg(long, value_name = "PATH")]
    pub ham: Vec<PathBuf>,

    /// Spam: a message file, an mbox, or a folder of them (repeatable).
    #[arg(long, value_name = "PATH")]
    pub spam: Vec<PathBuf>,

    /// Phishing: a message file, an mbox, or a folder of them (repeatable).
    #[arg(long, value_name = "PATH")]
    pub phishing: Vec<PathBuf>,

    /// Labels file: lines `LABEL,PATH` or `LABEL PATH` (ham, spam or phishing; PATH
    /// relative to the file's folder); repeatable.
    #[arg(long, value_name = "FILE")]
    pub labels: Vec<PathBuf>,

    /// Which messages to learn from.
    #[arg(long, value_enum, default_value = "all")]
    pub split: SplitArg,

    /// Features kept (tokens with the highest information gain).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub features: usize,

    /// Passes of gradient descent over the messages.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub epochs: usize,

    /// L2 penalty on the weights.
    #[arg(long, value_name = "X", default_value_t = 1e-6)]
    pub l2: f64,

    /// Instead of writing a model: 3-fold cross-validation (folds by the hash's second
    /// byte), printing ham flagged and class caught per threshold over every fold.
    #[arg(long)]
    pub validate: bool,

    /// With --validate: also write every held-out message's scores as CSV (where it is,
    /// its SHA-256 as messages.parquet records it, its label, From and subject, the class
    /// probabilities, the spam score, and whether the shipped thresholds flag it): to
    /// find the messages the model gets wrong, such as a spam filed among one's ham.
    #[arg(long, value_name = "FILE", requires = "validate")]
    pub scores: Option<PathBuf>,

    /// Where to write the model.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        required_unless_present = "validate"
    )]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct XrayArgs {
    /// The message: its SHA-256 (or a prefix of 8+ hex digits) or its Message-ID.
    pub message: String,

    /// The rescan run (id, unique prefix, or directory); default: the latest rescan.
    #[arg(long, value_name = "RUN")]
    pub run: Option<String>,

    /// Audit root to read.
    #[arg(long, value_name = "DIR", default_value = "mailsweep-audit")]
    pub out: PathBuf,

    /// Print JSON on stdout (for scripts).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The run: its id, a unique prefix of it, or the run directory.
    pub run: String,

    /// Where to write the report (default: review-<run id>.html in the current directory).
    #[arg(short = 'o', long = "output", value_name = "FILE.html")]
    pub output: Option<PathBuf>,

    /// Audit root to read.
    #[arg(long, value_name = "DIR", default_value = "mailsweep-audit")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,

    /// Audit root to read.
    #[arg(
        long,
        value_name = "DIR",
        default_value = "mailsweep-audit",
        global = true
    )]
    pub out: PathBuf,

    /// Print JSON on stdout (for scripts).
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List the runs under the audit root: id, time, action, result, mailboxes, matched.
    List,
    /// Show one run's results window, read from its Parquet tables.
    Show {
        /// The run id (or a unique prefix of it), or the run directory.
        run: String,
    },
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A run directory, or a manifest (.parquet or .csv).
    #[arg(value_name = "RUN_DIR|MANIFEST")]
    pub target: PathBuf,

    /// Only print what would be done (the default without --yes).
    #[arg(long)]
    pub dry_run: bool,

    /// Act: change the mailboxes.
    #[arg(long, conflicts_with = "dry_run")]
    pub yes: bool,

    /// Evidence vault (default: vault/ in the audit root of the run).
    #[arg(long, value_name = "DIR", conflicts_with = "no_vault")]
    pub vault: Option<PathBuf>,

    /// Keep no copy of deleted or rewritten messages: undo cannot bring them back.
    #[arg(long)]
    pub no_vault: bool,

    /// Audit root, where a standalone manifest's run is found by its run_id.
    #[arg(long, value_name = "DIR", default_value = "mailsweep-audit")]
    pub out: PathBuf,

    /// Print JSON on stdout (for scripts).
    #[arg(long)]
    pub json: bool,

    /// Apply to a live server instead of the exported files: imaps://user@host[:port]
    /// (or imap://… with STARTTLS). Each message is found by Message-ID in its folder
    /// and confirmed by size and by the hash of its exported copy.
    #[arg(long, value_name = "URL")]
    pub imap: Option<String>,

    /// --imap: the environment variable holding the password (never the command line).
    #[arg(
        long,
        value_name = "VAR",
        requires = "imap",
        conflicts_with = "imap_password_file"
    )]
    pub imap_password_env: Option<String>,

    /// --imap: a file whose first line is the password.
    #[arg(long, value_name = "FILE", requires = "imap")]
    pub imap_password_file: Option<PathBuf>,

    /// --imap: trust only this CA certificate (PEM) instead of the system's.
    #[arg(long, value_name = "FILE", requires = "imap")]
    pub imap_ca: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The apply directory, or its id (apply-…, or a unique prefix).
    #[arg(value_name = "APPLY")]
    pub apply: String,

    /// Audit root to search for an apply id.
    #[arg(long, value_name = "DIR", default_value = "mailsweep-audit")]
    pub out: PathBuf,

    /// Print JSON on stdout (for scripts).
    #[arg(long)]
    pub json: bool,
}
