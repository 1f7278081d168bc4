//! The MIME skeleton: walks multipart bodies by their boundaries and parses only the
//! `Content-Type` and `Content-Disposition` of each part (with mail-parser's field
//! parser, so RFC 2047 and RFC 2231 names are decoded), never part bodies. This is what lets `scan` list attachments at memory speed: base64 bodies are
//! skipped over by `memmem`, not decoded.

use mail_parser::parsers::MessageStream;
use mail_parser::ContentType;
use memchr::memmem;

use super::headers::scan_fields;

/// Nesting and fan-out caps against MIME bombs.
const MAX_DEPTH: usize = 32;
const MAX_PARTS: usize = 10_000;

/// An attachment as the inventory lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its file name (Content-Disposition `filename`, else Content-Type `name`).
    pub name: Option<String>,
    /// `type/subtype`, lowercase.
    pub content_type: String,
}

/// Collects attachments of a message given its root content type and body.
pub fn attachments(
    root_type: Option<&ContentType>,
    root_disposition: Option<&ContentType>,
    body: &[u8],
) -> Vec<Attachment> {
    let mut walk = Walk {
        out: Vec::new(),
        parts: 0,
    };
    walk.part(root_type, root_disposition, body, 0);
    walk.out
}

struct Walk {
    out: Vec<Attachment>,
    parts: usize,
}

impl Walk {
    fn part(
        &mut self,
        ctype: Option<&ContentType>,
        disposition: Option<&ContentType>,
        body: &[u8],
        depth: usize,
    ) {
        self.parts += 1;
        if self.parts > MAX_PARTS {
            return;
        }
        // Compared without allocating: most parts are text bodies, not attachments.
        let main = ctype.map_or("text", |c| c.ctype());
        let sub = ctype.and_then(|c| c.subtype()).unwrap_or("plain");
        let is = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        if is(main, "multipart") {
            if let Some(boundary) = ctype.and_then(|c| c.attribute("boundary")) {
                if depth < MAX_DEPTH && !boundary.is_empty() {
                    for child in split_multipart(body, boundary.as_bytes()) {
                        self.child(child, depth + 1);
                    }
                }
            }
            return;
        }
        let name = disposition
            .and_then(|d| d.attribute("filename"))
            .or_else(|| ctype.and_then(|c| c.attribute("name")))
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        let disposed = disposition.is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
        let is_message = is(main, "message");
        let structural = is(main, "text")
            || (is_message
                && [
                    "delivery-status",
                    "disposition-notification",
                    "feedback-report",
                ]
                .iter()
                .any(|s| is(sub, s)));
        if disposed || name.is_some() || (!structural && (depth > 0 || is_message)) {
            self.out.push(Attachment {
                name,
                content_type: format!("{main}/{sub}").to_ascii_lowercase(),
            });
        }
    }

    fn child(&mut self, part: &[u8], depth: usize) {
        let (mut ctype, mut disposition) = (None, None);
        let block = scan_fields(part, |name, value| {
            if ctype.is_none() && name.eq_ignore_ascii_case(b"content-type") {
                ctype = parse_content_type(value);
            } else if disposition.is_none() && name.eq_ignore_ascii_case(b"content-disposition") {
                disposition = parse_content_type(value);
            }
        });
        self.part(
            ctype.as_ref(),
            disposition.as_ref(),
            &part[block.body_offset..],
            depth,
        );
    }
}

/// A `Content-Type` or `Content-Disposition` value, parameters decoded.
pub fn parse_content_type(value: &[u8]) -> Option<ContentType<'_>> {
    MessageStream::new(value)
        .parse_content_type()
        .into_content_type()
}

/// The parts of a multipart body: the text between `--boundary` delimiter lines, up to
/// the closing `--boundary--` (or the end, for truncated messages). The preamble and
/// epilogue are not parts.
pub(super) fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    split_multipart_clean(body, boundary).0
}

/// [`split_multipart`], and whether the split is clean: the closing delimiter was
/// reached (not a truncated body, nor one cut at the part cap) and the boundary never
/// occurs where it is not a delimiter (indented, mid-line, followed by other text),
/// which more lenient readers (mail-parser) may take for one.
pub(super) fn split_multipart_clean<'a>(body: &'a [u8], boundary: &[u8]) -> (Vec<&'a [u8]>, bool) {
    let mut needle = Vec::with_capacity(boundary.len() + 2);
    needle.extend_from_slice(b"--");
    needle.extend_from_slice(boundary);
    let finder = memmem::Finder::new(&needle);
    let mut parts = Vec::new();
    let mut current: Option<usize> = None;
    let mut search_from = 0;
    let mut clean = true;
    while let Some(hit) = finder.find(&body[search_from..]) {
        let at = search_from + hit;
        search_from = at + needle.len();
        if at != 0 && body[at - 1] != b'\n' {
            clean = false;
            continue;
        }
        // The boundary must end the line (or be the closing `--boundary--`): with
        // boundary `b`, a line `--b2` belongs to a nested multipart, not to this one.
        let after = &body[search_from..];
        let rest = after
            .iter()
            .position(|&c| c != b' ' && c != b'\t')
            .map_or(&[][..], |i| &after[i..]);
        if !(after.starts_with(b"--") || rest.is_empty() || rest[0] == b'\r' || rest[0] == b'\n') {
            clean = false;
            continue;
        }
        if let Some(start) = current.take() {
            parts.push(trim_line_end(&body[start..at.saturating_sub(1).max(start)]));
        }
        if body[search_from..].starts_with(b"--") {
            return (parts, clean);
        }
        let line_end =
            memchr::memchr(b'\n', &body[search_from..]).map_or(body.len(), |i| search_from + i + 1);
        current = Some(line_end);
        if parts.len() >= MAX_PARTS {
            return (parts, false);
        }
    }
    if let Some(start) = current {
        parts.push(&body[start..]);
    }
    (parts, false)
}

fn trim_line_end(part: &[u8]) -> &[u8] {
    part.strip_suffix(b"\r").unwrap_or(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_parts_and_stops_at_close() {
        let body =
            b"preamble\n--b\nA: 1\n\none\n--b\r\nA: 2\r\n\r\ntwo\r\n--b--\nepilogue\n--b\nX: no\n";
        let parts = split_multipart(body, b"b");
        assert_eq!(parts, vec![&b"A: 1\n\none"[..], &b"A: 2\r\n\r\ntwo"[..]]);
    }

    #[test]
    fn truncated_multipart_keeps_last_part() {
        let parts = split_multipart(b"--b\nA: 1\n\none\n--b\nA: 2\n\ntw", b"b");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1], b"A: 2\n\ntw");
    }

    #[test]
    fn a_longer_boundary_is_not_a_delimiter() {
        let body = b"--b\nContent-Type: multipart/mixed; boundary=b2\n\n--b2\nA: 1\n\nx\n--b2--\n--b\nA: 2\n\ny\n--b--\n";
        let parts = split_multipart(body, b"b");
        assert_eq!(parts.len(), 2);
        assert!(parts[0].ends_with(b"--b2--"));
    }

    #[test]
    fn boundary_must_start_a_line() {
        let parts = split_multipart(b"--b\nA: 1\n\nx--b y\n--b--\n", b"b");
        assert_eq!(parts, vec![&b"A: 1\n\nx--b y"[..]]);
    }
}
