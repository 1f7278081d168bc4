//! A message's date and where it came from, for newest-first ordering and the tables:
//! the `Date` header, else the mbox `From ` line, else the newest (topmost) `Received`
//! header, else the file's modification time.

use mail_parser::parsers::MessageStream;
use mail_parser::HeaderValue;

use super::headers::first_header;
use crate::corpus::mbox::Envelope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    DateHeader,
    FromLine,
    Received,
    FileMtime,
}

impl DateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DateHeader => "date_header",
            Self::FromLine => "from_line",
            Self::Received => "received",
            Self::FileMtime => "file_mtime",
        }
    }
}

/// Seconds since the epoch (UTC) and the source used; `None` when nothing gave a date.
pub fn message_date(
    header_block: &[u8],
    envelope: Option<&Envelope>,
    mtime: Option<i64>,
) -> Option<(i64, DateSource)> {
    if let Some(t) = first_header(header_block, "Date").and_then(parse_rfc5322_date) {
        return Some((t, DateSource::DateHeader));
    }
    if let Some(t) = envelope.and_then(|e| e.date) {
        return Some((t, DateSource::FromLine));
    }
    let received = first_header(header_block, "Received").and_then(|value| {
        let semicolon = memchr::memrchr(b';', value)?;
        parse_rfc5322_date(&value[semicolon + 1..])
    });
    if let Some(t) = received {
        return Some((t, DateSource::Received));
    }
    mtime.map(|t| (t, DateSource::FileMtime))
}

/// An RFC 5322 date (mail-parser's lenient parser) as seconds since the epoch.
pub fn parse_rfc5322_date(value: &[u8]) -> Option<i64> {
    match MessageStream::new(value).parse_date() {
        HeaderValue::DateTime(dt) if dt.is_valid() => Some(dt.to_timestamp()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_in_order() {
        let env = Envelope {
            sender: "a".into(),
            date: Some(100),
        };
        let with_date = b"Date: Thu, 1 Jan 1970 00:01:40 +0000\n";
        assert_eq!(
            message_date(with_date, Some(&env), Some(7)),
            Some((100, DateSource::DateHeader))
        );
        let broken = b"Date: not a date\nReceived: from x by y; Thu, 1 Jan 1970 00:00:50 +0000\n";
        assert_eq!(
            message_date(broken, Some(&env), Some(7)),
            Some((100, DateSource::FromLine))
        );
        assert_eq!(
            message_date(broken, None, Some(7)),
            Some((50, DateSource::Received))
        );
        assert_eq!(
            message_date(b"Subject: x\n", None, Some(7)),
            Some((7, DateSource::FileMtime))
        );
        assert_eq!(message_date(b"Subject: x\n", None, None), None);
    }

    #[test]
    fn zone_is_applied() {
        assert_eq!(
            parse_rfc5322_date(b" Mon, 14 May 2001 16:39:00 -0700 (PDT)\n"),
            Some(989883540)
        );
    }
}
