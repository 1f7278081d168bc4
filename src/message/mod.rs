//! Message: what one message says, parsed once and only as deep as asked. The inventory
//! needs the top-level headers and the MIME skeleton (attachment names and types), so
//! [`inventory`] parses those and leaves bodies undecoded.
//!
//! Pure functions of the message bytes: no I/O here.

pub mod date;
pub mod headers;
pub mod mime;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::LazyLock;

use mail_parser::{Address, HeaderName, Message, MessageParser};

use crate::corpus::mbox::Envelope;
pub use date::DateSource;
pub use mime::Attachment;

/// The headers the inventory reads; every other header is skipped unparsed (mail-parser's
/// `Received` parser alone costs more than all of these together).
static INVENTORY_PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .header_text(HeaderName::Subject)
        .header_address(HeaderName::From)
        .header_address(HeaderName::To)
        .header_address(HeaderName::Cc)
        .header_id(HeaderName::MessageId)
        .default_header_ignore()
});

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
    /// Why the message could not be parsed; the other fields hold what could be read.
    pub parse_error: Option<String>,
}

/// Builds the inventory of a message from its parsed view (see `corpus::mbox::parsed_view`).
/// Never panics: a parser panic becomes the message's `parse_error`.
pub fn inventory(view: &[u8], envelope: Option<&Envelope>, mtime: Option<i64>) -> Inventory {
    let header_block = &view[..headers::body_offset(view)];
    let dated = date::message_date(header_block, envelope, mtime);
    let mut inv = Inventory {
        date: dated.map(|d| d.0),
        date_source: dated.map(|d| d.1),
        ..Inventory::default()
    };
    if view.len() > MAX_PARSE_BYTES {
        inv.parse_error = Some(format!(
            "message of {} bytes is too large to parse",
            view.len()
        ));
        return inv;
    }
    let parsed = catch_unwind(AssertUnwindSafe(|| parse_into(view, &mut inv)));
    match parsed {
        Ok(Ok(())) => {}
        Ok(Err(e)) => inv.parse_error = Some(e),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            inv.parse_error = Some(format!("parser panicked: {what}"));
        }
    }
    inv
}

fn parse_into(view: &[u8], inv: &mut Inventory) -> Result<(), String> {
    let parser = &*INVENTORY_PARSER;
    let message = parser
        .parse_headers(view)
        .ok_or_else(|| "no RFC 5322 header block".to_string())?;
    if !message.headers().iter().any(|h| is_field_name(h.name())) {
        return Err("no RFC 5322 header fields".into());
    }
    inv.message_id = message.message_id().map(str::to_string);
    inv.subject = message.subject().map(str::to_string);
    if let Some(first) = message.from().and_then(Address::first) {
        inv.from_address = first.address().map(str::to_string);
        inv.from_name = first.name().map(str::to_string);
    }
    inv.to = addresses(&message, HeaderName::To);
    inv.cc = addresses(&message, HeaderName::Cc);
    let root_type = message
        .header(HeaderName::ContentType)
        .and_then(|v| v.as_content_type());
    let root_disposition = message
        .header(HeaderName::ContentDisposition)
        .and_then(|v| v.as_content_type());
    let body = &view[headers::body_offset(view)..];
    inv.attachments = mime::attachments(parser, root_type, root_disposition, body);
    Ok(())
}

/// RFC 5322 field names are printable US-ASCII without `:` or spaces.
fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

/// Every address of every occurrence of a header, in order.
fn addresses(message: &Message, name: HeaderName) -> Vec<String> {
    message
        .header_values(name)
        .filter_map(|v| v.as_address())
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .map(str::to_string)
        .collect()
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
    fn garbage_is_a_parse_error_not_a_panic() {
        let inv = inventory(b"\x00\x01\x02 just bytes", None, Some(5));
        assert!(inv.parse_error.is_some());
        assert_eq!(inv.date, Some(5));
    }
}
