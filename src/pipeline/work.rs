//! The unit of parallel work: one message slot of one mailbox, and what processing it
//! yields (a `messages` row).

use std::borrow::Cow;
use std::ops::Range;

use crate::audit::MessageRow;
use crate::corpus::{mbox, sha256_many, LoadedSource, LocatorKind, Mailbox, SourceKind};
use crate::message::date::DateFields;
use crate::message::{inventory, Inventory};
use crate::risk::contacts::Contacts;
use crate::risk::unwanted::{Filing, FolderClass, Profile};
use crate::risk::{MessageFacts, Rescanner, Verdict};
use crate::search::{Hit, Searcher};

/// One message of a mailbox: a range of one of its mbox sources, or one file source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub source: usize,
    pub range: Option<Range<usize>>,
}

/// Every message slot of a mailbox, in storage order.
pub fn slots(mailbox: &Mailbox, loaded: &[Option<LoadedSource>]) -> Vec<Slot> {
    let mut out = Vec::new();
    for (i, (source, data)) in mailbox.sources.iter().zip(loaded).enumerate() {
        match (&source.kind, data) {
            (SourceKind::MessageFile { .. }, Some(_)) => out.push(Slot {
                source: i,
                range: None,
            }),
            (_, Some(l)) => out.extend(l.ranges.iter().map(|r| Slot {
                source: i,
                range: Some(r.clone()),
            })),
            (_, None) => {}
        }
    }
    out
}

/// The stored bytes of a slot: borrowed from the mapping, or read from its file.
pub fn stored<'a>(
    mailbox: &Mailbox,
    loaded: &'a LoadedSource,
    slot: &Slot,
) -> std::io::Result<Cow<'a, [u8]>> {
    match &slot.range {
        Some(r) => Ok(Cow::Borrowed(&loaded.mapped()[r.clone()])),
        None => std::fs::read(&mailbox.sources[slot.source].path).map(Cow::Owned),
    }
}

/// One message to process: where it is and its position in the mailbox's scan order.
pub struct Job<'a> {
    pub mailbox: &'a Mailbox,
    pub loaded: &'a LoadedSource,
    pub slot: &'a Slot,
    pub ordinal: i64,
    /// The trusted contacts of the mailbox's owner (rescans only; empty otherwise).
    pub contacts: &'a Contacts,
    /// What the owner filed where (rescans of mailboxes with junk or trash only).
    pub profile: Option<&'a Profile>,
}

/// What to do with each message beyond its inventory row.
#[derive(Clone, Copy)]
pub enum Check<'a> {
    Inventory,
    Search(&'a Searcher),
    Rescan(&'a Rescanner),
}

/// A processed message: its row and, in a search, what was found in it; in a rescan,
/// its verdict.
pub struct Processed {
    pub row: MessageRow,
    pub hits: Vec<Hit>,
    pub verdict: Option<Verdict>,
}

/// Reads, hashes and parses a group of messages into their rows, in order, and runs the
/// search or the rescan on each. The group's messages are hashed together (see
/// `corpus::sha256_many`). Never fails: problems are in the rows' `parse_error`.
pub fn process_group(jobs: &[Job], check: Check) -> Vec<Processed> {
    let stored: Vec<std::io::Result<Cow<[u8]>>> = jobs
        .iter()
        .map(|j| stored(j.mailbox, j.loaded, j.slot))
        .collect();
    let readable: Vec<&[u8]> = stored.iter().flatten().map(|s| &**s).collect();
    let mut digests = sha256_many(&readable).into_iter();
    jobs.iter()
        .zip(&stored)
        .map(|(job, stored)| {
            let mut done = Processed {
                row: locator_row(job),
                hits: Vec::new(),
                verdict: None,
            };
            match stored {
                Ok(s) => {
                    let digest = digests.next().expect("one digest per readable message");
                    fill_row(&mut done, job, s, &digest, check);
                }
                Err(e) => {
                    let path = &job.mailbox.sources[job.slot.source].path;
                    done.row.parse_error = Some(format!("cannot read {}: {e}", path.display()));
                }
            }
            done
        })
        .collect()
}

/// The columns known before the message is read.
fn locator_row(job: &Job) -> MessageRow {
    let source = &job.mailbox.sources[job.slot.source];
    let (locator_kind, flags) = match &source.kind {
        SourceKind::Mbox => (LocatorKind::Mbox, None),
        SourceKind::MboxGz => (LocatorKind::MboxGz, None),
        SourceKind::MessageFile { flags } => (LocatorKind::File, flags.clone()),
    };
    MessageRow {
        mailbox: job.mailbox.id.clone(),
        folder: source.folder.clone(),
        ordinal: job.ordinal,
        locator_kind: locator_kind.as_str(),
        path: source.path.to_string_lossy().into_owned(),
        offset: job.slot.range.as_ref().map_or(0, |r| r.start as i64),
        maildir_flags: flags,
        ..MessageRow::default()
    }
}

/// The columns that come from the stored bytes, and the search's hits or the rescan's
/// verdict.
fn fill_row(done: &mut Processed, job: &Job, bytes: &[u8], digest: &[u8; 32], check: Check) {
    let row = &mut done.row;
    let mbox_quoted = job.mailbox.sources[job.slot.source].kind.is_mbox();
    row.length = bytes.len() as i64;
    row.sha256 = hex::encode(digest);
    let view = mbox::parsed_view(bytes, mbox_quoted);
    let inv = inventory(&view.bytes, view.envelope.as_ref(), job.loaded.mtime);
    row.size = view.bytes.len() as i64;
    let envelope = view.envelope.as_ref().map(|e| e.sender.as_str());
    match check {
        Check::Inventory => {}
        Check::Search(searcher) => {
            // Bodies are searched as written: `>From ` quoting undone.
            let found = searcher.search(&view.unquoted(), envelope);
            row.matched = Some(!found.hits.is_empty());
            row.decode_problems = Some(found.problems);
            done.hits = found.hits;
        }
        Check::Rescan(rescanner) => {
            let assessment = rescanner.assess(&MessageFacts {
                bytes: &view.unquoted(),
                owner: job.mailbox.owner.as_deref(),
                from: inv.from_address.as_deref(),
                from_name: inv.from_name.as_deref(),
                subject: inv.subject.as_deref(),
                envelope_sender: envelope,
                recipients: inv.to.len() + inv.cc.len(),
                may_have_files: !inv.attachments.is_empty() || inv.may_have_parts,
                date: inv.date,
                contacts: job.contacts,
                filing: Filing {
                    profile: job.profile,
                    folder: FolderClass::of(&job.mailbox.sources[job.slot.source].folder),
                },
            });
            let v = &assessment.verdict;
            row.decode_problems = Some(assessment.problems);
            row.risk_level = v.level.map(|l| l.as_str());
            row.disposition = Some(v.disposition.as_str());
            row.categories = Some(v.raised.iter().map(|r| r.category.as_str()).collect());
            row.sender_trusted = Some(v.sender_trusted);
            done.verdict = Some(assessment.verdict);
        }
    }
    row.envelope_sender = view.envelope.map(|e| e.sender);
    fill_inventory(row, inv);
}

fn fill_inventory(row: &mut MessageRow, inv: Inventory) {
    row.message_id = inv.message_id;
    row.date = inv.date;
    row.date_source = inv.date_source.map(|d| d.as_str());
    row.from_address = inv.from_address;
    row.from_name = inv.from_name;
    row.to = inv.to;
    row.cc = inv.cc;
    row.subject = inv.subject;
    (row.attachment_names, row.attachment_types) = inv
        .attachments
        .into_iter()
        .map(|a| (a.name, a.content_type))
        .unzip();
    row.parse_error = inv.parse_error;
}

/// The date `--limit` orders by, read from the header block only (no full parse).
pub fn probe_date(mailbox: &Mailbox, loaded: &LoadedSource, slot: &Slot) -> Option<i64> {
    let stored = stored(mailbox, loaded, slot).ok()?;
    let view = mbox::parsed_view(&stored, mailbox.sources[slot.source].kind.is_mbox());
    DateFields::scan(&view.bytes)
        .resolve(view.envelope.as_ref(), loaded.mtime)
        .map(|d| d.0)
}
