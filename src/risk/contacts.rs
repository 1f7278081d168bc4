//! Trusted contacts of a mailbox: the addresses its owner wrote to. They are read from
//! the recipients (To, Cc, Bcc) of messages in the mailbox's Sent folders and of any
//! message whose From is the owner. Pure: the pipeline hands in each message's header
//! block.

use std::collections::HashSet;

use mail_parser::parsers::MessageStream;
use mail_parser::HeaderValue;

use super::impersonation::Known;
use crate::message::headers::scan_fields;

/// The addresses an owner wrote to, lower-cased (see `policy` on case), and the
/// display names the owner wrote them under (impostors copy those).
#[derive(Debug, Clone, Default)]
pub struct Contacts {
    addresses: HashSet<String>,
    known: Known,
}

/// A recipient of a message the owner sent: its address (lower-cased) and display
/// name.
pub type Recipient = (String, Option<String>);

impl Contacts {
    pub fn contains(&self, address: &str) -> bool {
        self.addresses.contains(&address.to_ascii_lowercase())
    }

    pub fn len(&self) -> usize {
        self.addresses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }

    /// The contacts' names and domains, as impersonation compares them.
    pub fn known(&self) -> &Known {
        &self.known
    }

    /// Adds what one message says, if the owner sent it.
    pub fn extend(&mut self, recipients: Vec<Recipient>) {
        for (address, name) in recipients {
            self.known.add(&address, name.as_deref());
            self.addresses.insert(address);
        }
    }
}

/// Whether a folder holds what the owner sent: `Sent`, `Sent Items`, `Sent Mail`,
/// `sent_items` (Enron), `[Gmail]/Sent Mail`, `INBOX.Sent`, and common translations.
/// The last component of the folder path decides.
pub fn is_sent_folder(folder: &str) -> bool {
    let last = folder
        .rsplit(['/', '.', '\\'])
        .next()
        .unwrap_or(folder)
        .trim_matches(|c: char| c == '_' || c.is_whitespace());
    let words: String = last
        .chars()
        .map(|c| if matches!(c, '_' | '-') { ' ' } else { c })
        .collect::<String>()
        .to_lowercase();
    let first = words.split_whitespace().next().unwrap_or("");
    matches!(
        first,
        "sent"
            | "gesendet"
            | "gesendete"
            | "envoyés"
            | "envoyes"
            | "enviados"
            | "inviata"
            | "verzonden"
    ) || words == "elementos enviados"
        || words == "posta inviata"
        || words == "éléments envoyés"
}

/// The recipients of a message the owner sent: those of every message of a Sent
/// folder, and of a message from `owner` anywhere. Empty for other messages.
pub fn recipients_if_sent(
    header_block: &[u8],
    owner: Option<&str>,
    in_sent_folder: bool,
) -> Vec<Recipient> {
    let mut recipients = Vec::new();
    let mut from_owner = false;
    scan_fields(header_block, |name, value| {
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        if is("to") || is("cc") || is("bcc") {
            recipients.extend(addresses(value));
        } else if is("from") {
            if let Some(owner) = owner {
                from_owner |= addresses(value)
                    .iter()
                    .any(|(a, _)| a.eq_ignore_ascii_case(owner));
            }
        }
    });
    if in_sent_folder || from_owner {
        recipients
    } else {
        Vec::new()
    }
}

fn addresses(value: &[u8]) -> Vec<Recipient> {
    match MessageStream::new(value).parse_address() {
        HeaderValue::Address(list) => list
            .iter()
            .filter_map(|a| {
                let address = a.address()?.to_ascii_lowercase();
                Some((address, a.name().map(str::to_string)))
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_folders_by_name() {
        for f in [
            "Sent",
            "Sent Items",
            "sent_items",
            "_sent_mail",
            "[Gmail]/Sent Mail",
            "INBOX.Sent",
            "Gesendete Objekte",
            "Elementos enviados",
        ] {
            assert!(is_sent_folder(f), "{f}");
        }
        for f in [
            "INBOX",
            "Sentinel",
            "Consent forms",
            "Drafts",
            "Outbox",
            "presentations",
        ] {
            assert!(!is_sent_folder(f), "{f}");
        }
    }

    #[test]
    fn recipients_of_mail_the_owner_sent() {
        let msg = b"From: Alice <ALICE@example.com>\nTo: Bob <Bob@Example.org>, c@x.net\nCc: d@y.net\nBcc: e@z.net\n\nhi";
        let got = recipients_if_sent(msg, Some("alice@example.com"), false);
        let addresses: Vec<&str> = got.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(
            addresses,
            ["bob@example.org", "c@x.net", "d@y.net", "e@z.net"]
        );
        assert_eq!(got[0].1.as_deref(), Some("Bob"));
        let mut contacts = Contacts::default();
        contacts.extend(got);
        assert!(contacts.contains("BOB@example.org"));
        assert_eq!(contacts.known().named("bob"), [] as [String; 0]); // one word: no key
        assert!(contacts.known().domains().contains("y.net"));
        assert!(recipients_if_sent(msg, Some("mallory@example.com"), false).is_empty());
        assert_eq!(recipients_if_sent(msg, None, true).len(), 4);
        assert!(recipients_if_sent(msg, None, false).is_empty());
    }
}
