//! Errors of the apply layer. A row that cannot be acted on is not an error: it is an
//! outcome (`skipped` or `failed`) in the journal; these are what stops a whole apply.

use std::path::PathBuf;

use crate::audit::AuditError;

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The manifest cannot be used; nothing was changed.
    #[error("{path}: malformed manifest: {what}")]
    Manifest { path: PathBuf, what: String },
    /// Bad arguments: no such apply, nothing to undo, …; nothing was changed.
    #[error("{0}")]
    Usage(String),
    #[error("{path}: journal: {what}")]
    Journal { path: PathBuf, what: String },
    #[error("{path}: {what}")]
    Locked { path: PathBuf, what: String },
    /// The IMAP session broke (connection, login, TLS): rows after it were not tried.
    #[error("IMAP: {0}")]
    Imap(String),
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// A closure that wraps an `io::Error` with the path it happened on.
pub(crate) fn io_at(path: &std::path::Path) -> impl Fn(std::io::Error) -> ApplyError + '_ {
    move |source| ApplyError::Io {
        path: path.to_path_buf(),
        source,
    }
}
