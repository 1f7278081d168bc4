//! IMAP: applying an action manifest to a live mailbox (`mailsweep apply … --imap
//! imaps://user@host[:port]`), the server-side twin of the local apply.
//!
//! ```ignore
//! let target = ImapTarget::parse("imaps://ir@mail.corp", &PasswordSource::Env("IMAP_PASSWORD".into()), ca)?;
//! let mut session = Session::connect(&target)?;          // TLS, LOGIN, CAPABILITY
//! for row in rows {
//!     journal.intent(&row)?;                              // the caller's write-ahead record
//!     let outcome = apply_row(&mut session, &row, dry_run)?;
//!     journal.result(&row, &outcome)?;
//! }
//! session.logout();
//! ```
//! [`apply_rows`] does the loop for callers that journal afterwards; one row at a time
//! lets the journal record each change before the next one is made.
//!
//! The files: `target.rs` (URL, password source, TLS trust), `conn.rs` (the wire:
//! TLS/STARTTLS, tagged commands, literals), `parse.rs` (the untagged answers),
//! `utf7.rs` (mailbox names), `session.rs` (the commands), `confirm.rs` (is this server
//! copy the manifest's message), `apply.rs` (one row: find, confirm, act, check).
//!
//! Why a client of our own (under 1,000 lines with tests) and not a crate: `imap` 2.x is tied to
//! native-tls and nom 5 and its 3.0 has been alpha for years; `async-imap` needs an
//! async runtime. We need ten commands, synchronous, with literal handling and strict
//! TLS; rustls (ring provider, already built for DKIM) does the TLS.

mod apply;
mod confirm;
mod conn;
mod error;
mod parse;
mod session;
mod target;
mod utf7;

pub use apply::{apply_row, Action, ImapOutcome, ImapRow};
pub use confirm::Fingerprint;
pub use error::ImapError;
pub use session::Session;
pub use target::{ImapTarget, PasswordSource};

/// Connects, applies every row in order, logs out. A broken session (`Err`) loses the
/// outcomes gathered so far: callers that journal should use [`apply_row`] themselves.
pub fn apply_rows(
    target: &ImapTarget,
    rows: &[ImapRow],
    dry_run: bool,
) -> Result<Vec<ImapOutcome>, ImapError> {
    let mut session = Session::connect(target)?;
    let outcomes = rows
        .iter()
        .map(|row| apply_row(&mut session, row, dry_run))
        .collect::<Result<Vec<_>, _>>()?;
    session.logout();
    Ok(outcomes)
}
