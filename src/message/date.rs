//! A message's date and where it came from, for newest-first ordering and the tables:
//! the `Date` header, else the mbox `From ` line, else the newest (topmost) `Received`
//! header, else the file's modification time.

use mail_parser::parsers::MessageStream;
use mail_parser::HeaderValue;

use super::headers::scan_fields;
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

/// The raw values a date can come from, gathered while scanning the header block.
#[derive(Debug, Default, Clone, Copy)]
pub struct DateFields<'a> {
    /// The first `Date` field.
    pub date: Option<&'a [u8]>,
    /// The first (newest) `Received` field.
    pub received: Option<&'a [u8]>,
}

impl<'a> DateFields<'a> {
    /// Offers a header field; keeps it if it is the first `Date` or `Received`.
    pub fn offer(&mut self, name: &[u8], value: &'a [u8]) {
        if self.date.is_none() && name.eq_ignore_ascii_case(b"date") {
            self.date = Some(value);
        } else if self.received.is_none() && name.eq_ignore_ascii_case(b"received") {
            self.received = Some(value);
        }
    }

    /// Reads the date fields of a message's header block alone (the `--limit` probe).
    pub fn scan(message: &'a [u8]) -> Self {
        let mut fields = Self::default();
        scan_fields(message, |n, v| fields.offer(n, v));
        fields
    }

    /// Seconds since the epoch (UTC) and the source used; `None` when nothing gave a date.
    pub fn resolve(
        &self,
        envelope: Option<&Envelope>,
        mtime: Option<i64>,
    ) -> Option<(i64, DateSource)> {
        if let Some(t) = self.date.and_then(parse_rfc5322_date) {
            return Some((t, DateSource::DateHeader));
        }
        if let Some(t) = envelope.and_then(|e| e.date) {
            return Some((t, DateSource::FromLine));
        }
        let received = self.received.and_then(|value| {
            let semicolon = memchr::memrchr(b';', value)?;
            parse_rfc5322_date(&value[semicolon + 1..])
        });
        if let Some(t) = received {
            return Some((t, DateSource::Received));
        }
        mtime.map(|t| (t, DateSource::FileMtime))
    }
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

    fn date_of(
        block: &[u8],
        env: Option<&Envelope>,
        mtime: Option<i64>,
    ) -> Option<(i64, DateSource)> {
        DateFields::scan(block).resolve(env, mtime)
    }

    #[test]
    fn falls_back_in_order() {
        let env = Envelope {
            sender: "a".into(),
            date: Some(100),
        };
        let with_date = b"Date: Thu, 1 Jan 1970 00:01:40 +0000\n";
        assert_eq!(
            date_of(with_date, Some(&env), Some(7)),
            Some((100, DateSource::DateHeader))
        );
        let broken = b"Date: not a date\nReceived: from x by y; Thu, 1 Jan 1970 00:00:50 +0000\nReceived: from z; Thu, 1 Jan 1970 00:00:10 +0000\n";
        assert_eq!(
            date_of(broken, Some(&env), Some(7)),
            Some((100, DateSource::FromLine))
        );
        assert_eq!(
            date_of(broken, None, Some(7)),
            Some((50, DateSource::Received))
        );
        assert_eq!(
            date_of(b"Subject: x\n", None, Some(7)),
            Some((7, DateSource::FileMtime))
        );
        assert_eq!(date_of(b"Subject: x\n", None, None), None);
    }

    #[test]
    fn zone_is_applied() {
        assert_eq!(
            parse_rfc5322_date(b" Mon, 14 May 2001 16:39:00 -0700 (PDT)\n"),
            Some(989883540)
        );
    }
}
