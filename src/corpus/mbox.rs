//! The mbox splitter, written on `memchr` (the `mbox-reader` crate was rejected: it drops
//! the last message, misreports offsets and panics on non-UTF-8 `From ` lines).
//!
//! **Which bytes a message covers.** A message's range starts at the first byte of its
//! `From ` line and ends right before the next message's `From ` line (or at the end of
//! the file), so it includes the blank line mbox writers put between messages. The ranges
//! of a file tile it exactly: removing a range leaves a valid mbox, and the SHA-256 of a
//! range is what `apply` verifies before it touches the message. Bytes before the first
//! `From ` line are a message of their own when they hold anything but whitespace
//! (nothing is silently dropped).
//!
//! **Separator rule.** A line is a separator only when it starts with `From `, follows a
//! blank line (or starts the file) and either carries an envelope date (`Www Mmm dd
//! hh:mm:ss yyyy`, with optional zone, or an ISO date) or is followed by a header field
//! line (bare `From ` separators of old Thunderbird): a body line `From here on…` never
//! splits a message.
//! LF, CRLF and CR-only line endings are recognised.
//!
//! **Parsed view.** The `From ` line and (for mbox messages) the trailing separator line
//! are cut and CR-only line ends become LF; `ParsedView::unquoted` undoes `>From `
//! quoting (mboxo and mboxrd: `>+From ` loses one `>`) for readers of body text. The view
//! borrows the stored bytes unless one of these needs a copy; the stored bytes are never
//! changed.

use std::borrow::Cow;
use std::ops::Range;

use memchr::memmem;
use rayon::prelude::*;

/// Files larger than this are split by several threads at once.
const PARALLEL_SPLIT_BYTES: usize = 32 << 20;
const SPLIT_CHUNK_BYTES: usize = 8 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    Crlf,
    Cr,
}

/// The line ending of a file or message, judged by its first line terminator (a stray
/// CR inside an LF file's first line does not make it CR-only). Reads only up to the
/// first terminator in the common case.
pub fn detect_line_ending(data: &[u8]) -> LineEnding {
    match memchr::memchr2(b'\n', b'\r', data) {
        Some(i) if data[i] == b'\r' => {
            if data.get(i + 1) == Some(&b'\n') {
                LineEnding::Crlf
            } else if memchr::memchr(b'\n', &data[..data.len().min(1 << 16)]).is_none() {
                LineEnding::Cr
            } else {
                LineEnding::Lf
            }
        }
        _ => LineEnding::Lf,
    }
}

/// The envelope of an mbox message: its `From ` line's sender and date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub sender: String,
    /// Seconds since the Unix epoch, UTC (asctime dates without a zone are taken as UTC).
    pub date: Option<i64>,
}

/// Splits an mbox into message ranges that tile the file from its first separator.
pub fn split(data: &[u8]) -> Vec<Range<usize>> {
    let ending = detect_line_ending(data);
    let mut starts = separator_starts(data, ending);
    let lead_end = starts.first().copied().unwrap_or(data.len());
    if data[..lead_end].iter().any(|b| !b.is_ascii_whitespace()) {
        starts.insert(0, 0);
    }
    let mut ranges = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(data.len());
        ranges.push(start..end);
    }
    ranges
}

/// Whether an mbox-looking file holds more than one message: it starts with a separator
/// and has a second one. Stops at the second separator (a content sniff, not a split).
pub fn holds_several_messages(data: &[u8]) -> bool {
    let ending = detect_line_ending(data);
    if !is_separator(data, 0, ending) {
        return false;
    }
    let terminator = if ending == LineEnding::Cr {
        b'\r'
    } else {
        b'\n'
    };
    let needle = [terminator, b'F', b'r', b'o', b'm', b' '];
    memmem::find_iter(data, &needle).any(|hit| is_separator(data, hit + 1, ending))
}

/// Byte offsets of every separator line, in file order.
fn separator_starts(data: &[u8], ending: LineEnding) -> Vec<usize> {
    let terminator = if ending == LineEnding::Cr {
        b'\r'
    } else {
        b'\n'
    };
    let needle: [u8; 6] = [terminator, b'F', b'r', b'o', b'm', b' '];
    let mut starts = Vec::new();
    if is_separator(data, 0, ending) {
        starts.push(0);
    }
    if data.len() < PARALLEL_SPLIT_BYTES {
        scan_chunk(data, 0..data.len(), &needle, ending, &mut starts);
        return starts;
    }
    // Each chunk reports the separators whose `From` starts inside it; a candidate is
    // judged from the whole mapping, so chunk edges never hide or double one.
    let chunks: Vec<Range<usize>> = (0..data.len())
        .step_by(SPLIT_CHUNK_BYTES)
        .map(|s| s..(s + SPLIT_CHUNK_BYTES).min(data.len()))
        .collect();
    let found: Vec<Vec<usize>> = chunks
        .into_par_iter()
        .map(|chunk| {
            let mut v = Vec::new();
            scan_chunk(data, chunk, &needle, ending, &mut v);
            v
        })
        .collect();
    starts.extend(found.into_iter().flatten());
    starts
}

/// Pushes separators whose `From ` begins in `chunk` (never at offset 0, handled apart).
fn scan_chunk(
    data: &[u8],
    chunk: Range<usize>,
    needle: &[u8; 6],
    ending: LineEnding,
    out: &mut Vec<usize>,
) {
    if chunk.is_empty() {
        return;
    }
    // The terminator sits one byte before the `From` we look for.
    let lo = chunk.start.saturating_sub(1);
    let hi = (chunk.end - 1 + needle.len()).min(data.len());
    if hi <= lo {
        return;
    }
    for hit in memmem::find_iter(&data[lo..hi], needle) {
        let start = lo + hit + 1;
        if start >= chunk.start.max(1) && start < chunk.end && is_separator(data, start, ending) {
            out.push(start);
        }
    }
}

/// Whether a `From ` line begins at `start` and counts as a separator.
fn is_separator(data: &[u8], start: usize, ending: LineEnding) -> bool {
    if !data[start..].starts_with(b"From ") {
        return false;
    }
    let before = &data[..start];
    let after_blank = match ending {
        LineEnding::Cr => before.is_empty() || before.ends_with(b"\r\r") || before == b"\r",
        _ => {
            before.is_empty()
                || before.ends_with(b"\n\n")
                || before.ends_with(b"\n\r\n")
                || before == b"\n"
                || before == b"\r\n"
        }
    };
    if !after_blank {
        return false;
    }
    let line = line_at(data, start);
    envelope_parts(line).is_some() || next_line_is_field(data, start + line.len())
}

/// Whether the line after the one ending at `end` is a header field (`Name: value`):
/// a dateless `From ` line after a blank line still opens a message when headers follow
/// (old Thunderbird wrote bare `From ` separators).
fn next_line_is_field(data: &[u8], end: usize) -> bool {
    let next = &data[(end + terminator_len(data, end)).min(data.len())..];
    let line = line_at(next, 0);
    memchr::memchr(b':', line)
        .is_some_and(|colon| colon > 0 && line[..colon].iter().all(|&b| (33..=126).contains(&b)))
}

/// The line starting at `start`, without its terminator. A `From ` line ends at the
/// first CR or LF whatever the file's line ending: CR-only messages pasted into an LF
/// mbox occur in real archives.
fn line_at(data: &[u8], start: usize) -> &[u8] {
    let rest = &data[start..];
    match memchr::memchr2(b'\n', b'\r', rest) {
        Some(end) => &rest[..end],
        None => rest,
    }
}

/// Length of the line terminator at `at` (CRLF, LF or CR), 0 at the end of the data.
fn terminator_len(data: &[u8], at: usize) -> usize {
    match data.get(at..) {
        Some([b'\r', b'\n', ..]) => 2,
        Some([b'\n' | b'\r', ..]) => 1,
        _ => 0,
    }
}

/// Longest `From ` line read as an envelope.
const MAX_FROM_LINE: usize = 1024;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses a `From sender date` line strictly. Returns `None` when the line does not end
/// in an envelope date, which is what separates `From here on` from a separator.
pub fn parse_from_line(line: &[u8]) -> Option<Envelope> {
    let (sender, date) = envelope_parts(line)?;
    Some(Envelope {
        sender: String::from_utf8_lossy(sender).into_owned(),
        date: Some(date),
    })
}

/// The sender bytes and date of a `From ` line, without allocating (the splitter calls
/// this for every candidate separator). The date is the longest run of date tokens that
/// ends the line and starts with a weekday, a month or an ISO date; what comes before
/// is the sender, which may hold spaces (`user@[10.0.0.1] [host]`).
fn envelope_parts(line: &[u8]) -> Option<(&[u8], i64)> {
    // Real envelope lines are short; a long one is prose, and bounding it keeps the
    // search for the date's start (quadratic in the number of words) cheap.
    if line.len() > MAX_FROM_LINE {
        return None;
    }
    let rest = line.strip_prefix(b"From ")?;
    let mut start = 0;
    while start < rest.len() {
        let token_start = start
            + rest[start..]
                .iter()
                .position(|b| !b.is_ascii_whitespace())?;
        let token_end = rest[token_start..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(rest.len(), |i| token_start + i);
        let token = &rest[token_start..token_end];
        if starts_date(token) {
            if let Some(date) = parse_envelope_date(&rest[token_start..]) {
                return Some((rest[..token_start].trim_ascii(), date));
            }
        }
        start = token_end;
    }
    None
}

fn starts_date(token: &[u8]) -> bool {
    name_index(token, &WEEKDAYS).is_some()
        || name_index(token, &MONTHS).is_some()
        || parse_iso_date(token).is_some()
}

/// Index of the English day or month name a token starts with (`Thu`, `Thursday,`).
fn name_index(token: &[u8], names: &[&str]) -> Option<usize> {
    if token.len() < 3 || token.len() > 10 {
        return None;
    }
    names
        .iter()
        .position(|n| token[..3].eq_ignore_ascii_case(n.as_bytes()))
}

fn digits(t: &[u8]) -> Option<u32> {
    if t.is_empty() || t.len() > 4 || !t.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(t.iter().fold(0, |v, &b| v * 10 + u32::from(b - b'0')))
}

/// An asctime-style envelope date (`Thu Nov 14 12:00:00 2005`, optionally with a zone
/// name or `+hhmm` before or after the year, or UUCP's `remote from host` after it) as
/// seconds since the epoch.
fn parse_envelope_date(text: &[u8]) -> Option<i64> {
    let (mut month, mut day, mut time, mut year, mut offset) = (None, None, None, None, 0i64);
    for token in text
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
    {
        let t = token.strip_suffix(b",").unwrap_or(token);
        if t.eq_ignore_ascii_case(b"remote") {
            break;
        }
        if let Some(m) = name_index(t, &MONTHS) {
            if month.is_some() {
                return None;
            }
            month = Some(m as u8 + 1);
        } else if name_index(t, &WEEKDAYS).is_some() {
        } else if let Some((y, m, d)) = parse_iso_date(t) {
            (year, month, day) = (Some(y), Some(m), Some(d));
        } else if t.contains(&b':') {
            time = Some(parse_clock(t)?);
        } else if let (4, Some(y)) = (t.len(), digits(t)) {
            year = Some(y as u16);
        } else if let (1..=2, Some(d)) = (t.len(), digits(t)) {
            day = Some(d as u8);
        } else if let Some(minutes) = parse_zone_offset(t) {
            offset = minutes;
        } else if !(t.len() <= 5 && t.iter().all(u8::is_ascii_alphabetic)) {
            // Anything but a zone name means this is prose, not a date.
            return None;
        }
    }
    let (hour, minute, second) = time?;
    let date = mail_parser::DateTime {
        year: year?,
        month: month?,
        day: day.filter(|d| (1..=31).contains(d))?,
        hour,
        minute,
        second,
        tz_before_gmt: false,
        tz_hour: 0,
        tz_minute: 0,
    };
    date.is_valid().then(|| date.to_timestamp() - offset * 60)
}

/// `2019-10-02`, as some exporters write envelope dates.
fn parse_iso_date(t: &[u8]) -> Option<(u16, u8, u8)> {
    if t.len() != 10 || t[4] != b'-' || t[7] != b'-' {
        return None;
    }
    Some((
        digits(&t[..4])? as u16,
        digits(&t[5..7])? as u8,
        digits(&t[8..])? as u8,
    ))
}

fn parse_clock(t: &[u8]) -> Option<(u8, u8, u8)> {
    let mut parts = t
        .split(|&b| b == b':')
        .map(|p| digits(p).filter(|_| p.len() <= 2));
    let hour = parts.next()??;
    let minute = parts.next()??;
    let second = parts.next().unwrap_or(Some(0))?;
    (parts.next().is_none() && hour < 24 && minute < 60 && second < 61).then_some((
        hour as u8,
        minute as u8,
        second as u8,
    ))
}

/// `+hhmm` / `-hhmm` as signed minutes east of UTC.
fn parse_zone_offset(t: &[u8]) -> Option<i64> {
    let sign = match t.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let v = i64::from(digits(&t[1..]).filter(|_| t.len() == 5)?);
    Some(sign * ((v / 100) * 60 + v % 100))
}

/// A stored message as parsers see it.
#[derive(Debug, Clone)]
pub struct ParsedView<'a> {
    /// The `From ` line's sender and date, when the message has one.
    pub envelope: Option<Envelope>,
    /// The message without its `From ` line and separator line, CR-only line ends made
    /// LF. `>From ` quoting is still in place: it only ever touches body lines, so the
    /// header block and the MIME skeleton read these bytes directly.
    pub bytes: Cow<'a, [u8]>,
    mbox_quoted: bool,
}

impl ParsedView<'_> {
    /// The message as its author wrote it: mbox `>From ` quoting undone (mboxrd rule,
    /// right for mboxo too). What readers of body text see.
    pub fn unquoted(&self) -> Cow<'_, [u8]> {
        if self.mbox_quoted && memmem::find(&self.bytes, b">From ").is_some() {
            Cow::Owned(unquote_from_lines(&self.bytes))
        } else {
            Cow::Borrowed(&self.bytes)
        }
    }
}

/// The view of a stored message. `mbox_quoted`: the bytes come from an mbox, which ends
/// them with a separator line and may `>From `-quote body lines; Maildir and `.eml` files
/// do neither.
pub fn parsed_view(stored: &[u8], mbox_quoted: bool) -> ParsedView<'_> {
    let mut envelope = None;
    let mut body = stored;
    let ending;
    if stored.starts_with(b"From ") {
        let line = line_at(stored, 0);
        // The envelope line's own terminator tells how this message ends its lines.
        ending = match terminator_len(stored, line.len()) {
            2 => LineEnding::Crlf,
            1 if stored[line.len()] == b'\r' => LineEnding::Cr,
            _ => LineEnding::Lf,
        };
        // `From ` (space, no colon) is never a header field: an envelope line even when
        // its date is unreadable.
        envelope = Some(parse_from_line(line).unwrap_or_else(|| Envelope {
            sender: String::from_utf8_lossy(line[5..].trim_ascii()).into_owned(),
            date: None,
        }));
        body = &stored[line.len() + terminator_len(stored, line.len())..];
    } else {
        ending = detect_line_ending(stored);
    }
    // Only mbox writers add a separator line; a message file keeps all its bytes.
    if mbox_quoted {
        body = strip_separator_line(body, ending);
    }
    let bytes = if ending == LineEnding::Cr {
        Cow::Owned(cr_to_lf(body))
    } else {
        Cow::Borrowed(body)
    };
    ParsedView {
        envelope,
        bytes,
        mbox_quoted,
    }
}

/// Turns lone CRs into LFs (CRLF pairs stay as they are).
fn cr_to_lf(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    for i in 0..out.len() {
        if out[i] == b'\r' && out.get(i + 1) != Some(&b'\n') {
            out[i] = b'\n';
        }
    }
    out
}

/// Drops the blank line an mbox writer puts after a message.
fn strip_separator_line(body: &[u8], ending: LineEnding) -> &[u8] {
    let separator: &[u8] = match ending {
        LineEnding::Cr if body.ends_with(b"\r\r") => b"\r",
        LineEnding::Crlf if body.ends_with(b"\r\n\r\n") => b"\r\n",
        _ if body.ends_with(b"\n\n") || body.ends_with(b"\r\n\n") => b"\n",
        _ => b"",
    };
    &body[..body.len() - separator.len()]
}

/// Removes one `>` from every line that matches `>+From ` (mboxrd; also right for mboxo).
fn unquote_from_lines(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut line_start = true;
    let mut i = 0;
    while i < data.len() {
        if line_start && data[i] == b'>' {
            let quotes = data[i..].iter().take_while(|&&b| b == b'>').count();
            if data[i + quotes..].starts_with(b"From ") {
                i += 1;
            }
        }
        let b = data[i];
        out.push(b);
        line_start = b == b'\n';
        i += 1;
    }
    out
}

/// Whether a parsed view is UW-IMAP's `FOLDER INTERNAL DATA` pseudo-message, which pine
/// and UW-IMAP keep as the first message of a folder. It is not mail and is skipped.
pub fn is_uw_imap_pseudo_message(envelope: Option<&Envelope>, view: &[u8]) -> bool {
    let header_end = memmem::find(view, b"\n\n").unwrap_or(view.len());
    let headers = &view[..header_end];
    envelope.is_some_and(|e| e.sender == "MAILER-DAEMON")
        && (memmem::find(headers, b"FOLDER INTERNAL DATA").is_some()
            || memmem::find(headers, b"\nX-IMAP:").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subjects(data: &[u8]) -> Vec<Range<usize>> {
        split(data)
    }

    #[test]
    fn strict_from_line() {
        assert!(parse_from_line(b"From alice@example.com Thu Nov 14 12:00:00 2005").is_some());
        assert!(parse_from_line(b"From - Mon Jan  1 00:00:00 2024").is_some());
        assert!(parse_from_line(b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011 +0200").is_some());
        assert!(parse_from_line(b"From x Sat Jan 12 10:00:00 PST 2002 remote from uucp").is_some());
        assert!(parse_from_line(b"From here on, we meet on Tuesdays.").is_none());
        assert!(parse_from_line(b"From the desk of Mr Smith 2004").is_none());
        assert!(parse_from_line(b"From \xff\xfe Thu Nov 14 12:00:00 2005").is_some());
        assert!(parse_from_line(b"From () 2019-10-02 05:04:34 +0000").is_some());
        assert!(parse_from_line(b"From a 2019-10-02 talk").is_none());
        let spaced =
            parse_from_line(b"From zq@[10.0.0.1] [ufa]  Sun Aug  5 09:51:15 2001").unwrap();
        assert_eq!(spaced.sender, "zq@[10.0.0.1] [ufa]");
        assert_eq!(
            parse_from_line(b"From  Thu Nov 14 12:00:00 2005")
                .unwrap()
                .sender,
            ""
        );
    }

    #[test]
    fn envelope_date_is_utc_seconds() {
        let env = parse_from_line(b"From a@b Thu Nov 14 12:00:00 2005").unwrap();
        assert_eq!(env.date, Some(1_131_969_600));
        let env = parse_from_line(b"From a@b Thu Nov 14 12:00:00 2005 +0100").unwrap();
        assert_eq!(env.date, Some(1_131_969_600 - 3600));
    }

    #[test]
    fn ranges_tile_the_file_and_keep_the_last_message() {
        let data = b"From a Thu Nov 14 12:00:00 2005\nSubject: 1\n\nbody\nFrom here on\n\nFrom b Thu Nov 14 12:00:01 2005\nSubject: 2\n\nlast";
        let ranges = subjects(data);
        assert_eq!(ranges.len(), 2);
        assert_eq!(ranges[0].start, 0);
        assert_eq!(ranges[0].end, ranges[1].start);
        assert_eq!(ranges[1].end, data.len());
        assert!(data[ranges[1].clone()].starts_with(b"From b"));
    }

    #[test]
    fn crlf_and_cr_only() {
        let crlf = b"From a Thu Nov 14 12:00:00 2005\r\nSubject: 1\r\n\r\nx\r\n\r\nFrom b Thu Nov 14 12:00:01 2005\r\nSubject: 2\r\n\r\ny\r\n";
        assert_eq!(split(crlf).len(), 2);
        let cr = b"From a Thu Nov 14 12:00:00 2005\rSubject: 1\r\rx\r\rFrom b Thu Nov 14 12:00:01 2005\rSubject: 2\r\ry\r";
        let ranges = split(cr);
        assert_eq!(ranges.len(), 2);
        let view = parsed_view(&cr[ranges[0].clone()], true);
        assert_eq!(view.envelope.unwrap().sender, "a");
        assert_eq!(&*view.bytes, b"Subject: 1\n\nx\n");
        // A CR-only message inside an LF mbox is still split and read.
        let mixed = b"From a Thu Nov 14 12:00:00 2005\nS: 1\n\nx\n\nFrom b Thu Nov 14 12:00:01 2005\rS: 2\r\ry\r\n\n";
        let ranges = split(mixed);
        assert_eq!(ranges.len(), 2);
        let view = parsed_view(&mixed[ranges[1].clone()], true);
        assert_eq!(view.envelope.unwrap().sender, "b");
        assert_eq!(&*view.bytes, b"S: 2\n\ny\r\n");
    }

    #[test]
    fn bare_from_line_splits_only_before_headers() {
        let data = b"From \nSubject: 1\n\nbody\nFrom \nmore\n\nFrom \nSubject: 2\n\nx\n\nFrom here on\nnot a header\n";
        let ranges = split(data);
        assert_eq!(ranges.len(), 2);
        assert!(data[ranges[1].clone()].starts_with(b"From \nSubject: 2"));
    }

    #[test]
    fn a_long_from_line_is_not_an_envelope_and_costs_little() {
        let mut line = b"From ".to_vec();
        line.extend(b"Mon ".repeat(100_000));
        assert!(parse_from_line(&line).is_none());
    }

    #[test]
    fn sniff_stops_at_the_second_separator() {
        assert!(holds_several_messages(b"From a Thu Nov 14 12:00:00 2005\nS: 1\n\nx\n\nFrom b Thu Nov 14 12:00:00 2005\nS: 2\n\ny\n"));
        assert!(!holds_several_messages(
            b"From a Thu Nov 14 12:00:00 2005\nS: 1\n\nFrom here on\n"
        ));
        assert!(!holds_several_messages(b"S: 1\n\nx\n"));
    }

    #[test]
    fn message_files_keep_their_trailing_blank_line() {
        assert_eq!(parsed_view(b"S: 1\n\nx\n\n", false).bytes.len(), 9);
        assert_eq!(
            parsed_view(b"From a Thu Nov 14 12:00:00 2005\nS: 1\n\nx\n\n", true)
                .bytes
                .len(),
            8
        );
    }

    #[test]
    fn empty_and_whitespace_files_have_no_messages() {
        assert!(split(b"").is_empty());
        assert!(split(b"\n").is_empty());
    }

    #[test]
    fn leading_garbage_is_kept_as_a_message() {
        let data =
            b"Subject: stray\n\nno envelope\n\nFrom a Thu Nov 14 12:00:00 2005\nSubject: 1\n\nx\n";
        let ranges = split(data);
        assert_eq!(ranges.len(), 2);
        assert_eq!(ranges[0].start, 0);
    }

    #[test]
    fn unquoting_removes_one_level() {
        let view = parsed_view(
            b"From a Thu Nov 14 12:00:00 2005\nS: 1\n\n>From x\n>>From y\n> From z\n\n",
            true,
        );
        assert_eq!(&*view.unquoted(), b"S: 1\n\nFrom x\n>From y\n> From z\n");
        assert_eq!(&*view.bytes, b"S: 1\n\n>From x\n>>From y\n> From z\n");
        let raw = parsed_view(b"S: 1\n\n>From x\n", false);
        assert_eq!(&*raw.unquoted(), b"S: 1\n\n>From x\n");
        let undated = parsed_view(b"From \nS: 1\n\nx", false);
        assert_eq!(undated.envelope.unwrap().date, None);
        assert_eq!(&*undated.bytes, b"S: 1\n\nx");
    }

    #[test]
    fn parallel_split_matches_serial() {
        let mut data = Vec::new();
        let mut n = 0;
        while data.len() < PARALLEL_SPLIT_BYTES + 3 * SPLIT_CHUNK_BYTES {
            data.extend_from_slice(b"From a Thu Nov 14 12:00:00 2005\nSubject: x\n\n");
            data.extend(std::iter::repeat_n(b'y', 1000 + n % 977));
            data.extend_from_slice(b"\nFrom here on\n\n");
            n += 1;
        }
        let ranges = split(&data);
        assert_eq!(ranges.len(), n);
        let mut serial = vec![0];
        scan_chunk(
            &data,
            0..data.len(),
            b"\nFrom ",
            LineEnding::Lf,
            &mut serial,
        );
        assert_eq!(ranges.iter().map(|r| r.start).collect::<Vec<_>>(), serial);
    }
}
