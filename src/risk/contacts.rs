//! Trusted contacts of a mailbox: the addresses its owner wrote to. They are read from
//! the recipients (To, Cc, Bcc) of messages in the mailbox's Sent folders and of any
//! message whose From is the owner. Pure: the pipeline hands in each message's header
//! block.

use std::collections::HashSet;

use mail_parser::parsers::MessageStream;
use mail_parser::HeaderValue;

use crate::message::headers::scan_fields;

/// The addresses an owner wrote to, lower-cased (see `policy` on case).
#[derive(Debug, Clone, Default)]
pub struct Contacts(HashSet<String>);

impl Contacts {
    pub fn contains(&self, address: &str) -> bool {
        self.0.contains(&address.to_ascii_lowercase())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds what one message says, if the owner sent it.
    pub fn extend(&mut self, addresses: Vec<String>) {
        self.0.extend(addresses);
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
) -> Vec<String> {
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
                    .any(|a| a.eq_ignore_ascii_case(owner));
            }
        }
    });
    if in_sent_folder || from_owner {
        recipients
    } else {
        Vec::new()
    }
}

fn addresses(value: &[u8]) -> Vec<String> {
    match MessageStream::new(value).parse_address() {
        HeaderValue::Address(list) => list
            .iter()
            .filter_map(|a| a.address())
            .map(str::to_ascii_lowercase)
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
        assert_eq!(got, ["bob@example.org", "c@x.net", "d@y.net", "e@z.net"]);
        assert!(recipients_if_sent(msg, Some("mallory@example.com"), false).is_empty());
        assert_eq!(recipients_if_sent(msg, None, true).len(), 4);
        assert!(recipients_if_sent(msg, None, false).is_empty());
    }
}
