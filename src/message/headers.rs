//! Header lines without a full parse. The scan finds each header field of a header
//! block with `memchr` (continuation lines included) and hands its raw value to the
//! caller, who gives the few fields it needs to mail-parser's field parsers. Skipping
//! the fields nobody reads (dozens of `Received` and `X-` lines in real mail) is most
//! of what makes `scan` faster than `MessageParser::parse_headers`.

use std::borrow::Cow;

/// What a scan of a header block found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderBlock {
    /// Offset where the body starts (after the blank line), or the input length.
    pub body_offset: usize,
    /// Whether the block starts with a well-formed `Name: value` field.
    pub well_formed: bool,
    /// Lines of the block that are neither a field nor a field's continuation (skipped;
    /// readers differ on them, which hides fields from some: a MIME evasion trick).
    pub stray_lines: usize,
    /// The block ends with a blank line (not at the end of the bytes).
    pub terminated: bool,
}

/// Header bytes as text: borrowed when they are UTF-8, as nearly all are, with U+FFFD
/// for what is not. `String::from_utf8_lossy` checks byte by byte; `str::from_utf8`
/// checks ASCII a word at a time, which made it the cheaper first try on field names
/// and values.
pub fn lossy_utf8(bytes: &[u8]) -> Cow<'_, str> {
    std::str::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed)
}

/// Calls `visit(name, raw_value)` for every field of the header block at the start of
/// `bytes`, in order. `raw_value` runs from after the colon to the end of the field's
/// last continuation line, terminator included.
pub fn scan_fields<'a>(bytes: &'a [u8], mut visit: impl FnMut(&'a [u8], &'a [u8])) -> HeaderBlock {
    let mut pos = 0;
    let mut current: Option<(&[u8], usize)> = None;
    let mut well_formed = false;
    let mut first = true;
    let mut stray_lines = 0;
    // One searcher for the whole block: cheaper than a memchr call per short line.
    let mut line_ends = memchr::memchr_iter(b'\n', bytes);
    while pos < bytes.len() {
        let end = line_ends.next().map_or(bytes.len(), |i| i + 1);
        let line = &bytes[pos..end];
        if line == b"\n" || line == b"\r\n" {
            if let Some((name, start)) = current.take() {
                visit(name, &bytes[start..pos]);
            }
            return HeaderBlock {
                body_offset: end,
                well_formed,
                stray_lines,
                terminated: true,
            };
        }
        if matches!(line[0], b' ' | b'\t') && current.is_some() {
            pos = end;
            continue;
        }
        if let Some((name, start)) = current.take() {
            visit(name, &bytes[start..pos]);
        }
        // A line that is not a field (stray text in the header block) is skipped.
        if let Some((name, colon)) = field_name(line) {
            well_formed |= first;
            current = Some((name, pos + colon + 1));
        } else {
            stray_lines += 1;
        }
        first = false;
        pos = end;
    }
    if let Some((name, start)) = current.take() {
        visit(name, &bytes[start..]);
    }
    HeaderBlock {
        body_offset: bytes.len(),
        well_formed,
        stray_lines,
        terminated: false,
    }
}

/// The field name of a header line and the offset of its colon (printable ASCII
/// before the colon; whitespace before the colon, allowed by RFC 822, is trimmed).
/// A byte loop: names are short, and most lines reveal themselves in a few bytes.
fn field_name(line: &[u8]) -> Option<(&[u8], usize)> {
    let mut name_end = 0;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b':' => return (name_end > 0).then(|| (&line[..name_end], i)),
            b' ' | b'\t' => {}
            33..=126 if name_end == i => name_end = i + 1,
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(bytes: &[u8]) -> (Vec<(String, String)>, HeaderBlock) {
        let mut out = Vec::new();
        let block = scan_fields(bytes, |n, v| {
            out.push((
                String::from_utf8_lossy(n).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            ))
        });
        (out, block)
    }

    #[test]
    fn folded_fields_and_body_offset() {
        let msg = b"Received: from a\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\nDATE: x\nSubject : y\n\nbody";
        let (f, block) = fields(msg);
        assert_eq!(
            f,
            vec![
                (
                    "Received".into(),
                    " from a\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\n".into()
                ),
                ("DATE".into(), " x\n".into()),
                ("Subject".into(), " y\n".into()),
            ]
        );
        assert!(block.well_formed);
        assert_eq!(block.body_offset, msg.len() - 4);
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name(b"Subject: x"), Some((&b"Subject"[..], 7)));
        assert_eq!(field_name(b"Subject \t: x"), Some((&b"Subject"[..], 9)));
        assert_eq!(field_name(b"Sub ject: x"), None);
        assert_eq!(field_name(b": x"), None);
        assert_eq!(field_name(b" Subject: x"), None);
        assert_eq!(field_name(b"no colon"), None);
    }

    #[test]
    fn crlf_and_missing_headers() {
        assert_eq!(scan_fields(b"A: b\r\n\r\nc", |_, _| {}).body_offset, 8);
        assert_eq!(scan_fields(b"\r\nbody", |_, _| {}).body_offset, 2);
        let (f, block) = fields(b"just a line of text\nX: y\n\nbody");
        assert!(!block.well_formed);
        assert_eq!(f.len(), 1);
        let (_, block) = fields(b"A: no body");
        assert_eq!(block.body_offset, 10);
    }

    #[test]
    fn stray_lines_are_counted() {
        // A line without a colon hides the continuation after it from this scan.
        let (f, block) = fields(b"From: me\nX-Foo-bar\n Content-type: multipart/mixed\n\nbody");
        assert_eq!(f.len(), 1);
        assert_eq!(block.stray_lines, 2);
        let (_, block) = fields(b"From: me\nSubject: a\n b\n\nbody");
        assert_eq!(block.stray_lines, 0);
    }
}
