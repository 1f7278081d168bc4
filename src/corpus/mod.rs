//! Corpus: everything about *where* messages live. Finds the mailboxes inside the paths a
//! responder gives us, maps or reads their files, splits mbox files into messages and
//! names each message by a [`Locator`] plus the SHA-256 of its stored bytes.
//!
//! Nothing here parses a message beyond the mbox `From ` line; that is `message`'s job.

mod discover;
mod error;
mod gzip;
pub mod maildir;
pub mod mbox;
mod owners;
mod sha256_lanes;
mod source;

pub use discover::{discover, DiscoverOptions};
pub use error::CorpusError;
pub use owners::{infer_owner, load_owner_map, OwnerMap};
pub use sha256_lanes::sha256_many;
pub use source::LoadedSource;

use std::path::PathBuf;

/// How a mailbox is stored on disk. Written to `mailboxes.parquet` as [`Self::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MailboxFormat {
    /// One mbox file (mboxo/mboxrd; LF, CRLF or CR line endings).
    Mbox,
    /// One gzip-compressed mbox file.
    MboxGz,
    /// A Maildir or Maildir++ tree (`cur/`, `new/`, `.Sub.Folder/`).
    Maildir,
    /// A tree of one-message files (`.eml`, Enron `<n>.`, files without extension).
    Eml,
    /// A Thunderbird local-folders store: mbox files with `.msf` indexes and `.sbd/` subfolders.
    Thunderbird,
    /// An Apple Mail export bundle: a `Name.mbox/` directory holding an `mbox` file.
    AppleMbox,
}

impl MailboxFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mbox => "mbox",
            Self::MboxGz => "mbox.gz",
            Self::Maildir => "maildir",
            Self::Eml => "eml",
            Self::Thunderbird => "thunderbird",
            Self::AppleMbox => "apple-mbox",
        }
    }
}

/// How one file of a mailbox holds its messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// An mbox file: many messages, split on strict `From ` lines.
    Mbox,
    /// A gzip-compressed mbox, decompressed as a stream before splitting.
    MboxGz,
    /// A file holding exactly one message; Maildir flags when the name carries them.
    MessageFile { flags: Option<String> },
}

impl SourceKind {
    /// Whether the source is an mbox (plain or gzip), whose messages end with a
    /// separator line and may have `>From `-quoted body lines.
    pub fn is_mbox(&self) -> bool {
        !matches!(self, Self::MessageFile { .. })
    }
}

/// One file of a mailbox, in one named folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub folder: String,
    pub path: PathBuf,
    pub kind: SourceKind,
}

/// A mailbox found in the corpus: the unit the seed's "select mailboxes" step works on.
#[derive(Debug, Clone)]
pub struct Mailbox {
    /// Its path relative to the command-line argument it was found under (the argument's
    /// own name when the argument is the mailbox). Unique within a run.
    pub id: String,
    /// The mailbox owner's address, from `--mailboxes` or inferred from the name.
    pub owner: Option<String>,
    pub format: MailboxFormat,
    /// The path on disk: the command-line argument joined with the path below it.
    pub path: PathBuf,
    /// Folder names, in discovery order, including folders that hold no message.
    pub folders: Vec<String>,
    /// Files holding messages, sorted by folder then path (the storage order).
    pub sources: Vec<Source>,
    /// Problems met while discovering this mailbox (unreadable directories, …).
    pub errors: Vec<String>,
}

/// Where a message's stored bytes are: the key later steps use to find and verify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocatorKind {
    /// A byte range of an mbox file.
    Mbox,
    /// A byte range of the decompressed stream of a gzip mbox file.
    MboxGz,
    /// A whole file.
    File,
}

impl LocatorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mbox => "mbox",
            Self::MboxGz => "mbox.gz",
            Self::File => "file",
        }
    }
}
