//! The IMAP layer's error: what stops a whole session (a bad target, no connection, a
//! refused login, a broken or hostile server). What goes wrong with one message is not an
//! error but an [`ImapOutcome`](super::ImapOutcome) (`Skipped` or `Failed`), so a run
//! goes on to the next message and the journal records both.
//!
//! No variant ever carries the password: LOGIN's arguments are never put in a message.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("bad IMAP target: {0}")]
    Target(String),
    #[error("IMAP password: {0}")]
    Password(String),
    #[error("reading the CA file {}: {source}", path.display())]
    CaFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the CA file {} holds no PEM certificate", .0.display())]
    CaFileEmpty(PathBuf),
    #[error("TLS set-up: {0}")]
    Tls(#[from] rustls::Error),
    #[error("connecting to {addr}: {source}")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("IMAP connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("the IMAP server broke the protocol: {0}")]
    Protocol(String),
    #[error("the IMAP server closed the session: {0}")]
    Bye(String),
    #[error("the IMAP server offers no STARTTLS on an imap:// URL; use imaps:// (plain-text login is never sent)")]
    NoStartTls,
    #[error("IMAP login refused: {0}")]
    Login(String),
}
