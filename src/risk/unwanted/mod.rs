//! Unwanted: mail like what this mailbox's owner threw out. Learned per mailbox, before
//! the rescan, from the owner's own folders (`folders`: Junk/Spam/Bulk, Trash/Deleted,
//! the owner's own Sent/Drafts, and kept: everything else), counting per sender
//! address, sender domain, List-Id and subject word where the owner filed each message
//! (`profile`). A message is judged against the other messages of its mailbox: its own
//! filing is left out, so a message in Junk is not unwanted merely for being there.
//!
//! Rules (category when it fires); none fires for the owner or a trusted contact:
//! - `unwanted.sender_junked`: the owner moved mail from this address to Junk and kept
//!   none → Unwanted; moved 2+ to Junk and at least twice as many as they kept (mail
//!   still waiting in the INBOX counts as kept) → Possible unwanted.
//! - `unwanted.list_junked`: mail of this List-Id went to Junk, none kept → Unwanted.
//! - `unwanted.sender_deleted`: 3+ messages from this address went to Trash, none was
//!   kept or junked → Possible unwanted (deleting is also what one does with read mail).
//! - `unwanted.domain_junked`: the sender's domain (not free mail, not the owner's)
//!   went to Junk 2+ times and at least 3 times as often as it was kept → Possible
//!   unwanted.
//! - `unwanted.subject_like_junk`: 2+ of the subject's words, and at least half of
//!   them, are junk words of this mailbox (seen in Junk 2+ times, at 4+ times their
//!   rate in kept mail, a word never kept counting as half a kept message) → Possible
//!   unwanted.

mod folders;
mod profile;

pub use folders::FolderClass;
pub use profile::{Features, Profile, Votes};

use super::content::Content;
use super::impersonation::{is_free_mail, related};
use super::{Category, Evidence};

/// A mailbox's filing habits and where the message being judged is filed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filing<'a> {
    /// `None` before any learning (a search, or a mailbox without junk or trash).
    pub profile: Option<&'a Profile>,
    pub folder: FolderClass,
}

pub fn wants(name: &str) -> bool {
    name.eq_ignore_ascii_case("list-id")
}

pub fn check(content: &Content, out: &mut Vec<Evidence>) {
    let filing = content.filing;
    let Some(profile) = filing.profile.filter(|p| !p.is_empty()) else {
        return;
    };
    let list_id = content
        .decoded
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("list-id"))
        .map(|h| h.value.as_str());
    let f = Features::new(content.from, content.subject, list_id);
    let Some(from) = f.from.as_deref() else {
        return;
    };
    let owner = content.owner.map(str::to_lowercase);
    if owner.as_deref() == Some(from) || content.contacts.contains(from) {
        return;
    }
    let class = filing.folder;
    let votes = |map: &std::collections::HashMap<String, Votes>, key: &str| {
        map.get(key).map_or(Votes::default(), |v| v.without(class))
    };

    let sender = votes(&profile.senders, from);
    if sender.junk >= 1 && sender.kept == 0 {
        out.push(Evidence::raise(
            Category::Unwanted,
            "unwanted.sender_junked",
            format!(
                "the owner moved {} other message(s) from {from:?} to Junk and kept none",
                sender.junk
            ),
        ));
        return;
    }
    if sender.junk >= 2 && sender.junk >= 2 * sender.kept {
        out.push(possible(
            "unwanted.sender_junked",
            format!(
                "the owner moved {} other message(s) from {from:?} to Junk, kept {}",
                sender.junk, sender.kept
            ),
            0.6,
        ));
        return;
    }
    if let Some(id) = f.list_id.as_deref() {
        let list = votes(&profile.lists, id);
        if list.junk >= 1 && list.kept == 0 {
            out.push(Evidence::raise(
                Category::Unwanted,
                "unwanted.list_junked",
                format!(
                    "the owner moved {} other message(s) of list {id:?} to Junk and kept none",
                    list.junk
                ),
            ));
            return;
        }
    }
    if sender.trash >= 3 && sender.kept == 0 && sender.junk == 0 {
        out.push(possible(
            "unwanted.sender_deleted",
            format!(
                "the owner deleted {} other message(s) from {from:?} and kept none",
                sender.trash
            ),
            0.5,
        ));
        return;
    }
    if let Some(domain) = f.domain() {
        let own = owner
            .as_deref()
            .and_then(|o| o.rsplit_once('@'))
            .is_some_and(|(_, d)| related(d, domain));
        let d = votes(&profile.domains, domain);
        if !own && !is_free_mail(domain) && d.junk >= 2 && d.junk >= 3 * d.kept {
            out.push(possible(
                "unwanted.domain_junked",
                format!(
                    "the owner moved {} other message(s) from domain {domain:?} to Junk, kept {}",
                    d.junk, d.kept
                ),
                0.6,
            ));
            return;
        }
    }
    subject_like_junk(profile, class, &f, out);
}

fn possible(rule: &'static str, detail: String, score: f32) -> Evidence {
    Evidence {
        score,
        ..Evidence::raise(Category::PossibleUnwanted, rule, detail)
    }
}

/// `unwanted.subject_like_junk`.
fn subject_like_junk(profile: &Profile, class: FolderClass, f: &Features, out: &mut Vec<Evidence>) {
    let totals = profile.totals.without(class);
    if totals.junk == 0 || f.words.len() < 2 {
        return;
    }
    let (junk_total, kept_total) = (totals.junk as f64, totals.kept as f64);
    let junky: Vec<&str> = f
        .words
        .iter()
        .filter(|w| {
            let v = profile
                .words
                .get(*w)
                .map_or(Votes::default(), |v| v.without(class));
            // Smoothed: a word never kept is still compared with half a kept message.
            v.junk >= 2
                && v.junk as f64 / junk_total >= 4.0 * (v.kept as f64 + 0.5) / (kept_total + 1.0)
        })
        .map(String::as_str)
        .collect();
    if junky.len() >= 2 && junky.len() * 2 >= f.words.len() {
        out.push(possible(
            "unwanted.subject_like_junk",
            format!(
                "{} of {} subject words are this mailbox's junk words: {:?}",
                junky.len(),
                f.words.len(),
                junky.iter().take(4).collect::<Vec<_>>()
            ),
            0.4,
        ));
    }
}
