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
//! blank line (or starts the file) and carries an envelope date (`Www Mmm dd hh:mm:ss
//! yyyy`, with optional zone): a body line `From here on…` never splits a message.
//! LF, CRLF and CR-only line endings are recognised.
//!
//! **Parsed view.** The `From ` line and the trailing separator line are cut, CR-only
//! line ends become LF, and `>From ` quoting (mboxo and mboxrd: `>+From ` loses one `>`)
//! is undone. The view borrows the stored bytes unless one of these needs a copy; the
//! stored bytes are never changed.

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

/// The line ending of a file, judged by its first line terminator.
pub fn detect_line_ending(data: &[u8]) -> LineEnding {
    let head = &data[..data.len().min(1 << 16)];
    match (memchr::memchr(b'\n', head), memchr::memchr(b'\r', head)) {
        (Some(lf), Some(cr)) if cr + 1 == lf => LineEnding::Crlf,
        (None, Some(_)) => LineEnding::Cr,
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
    after_blank && parse_from_line(line_at(data, start, ending)).is_some()
}

/// The line starting at `start`, without its terminator.
fn line_at(data: &[u8], start: usize, ending: LineEnding) -> &[u8] {
    let terminator = if ending == LineEnding::Cr {
        b'\r'
    } else {
        b'\n'
    };
    let rest = &data[start..];
    let line = match memchr::memchr(terminator, rest) {
        Some(end) => &rest[..end],
        None => rest,
    };
    line.strip_suffix(b"\r").unwrap_or(line)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses a `From sender date` line strictly. Returns `None` when the rest of the line
/// is not an envelope date, which is what separates `From here on` from a separator.
pub fn parse_from_line(line: &[u8]) -> Option<Envelope> {
    let rest = line.strip_prefix(b"From ")?;
    let text = String::from_utf8_lossy(rest);
    let text = text.trim_start();
    let (sender, date_text) = split_sender(text)?;
    let date = parse_envelope_date(date_text)?;
    Some(Envelope {
        sender: sender.to_string(),
        date: Some(date),
    })
}

fn split_sender(text: &str) -> Option<(&str, &str)> {
    if let Some(quoted) = text.strip_prefix('"') {
        let close = quoted.find('"')? + 1;
        let end = text[close..].find(char::is_whitespace)? + close;
        return Some((&text[..end], &text[end..]));
    }
    let end = text.find(char::is_whitespace)?;
    Some((&text[..end], &text[end..]))
}

/// An asctime-style envelope date (`Thu Nov 14 12:00:00 2005`, optionally with a zone
/// name or `+hhmm` before or after the year, or UUCP's `remote from host` after it) as
/// seconds since the epoch.
fn parse_envelope_date(text: &str) -> Option<i64> {
    let (mut month, mut day, mut time, mut year, mut offset) = (None, None, None, None, 0i64);
    for token in text.split_whitespace() {
        let t = token.trim_end_matches(',');
        let lower = t.to_ascii_lowercase();
        if lower == "remote" {
            break;
        }
        if let Some(m) = MONTHS
            .iter()
            .position(|m| lower.starts_with(m) && lower.len() <= 9)
        {
            if month.is_some() {
                return None;
            }
            month = Some(m as u8 + 1);
        } else if WEEKDAYS
            .iter()
            .any(|d| lower.starts_with(d) && lower.len() <= 9)
        {
        } else if t.contains(':') {
            time = Some(parse_clock(t)?);
        } else if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
            year = Some(t.parse::<u16>().ok()?);
        } else if (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
            day = Some(t.parse::<u8>().ok()?);
        } else if let Some(minutes) = parse_zone_offset(t) {
            offset = minutes;
        } else if !(t.len() <= 5 && t.bytes().all(|b| b.is_ascii_alphabetic())) {
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

fn parse_clock(t: &str) -> Option<(u8, u8, u8)> {
    let mut parts = t.split(':').map(|p| p.parse::<u8>().ok());
    let hour = parts.next()??;
    let minute = parts.next()??;
    let second = parts.next().unwrap_or(Some(0))?;
    (parts.next().is_none() && hour < 24 && minute < 60 && second < 61)
        .then_some((hour, minute, second))
}

/// `+hhmm` / `-hhmm` as signed minutes east of UTC.
fn parse_zone_offset(t: &str) -> Option<i64> {
    let (sign, digits) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    Some(sign * ((v / 100) * 60 + v % 100))
}

/// The bytes a parser should see for a stored message, and its envelope if it has one.
/// `mbox_quoted` undoes `>From ` quoting; it is false for Maildir and `.eml` files, whose
/// bytes are never quoted.
pub fn parsed_view(stored: &[u8], mbox_quoted: bool) -> (Option<Envelope>, Cow<'_, [u8]>) {
    let ending = detect_line_ending(stored);
    let terminator = if ending == LineEnding::Cr {
        b'\r'
    } else {
        b'\n'
    };
    let mut envelope = None;
    let mut body = stored;
    if stored.starts_with(b"From ") {
        if let Some(env) = parse_from_line(line_at(stored, 0, ending)) {
            envelope = Some(env);
            body = match memchr::memchr(terminator, stored) {
                Some(end) => &stored[end + 1..],
                None => &[],
            };
        }
    }
    body = strip_separator_line(body, ending);
    let mut view = Cow::Borrowed(body);
    if ending == LineEnding::Cr {
        view = Cow::Owned(
            body.iter()
                .map(|&b| if b == b'\r' { b'\n' } else { b })
                .collect(),
        );
    }
    if mbox_quoted && memmem::find(&view, b">From ").is_some() {
        view = Cow::Owned(unquote_from_lines(&view));
    }
    (envelope, view)
}

/// Drops the blank line an mbox writer puts after a message.
fn strip_separator_line(body: &[u8], ending: LineEnding) -> &[u8] {
    match ending {
        LineEnding::Cr => body
            .strip_suffix(b"\r\r")
            .map_or(body, |b| &body[..b.len() + 1]),
        _ => {
            if body.ends_with(b"\r\n\r\n") {
                &body[..body.len() - 2]
            } else if body.ends_with(b"\n\n") {
                &body[..body.len() - 1]
            } else {
                body
            }
        }
    }
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
        let (env, view) = parsed_view(&cr[ranges[0].clone()], true);
        assert_eq!(env.unwrap().sender, "a");
        assert_eq!(&*view, b"Subject: 1\n\nx\n");
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
        let (_, view) = parsed_view(
            b"From a Thu Nov 14 12:00:00 2005\nS: 1\n\n>From x\n>>From y\n> From z\n\n",
            true,
        );
        assert_eq!(&*view, b"S: 1\n\nFrom x\n>From y\n> From z\n");
        let (_, raw) = parsed_view(b"S: 1\n\n>From x\n", false);
        assert_eq!(&*raw, b"S: 1\n\n>From x\n");
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
