//! One manifest row applied over IMAP: find, confirm, act, check, report.
//!
//! 1. `review` rows are left alone (Skipped): they are for a person.
//! 2. The row's folder is selected (EXAMINE in a dry run, so nothing can change).
//!    A folder the server lacks: Skipped.
//! 3. `UID SEARCH HEADER Message-ID "<id>"`; no Message-ID in the manifest: Skipped.
//! 4. Every candidate is fetched (`UID FETCH (UID RFC822.SIZE BODY.PEEK[])`) and
//!    confirmed: `RFC822.SIZE` equal to the bytes sent, and the [`Fingerprint`] matching
//!    (see `confirm.rs`). Of several confirmed copies (true duplicates) the lowest UID is
//!    taken; a second row for the same bytes then finds the next one.
//! 5. Nothing confirmed in the folder: for archive/jail/junk the destination is searched
//!    the same way, and a confirmed copy there is [`ImapOutcome::AlreadyApplied`] (the
//!    idempotent re-run); otherwise Skipped "not found" or "no copy matches" (the message
//!    changed). A deleted message cannot be told from one never there: a re-run of a
//!    delete says Skipped "not found".
//! 6. archive/jail/junk: the destination (`Archive`, `Jail`, `Junk`) is created when
//!    missing; `UID MOVE` when the server has MOVE, else `UID COPY` + `\Deleted` +
//!    `UID EXPUNGE` of that UID. delete: `\Deleted` + `UID EXPUNGE` of that UID. Both
//!    removals need UIDPLUS: a plain EXPUNGE would also remove every other message
//!    someone flagged `\Deleted`, so without UIDPLUS the row Fails before anything is
//!    changed.
//! 7. The source is searched for the UID again: still there means Failed.

use super::confirm::Fingerprint;
use super::error::ImapError;
use super::session::{Refused, Session};

/// What a manifest row asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Archive,
    Delete,
    Jail,
    Junk,
    Review,
}

impl Action {
    /// The manifest's `action` column; None for anything else.
    pub fn from_manifest(action: &str) -> Option<Action> {
        Some(match action {
            "archive" => Action::Archive,
            "delete" => Action::Delete,
            "jail" => Action::Jail,
            "junk" => Action::Junk,
            "review" => Action::Review,
            _ => return None,
        })
    }

    /// The mailbox a moving action puts the message in.
    pub fn destination(self) -> Option<&'static str> {
        match self {
            Action::Archive => Some("Archive"),
            Action::Jail => Some("Jail"),
            Action::Junk => Some("Junk"),
            Action::Delete | Action::Review => None,
        }
    }
}

/// One manifest row, as the IMAP side needs it.
#[derive(Debug, Clone)]
pub struct ImapRow<'a> {
    /// The mailbox folder as the manifest writes it (`INBOX`, `A/B`).
    pub folder: &'a str,
    pub message_id: Option<&'a str>,
    /// How a server copy is confirmed: [`Fingerprint::from_manifest`] or
    /// [`Fingerprint::from_stored`].
    pub fingerprint: Fingerprint,
    pub action: Action,
}

/// What happened to one row. `went_to` is the destination mailbox or `deleted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImapOutcome {
    /// Done. `uid` in the source folder under `uidvalidity`; `new_uid` in the destination
    /// when the server reported it (COPYUID).
    Applied {
        went_to: String,
        uid: u32,
        uidvalidity: u32,
        new_uid: Option<u32>,
    },
    /// Dry run: found and confirmed, nothing changed.
    WouldApply {
        went_to: String,
        uid: u32,
        uidvalidity: u32,
    },
    /// Not in the source folder but confirmed in the destination, as `uid` there.
    AlreadyApplied { went_to: String, uid: u32 },
    /// Nothing done, nothing wrong with the server: not found, no matching copy, review.
    Skipped { reason: String },
    /// The server refused something, or the check after the change failed.
    Failed { reason: String },
}

fn skipped(reason: impl Into<String>) -> ImapOutcome {
    ImapOutcome::Skipped {
        reason: reason.into(),
    }
}

fn failed(what: &str, refused: Refused) -> ImapOutcome {
    ImapOutcome::Failed {
        reason: format!("{what}: {}", refused.0),
    }
}

/// `?` for a command's refusal inside [`apply_row`]: the row Fails with it.
macro_rules! or_fail {
    ($result:expr, $what:expr) => {
        match $result? {
            Ok(v) => v,
            Err(refused) => return Ok(failed(&$what, refused)),
        }
    };
}

/// A confirmed copy: its UID and the mailbox's UIDVALIDITY.
struct Found {
    uid: u32,
    uidvalidity: u32,
}

enum Search {
    Found(Found),
    /// Candidates with the Message-ID, none confirmed.
    NoMatch(usize),
    NotFound,
    NoMailbox,
}

/// Finds the row's message in `wire` (a wire mailbox name).
fn find(
    session: &mut Session,
    wire: &str,
    message_id: &str,
    fingerprint: &Fingerprint,
    read_only: bool,
) -> Result<Result<Search, Refused>, ImapError> {
    let uidvalidity = match session.select(wire, read_only)? {
        Ok(v) => v,
        Err(_) if !session.exists(wire)? => return Ok(Ok(Search::NoMailbox)),
        Err(refused) => return Ok(Err(refused)),
    };
    let uids = match session.search_message_id(message_id)? {
        Ok(uids) => uids,
        Err(refused) => return Ok(Err(refused)),
    };
    if uids.is_empty() {
        return Ok(Ok(Search::NotFound));
    }
    let fetched = match session.fetch(&uids)? {
        Ok(f) => f,
        Err(refused) => return Ok(Err(refused)),
    };
    let mut confirmed: Vec<u32> = fetched
        .iter()
        .filter_map(|f| {
            let body = f.body.as_deref()?;
            let size_ok = f.size == Some(body.len() as u64);
            (size_ok && fingerprint.matches(body)).then_some(f.uid?)
        })
        .collect();
    confirmed.sort_unstable();
    Ok(Ok(match confirmed.first() {
        Some(&uid) => Search::Found(Found { uid, uidvalidity }),
        None => Search::NoMatch(uids.len()),
    }))
}

/// Applies one row (see the module doc). `Err` only when the session itself is broken.
pub fn apply_row(
    session: &mut Session,
    row: &ImapRow,
    dry_run: bool,
) -> Result<ImapOutcome, ImapError> {
    if row.action == Action::Review {
        return Ok(skipped("review: left for a person"));
    }
    let Some(message_id) = row.message_id.filter(|m| !m.trim().is_empty()) else {
        return Ok(skipped(
            "no Message-ID in the manifest: cannot be found over IMAP",
        ));
    };
    if row.fingerprint.is_empty() {
        return Ok(skipped(
            "an mbox message cannot be confirmed from the manifest's hash alone (give the stored bytes)",
        ));
    }
    let source = session.wire_name(row.folder);
    let destination = row.action.destination().map(|d| session.wire_name(d));
    if destination.as_deref() == Some(source.as_str()) {
        return Ok(skipped(format!("already in {}", row.folder)));
    }
    let went_to = row.action.destination().unwrap_or("deleted").to_string();
    let found = match or_fail!(find(session, &source, message_id, &row.fingerprint, dry_run), format!("searching {}", row.folder)) {
        Search::Found(found) => found,
        Search::NoMailbox => return Ok(skipped(format!("no folder {} on the server", row.folder))),
        Search::NoMatch(n) => {
            return Ok(skipped(format!(
                "{n} message(s) with this Message-ID in {}, none matches the manifest's hash (changed?)",
                row.folder
            )))
        }
        Search::NotFound => {
            if let Some(dest) = &destination {
                if let Ok(Search::Found(there)) = find(session, dest, message_id, &row.fingerprint, true)? {
                    return Ok(ImapOutcome::AlreadyApplied { went_to, uid: there.uid });
                }
            }
            return Ok(skipped(format!("not found in {}", row.folder)));
        }
    };
    let can_remove_one = session.has("UIDPLUS") || (destination.is_some() && session.has("MOVE"));
    if !can_remove_one {
        return Ok(ImapOutcome::Failed {
            reason: "the server lacks UIDPLUS: removing one message would expunge every \\Deleted message in the folder".into(),
        });
    }
    if dry_run {
        return Ok(ImapOutcome::WouldApply {
            went_to,
            uid: found.uid,
            uidvalidity: found.uidvalidity,
        });
    }
    let new_uid = match &destination {
        Some(dest) => {
            if !session.exists(dest)? {
                or_fail!(session.create(dest), format!("creating {went_to}"));
            }
            // CREATE and LIST leave the selection alone; select again only if needed.
            or_fail!(
                session.select(&source, false),
                format!("selecting {}", row.folder)
            );
            if session.has("MOVE") {
                or_fail!(
                    session.uid_move(found.uid, dest),
                    format!("moving to {went_to}")
                )
            } else {
                let new_uid = or_fail!(
                    session.uid_copy(found.uid, dest),
                    format!("copying to {went_to}")
                );
                or_fail!(
                    session.delete_uid(found.uid),
                    format!("removing from {} after the copy", row.folder)
                );
                new_uid
            }
        }
        None => {
            or_fail!(session.delete_uid(found.uid), "deleting");
            None
        }
    };
    if or_fail!(session.holds(found.uid), "checking the source folder") {
        return Ok(ImapOutcome::Failed {
            reason: format!(
                "UID {} is still in {} after the change",
                found.uid, row.folder
            ),
        });
    }
    Ok(ImapOutcome::Applied {
        went_to,
        uid: found.uid,
        uidvalidity: found.uidvalidity,
        new_uid,
    })
}
