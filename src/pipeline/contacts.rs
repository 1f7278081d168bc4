//! Before a rescan, one pass over the header blocks of every message of each mailbox
//! (not only the `--limit` newest: what the owner knows and did does not depend on what
//! is scanned): its trusted contacts, the addresses (and names) its owner wrote to; and,
//! when the mailbox has a Junk or Trash folder, its filing profile, what the owner
//! moved there and what they kept (see `risk::unwanted`).

use rayon::prelude::*;

use super::work::{slots, stored};
use super::{MailboxWork, Progress};
use crate::corpus::mbox;
use crate::risk::contacts::{is_sent_folder, recipients_if_sent, Contacts, Recipient};
use crate::risk::unwanted::{Features, FolderClass, Profile};

pub fn gather(work: &mut [MailboxWork], progress: &dyn Progress) {
    let all: Vec<_> = work.iter().map(|w| slots(&w.mailbox, &w.loaded)).collect();
    progress.start(
        "reading trusted contacts and filing habits",
        all.iter().map(Vec::len).sum::<usize>() as u64,
    );
    for (w, slots) in work.iter_mut().zip(all) {
        let mailbox = &w.mailbox;
        let owner = mailbox.owner.as_deref();
        let classes: Vec<FolderClass> = mailbox
            .sources
            .iter()
            .map(|s| FolderClass::of(&s.folder))
            .collect();
        // Without a Junk or Trash folder every message is kept: nothing to learn.
        let learns = classes
            .iter()
            .any(|c| matches!(c, FolderClass::Junk | FolderClass::Trash));
        type Found = (Vec<Recipient>, Option<(FolderClass, Features)>);
        let found: Vec<Found> = slots
            .par_iter()
            .map(|slot| {
                progress.advance(1);
                let source = &mailbox.sources[slot.source];
                let in_sent = is_sent_folder(&source.folder);
                if owner.is_none() && !in_sent && !learns {
                    return (Vec::new(), None);
                }
                let loaded = w.loaded[slot.source]
                    .as_ref()
                    .expect("slots only list loaded sources");
                // An unreadable message is reported by the scan itself.
                let Ok(bytes) = stored(mailbox, loaded, slot) else {
                    return (Vec::new(), None);
                };
                let view = mbox::parsed_view(&bytes, source.kind.is_mbox());
                let class = classes[slot.source];
                let filed = (learns && class != FolderClass::Own)
                    .then(|| (class, Features::of_header(&view.bytes)));
                (recipients_if_sent(&view.bytes, owner, in_sent), filed)
            })
            .collect();
        let mut contacts = Contacts::default();
        let mut profile = Profile::default();
        for (recipients, filed) in found {
            contacts.extend(recipients);
            if let Some((class, features)) = filed {
                profile.learn(class, &features);
            }
        }
        w.contacts = contacts;
        w.profile = (!profile.is_empty()).then_some(profile);
    }
}
