//! What a mailbox's owner filed where: per sender address, sender domain, List-Id and
//! subject word, how many messages went to Junk, to Trash and were kept. Learned before
//! the rescan from every message's header block (From, Subject, List-Id are enough:
//! the owner decided from what the message list shows).

use std::collections::HashMap;

use mail_parser::parsers::MessageStream;
use mail_parser::HeaderValue;

use super::FolderClass;
use crate::message::headers::scan_fields;

/// Subject words counted per message, at most: bounds the work on hostile subjects.
const MAX_WORDS: usize = 16;

/// Messages filed in each class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Votes {
    pub junk: u32,
    pub trash: u32,
    pub kept: u32,
}

impl Votes {
    fn add(&mut self, class: FolderClass, n: i64) {
        let slot = match class {
            FolderClass::Junk => &mut self.junk,
            FolderClass::Trash => &mut self.trash,
            FolderClass::Kept => &mut self.kept,
            FolderClass::Own => return,
        };
        *slot = (*slot as i64 + n).max(0) as u32;
    }

    /// These votes without one message filed in `class` (the message being judged).
    pub fn without(mut self, class: FolderClass) -> Votes {
        self.add(class, -1);
        self
    }
}

/// What one message shows in a message list, as the owner filed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// From address, lower-cased.
    pub from: Option<String>,
    pub list_id: Option<String>,
    /// Distinct subject words, lower-cased.
    pub words: Vec<String>,
}

impl Features {
    /// From the header block (the pre-pass), decoded as the inventory decodes them.
    pub fn of_header(block: &[u8]) -> Features {
        let (mut from, mut subject, mut list_id) = (None, None, None);
        scan_fields(block, |name, value| {
            let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
            if from.is_none() && is("from") {
                if let HeaderValue::Address(list) = MessageStream::new(value).parse_address() {
                    from = list.iter().find_map(|a| a.address().map(str::to_string));
                }
            } else if subject.is_none() && is("subject") {
                subject = MessageStream::new(value)
                    .parse_unstructured()
                    .into_text()
                    .map(|t| t.into_owned());
            } else if list_id.is_none() && is("list-id") {
                list_id = Some(String::from_utf8_lossy(value).into_owned());
            }
        });
        Features::new(from.as_deref(), subject.as_deref(), list_id.as_deref())
    }

    /// From what the rescan read (the same fields, decoded the same way).
    pub fn new(from: Option<&str>, subject: Option<&str>, list_id: Option<&str>) -> Features {
        Features {
            from: from.map(str::to_lowercase),
            list_id: list_id.and_then(normal_list_id),
            words: subject.map(words).unwrap_or_default(),
        }
    }

    pub fn domain(&self) -> Option<&str> {
        self.from.as_deref()?.rsplit_once('@').map(|(_, d)| d)
    }
}

/// The list identifier of a List-Id value: what is between `<` and `>` (RFC 2919),
/// lower-cased, or the whole value trimmed.
fn normal_list_id(value: &str) -> Option<String> {
    let id = match (value.rfind('<'), value.rfind('>')) {
        (Some(a), Some(b)) if a < b => &value[a + 1..b],
        _ => value,
    };
    let id = id.trim().to_lowercase();
    (!id.is_empty()).then_some(id)
}

/// Subject words: runs of letters, 3 to 24 long, lower-cased, once each, the first
/// `MAX_WORDS`. Reply and forward prefixes say nothing about the sender.
fn words(subject: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in subject.split(|c: char| !c.is_alphabetic()) {
        let n = w.chars().count();
        if !(3..=24).contains(&n) {
            continue;
        }
        let w = w.to_lowercase();
        if matches!(
            w.as_str(),
            "fwd" | "aw" | "antw" | "the" | "and" | "for" | "you" | "your"
        ) || out.contains(&w)
        {
            continue;
        }
        out.push(w);
        if out.len() == MAX_WORDS {
            break;
        }
    }
    out
}

/// A mailbox's filing habits.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub senders: HashMap<String, Votes>,
    pub domains: HashMap<String, Votes>,
    pub lists: HashMap<String, Votes>,
    pub words: HashMap<String, Votes>,
    /// Messages per class.
    pub totals: Votes,
}

impl Profile {
    /// Counts one message filed in `class`.
    pub fn learn(&mut self, class: FolderClass, f: &Features) {
        if class == FolderClass::Own {
            return;
        }
        self.totals.add(class, 1);
        if let Some(from) = &f.from {
            self.senders.entry(from.clone()).or_default().add(class, 1);
        }
        if let Some(domain) = f.domain() {
            self.domains
                .entry(domain.to_string())
                .or_default()
                .add(class, 1);
        }
        if let Some(id) = &f.list_id {
            self.lists.entry(id.clone()).or_default().add(class, 1);
        }
        for w in &f.words {
            self.words.entry(w.clone()).or_default().add(class, 1);
        }
    }

    /// Nothing was filed as junk or trash: nothing to learn from.
    pub fn is_empty(&self) -> bool {
        self.totals.junk == 0 && self.totals.trash == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_from_the_header_block_match_the_rescans() {
        let block = b"From: \"Deals\" <Offers@Shop.Example>\nSubject: =?UTF-8?Q?Gro=C3=9Fe?= Deals: 50% off, deals!\nList-Id: Deals list <deals.shop.example>\n\nbody";
        let f = Features::of_header(block);
        assert_eq!(
            f,
            Features::new(
                Some("offers@shop.example"),
                Some("Große Deals: 50% off, deals!"),
                Some("Deals list <deals.shop.example>")
            )
        );
        assert_eq!(f.from.as_deref(), Some("offers@shop.example"));
        assert_eq!(f.domain(), Some("shop.example"));
        assert_eq!(f.list_id.as_deref(), Some("deals.shop.example"));
        assert_eq!(f.words, ["große", "deals", "off"]);
    }

    #[test]
    fn votes_leave_one_out_and_own_mail_is_not_counted() {
        let mut p = Profile::default();
        let f = Features::new(Some("a@x.example"), Some("hello there"), None);
        p.learn(FolderClass::Junk, &f);
        p.learn(FolderClass::Junk, &f);
        p.learn(FolderClass::Own, &f);
        let v = p.senders["a@x.example"];
        assert_eq!(
            v,
            Votes {
                junk: 2,
                trash: 0,
                kept: 0
            }
        );
        assert_eq!(v.without(FolderClass::Junk).junk, 1);
        assert_eq!(Votes::default().without(FolderClass::Kept).kept, 0);
        assert!(!p.is_empty());
        assert!(Profile::default().is_empty());
    }
}
