//! Message: what one message says, parsed once and only as deep as asked. The inventory
//! needs the top-level headers and the MIME skeleton (attachment names and types), so
//! [`inventory`] parses those and leaves bodies undecoded.
//!
//! Pure functions of the message bytes: no I/O here.

pub mod date;
pub mod decoded;
pub mod headers;
mod html_text;
pub mod mime;
mod recover;
pub mod zip;

use std::panic::{catch_unwind, AssertUnwindSafe};

use mail_parser::parsers::MessageStream;
use mail_parser::{ContentType, HeaderValue};

use crate::corpus::mbox::Envelope;
use date::DateFields;
pub use date::DateSource;
pub use mime::Attachment;

/// Messages beyond this size are not handed to the parser (its offsets are 32-bit).
const MAX_PARSE_BYTES: usize = u32::MAX as usize;

/// What the messages table records of one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    pub message_id: Option<String>,
    /// Seconds since the epoch, UTC.
    pub date: Option<i64>,
    pub date_source: Option<DateSource>,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    /// Decoded (RFC 2047, charsets).
    pub subject: Option<String>,
    pub attachments: Vec<Attachment>,
    /// The top-level part is `multipart/*`, its Content-Type is repeated or unreadable,
    /// or the header block has stray lines: it may carry parts the skeleton does not see
    /// (a broken boundary, a second Content-Type another reader follows, or a field
    /// hidden behind a stray line hides them from it, not from mail-parser).
    pub may_have_parts: bool,
    /// Why the message could not be parsed; the other fields hold what could be read.
    pub parse_error: Option<String>,
}

/// Builds the inventory of a message from its parsed view (see `corpus::mbox::parsed_view`).
/// Never panics: a parser panic becomes the message's `parse_error`.
pub fn inventory(view: &[u8], envelope: Option<&Envelope>, mtime: Option<i64>) -> Inventory {
    let mut inv = Inventory::default();
    if view.len() > MAX_PARSE_BYTES {
        inv.parse_error = Some(format!(
            "message of {} bytes is too large to parse",
            view.len()
        ));
        return inv;
    }
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        parse_into(view, envelope, mtime, &mut inv)
    }));
    if let Err(panic) = parsed {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        inv.parse_error = Some(format!("parser panicked: {what}"));
    }
    inv
}

/// One pass over the header block; each field the table needs goes to mail-parser's
/// parser for that field type.
fn parse_into(view: &[u8], envelope: Option<&Envelope>, mtime: Option<i64>, inv: &mut Inventory) {
    let mut dates = DateFields::default();
    let (mut ctype, mut disposition): (Option<ContentType>, Option<ContentType>) = (None, None);
    let mut content_types = 0;
    let block = headers::scan_fields(view, |name, value| {
        dates.offer(name, value);
        match name.len() {
            2 if name.eq_ignore_ascii_case(b"to") => inv.to.extend(addresses(value)),
            2 if name.eq_ignore_ascii_case(b"cc") => inv.cc.extend(addresses(value)),
            4 if inv.from_address.is_none() && name.eq_ignore_ascii_case(b"from") => {
                if let Some((address, display)) = first_address(value) {
                    inv.from_address = address;
                    inv.from_name = display;
                }
            }
            7 if inv.subject.is_none() && name.eq_ignore_ascii_case(b"subject") => {
                inv.subject = MessageStream::new(value)
                    .parse_unstructured()
                    .into_text()
                    .map(|t| t.into_owned());
            }
            10 if inv.message_id.is_none() && name.eq_ignore_ascii_case(b"message-id") => {
                inv.message_id = match MessageStream::new(value).parse_id() {
                    HeaderValue::Text(id) => Some(id.into_owned()),
                    HeaderValue::TextList(ids) => ids.into_iter().next().map(|id| id.into_owned()),
                    _ => None,
                };
            }
            12 if name.eq_ignore_ascii_case(b"content-type") => {
                content_types += 1;
                if ctype.is_none() {
                    ctype = mime::parse_content_type(value);
                }
            }
            19 if disposition.is_none() && name.eq_ignore_ascii_case(b"content-disposition") => {
                disposition = mime::parse_content_type(value);
            }
            _ => {}
        }
    });
    let dated = dates.resolve(envelope, mtime);
    inv.date = dated.map(|d| d.0);
    inv.date_source = dated.map(|d| d.1);
    if !block.well_formed {
        inv.parse_error = Some("no RFC 5322 header block at the start of the message".into());
        return;
    }
    inv.may_have_parts = block.stray_lines > 0
        || content_types > 1
        || (content_types == 1 && ctype.is_none())
        || ctype
            .as_ref()
            .is_some_and(|c| c.ctype().eq_ignore_ascii_case("multipart"));
    inv.attachments = mime::attachments(
        ctype.as_ref(),
        disposition.as_ref(),
        &view[block.body_offset..],
    );
}

/// Every address of an address-list field (groups flattened).
fn addresses(value: &[u8]) -> Vec<String> {
    match MessageStream::new(value).parse_address() {
        HeaderValue::Address(list) => list
            .iter()
            .filter_map(|a| a.address())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The sender of a `From` field: (address, display name). The first entry that has an
/// address wins; a display name split off by a stray comma (`Bank team , <x@evil>`, a
/// phishing trick) is kept as the name.
fn first_address(value: &[u8]) -> Option<(Option<String>, Option<String>)> {
    let HeaderValue::Address(list) = MessageStream::new(value).parse_address() else {
        return None;
    };
    let mut entries = list.iter();
    let first = entries.next()?;
    let with_address = std::iter::once(first)
        .chain(entries)
        .find(|a| a.address().is_some());
    let chosen = with_address.unwrap_or(first);
    let name = chosen.name().or(first.name()).map(str::to_string);
    Some((chosen.address().map(str::to_string), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_subject_addresses_and_attachments() {
        let msg = b"From: =?UTF-8?Q?Ren=C3=A9e?= <renee@example.com>\r\nTo: a@example.com, B <b@example.org>\r\nCc: c@example.net\r\nSubject: =?UTF-8?B?UsOpdW5pb24=?=\r\nMessage-ID: <x1@example.com>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0100\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1\r\nContent-Type: application/pdf; name=\"x.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b1\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt\r\n\r\nx\r\n--b1--\r\n";
        let inv = inventory(msg, None, None);
        assert_eq!(inv.parse_error, None);
        assert_eq!(inv.subject.as_deref(), Some("Réunion"));
        assert_eq!(inv.from_name.as_deref(), Some("Renée"));
        assert_eq!(inv.from_address.as_deref(), Some("renee@example.com"));
        assert_eq!(inv.to, vec!["a@example.com", "b@example.org"]);
        assert_eq!(inv.cc, vec!["c@example.net"]);
        assert_eq!(inv.message_id.as_deref(), Some("x1@example.com"));
        assert_eq!(inv.date, Some(1_704_099_600));
        let names: Vec<_> = inv.attachments.iter().map(|a| a.name.as_deref()).collect();
        assert_eq!(names, vec![Some("x.pdf"), Some("résumé.txt")]);
    }

    #[test]
    fn sender_is_the_first_entry_with_an_address() {
        let inv = inventory(
            b"From: Microsoft account team ,_<no-reply@evil.example>\n\nx",
            None,
            None,
        );
        assert_eq!(inv.from_address.as_deref(), Some("no-reply@evil.example"));
        assert!(inv.from_name.is_some());
    }

    #[test]
    fn garbage_is_a_parse_error_not_a_panic() {
        let inv = inventory(b"\x00\x01\x02 just bytes", None, Some(5));
        assert!(inv.parse_error.is_some());
        assert_eq!(inv.date, Some(5));
    }
}
