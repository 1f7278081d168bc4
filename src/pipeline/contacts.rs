//! Before a rescan: each mailbox's trusted contacts, the addresses its owner wrote to,
//! read from the header blocks of every message of the mailbox (not only the `--limit`
//! newest: who the owner knows does not depend on what is scanned).

use rayon::prelude::*;

use super::work::{slots, stored};
use super::{MailboxWork, Progress};
use crate::corpus::mbox;
use crate::risk::contacts::{is_sent_folder, recipients_if_sent, Contacts};

pub fn gather(work: &mut [MailboxWork], progress: &dyn Progress) {
    let all: Vec<_> = work.iter().map(|w| slots(&w.mailbox, &w.loaded)).collect();
    progress.start(
        "reading trusted contacts",
        all.iter().map(Vec::len).sum::<usize>() as u64,
    );
    for (w, slots) in work.iter_mut().zip(all) {
        let mailbox = &w.mailbox;
        let owner = mailbox.owner.as_deref();
        let found: Vec<Vec<String>> = slots
            .par_iter()
            .map(|slot| {
                progress.advance(1);
                let source = &mailbox.sources[slot.source];
                let in_sent = is_sent_folder(&source.folder);
                if owner.is_none() && !in_sent {
                    return Vec::new();
                }
                let loaded = w.loaded[slot.source]
                    .as_ref()
                    .expect("slots only list loaded sources");
                // An unreadable message is reported by the scan itself.
                let Ok(bytes) = stored(mailbox, loaded, slot) else {
                    return Vec::new();
                };
                let view = mbox::parsed_view(&bytes, source.kind.is_mbox());
                recipients_if_sent(&view.bytes, owner, in_sent)
            })
            .collect();
        let mut contacts = Contacts::default();
        for addresses in found {
            contacts.extend(addresses);
        }
        w.contacts = contacts;
    }
}
