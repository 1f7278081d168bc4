//! The fast path for searches that read only texts (keywords, links): the MIME tree is
//! walked by its boundaries (`mime::split_multipart`, as the inventory walks it), only
//! part headers are parsed (with mail-parser's field parsers), and only the parts the
//! search reads are decoded: text bodies, HTML, attached messages, and a zip attachment
//! when its members' names are wanted. mail-parser's full parse decodes every part,
//! the base64 of every image and PDF included: a third of a search's time.
//!
//! When files are wanted (rescans, files searches) the walk also keeps the files it
//! meets, as long as it is sure every reader takes the same bytes for them: a part of a
//! type mail-parser reads as a file, delimited in a structure every reader splits alike,
//! with no transfer encoding or clean base64. Otherwise (`Walk::files_unsure`: another
//! transfer encoding, irregular base64, a structure readers may split differently, a
//! digest) mail-parser's full parse (`file_walk`) finds the message's files, as it did
//! for every message with a file before; so it does when a message with files has a
//! text body whose encoding mail-parser would flag, whose problem it reports.
//!
//! Transfer decoding is lenient from the start (`recover`), so a part a strict decoder
//! would give up on reads as mail readers show it.

use std::borrow::Cow;

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::ContentType;

use super::{decode_unstructured, section, single_byte, TextField, Walk};
use crate::message::headers::{scan_fields, HeaderBlock};
use crate::message::mime::{parse_content_type, split_multipart_clean};
use crate::message::{recover, zip};

/// How deep attached messages and multiparts nest before the rest is skipped.
const MAX_DEPTH: usize = 32;

/// The header fields of a part that decide how its body is read.
#[derive(Default)]
pub(super) struct PartHeaders<'a> {
    ctype: Option<ContentType<'a>>,
    disposition: Option<ContentType<'a>>,
    encoding: Option<&'a [u8]>,
    subject: Option<&'a [u8]>,
    /// Stray lines, no blank line after the header block, or a repeated Content-Type,
    /// Content-Disposition or Content-Transfer-Encoding: another reader (mail-parser)
    /// may see the part differently.
    ambiguous: bool,
}

/// A part's header fields and where its body starts.
fn part_headers(bytes: &[u8]) -> (PartHeaders<'_>, usize) {
    let mut reader = PartHeaderReader::default();
    let block = scan_fields(bytes, |name, value| reader.offer(name, value));
    reader.finish(&block, bytes.len())
}

/// Reads a part's header fields as a header scan hands them over: on its own for a
/// part, or beside the top-level fields' decoding, which scans the same block.
#[derive(Default)]
pub(super) struct PartHeaderReader<'a> {
    h: PartHeaders<'a>,
    repeated: bool,
}

impl<'a> PartHeaderReader<'a> {
    pub(super) fn offer(&mut self, name: &[u8], value: &'a [u8]) {
        let h = &mut self.h;
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        if is("content-type") {
            self.repeated |= h.ctype.is_some();
            h.ctype = h.ctype.take().or_else(|| parse_content_type(value));
        } else if is("content-disposition") {
            self.repeated |= h.disposition.is_some();
            h.disposition = h.disposition.take().or_else(|| parse_content_type(value));
        } else if is("content-transfer-encoding") {
            self.repeated |= h.encoding.is_some();
            h.encoding = h.encoding.or(Some(value));
        } else if h.subject.is_none() && is("subject") {
            h.subject = Some(value);
        }
    }

    /// The fields read and where the body of `len` bytes starts, once the scan that
    /// fed [`Self::offer`] returned `block`.
    pub(super) fn finish(self, block: &HeaderBlock, len: usize) -> (PartHeaders<'a>, usize) {
        let mut h = self.h;
        // A part without the blank line that ends its header block (mail-parser reads on
        // into what follows) is as ambiguous.
        h.ambiguous = self.repeated || block.stray_lines > 0 || !block.terminated;
        (h, block.body_offset.min(len))
    }
}

/// A body with its transfer encoding undone (lenient: see `recover`), and for base64
/// the plain text appended after the data.
fn transfer_decoded<'a>(body: &'a [u8], encoding: Option<&[u8]>) -> (Cow<'a, [u8]>, &'a [u8]) {
    let (data, trailer, _) = transfer_decoded_checked(body, encoding);
    (data, trailer)
}

/// [`transfer_decoded`], and whether the encoding was regular: clean base64 or
/// quoted-printable whose every `=` begins an escape or a soft line break, which every
/// decoder reads alike and mail-parser without a problem.
fn transfer_decoded_checked<'a>(
    body: &'a [u8],
    encoding: Option<&[u8]>,
) -> (Cow<'a, [u8]>, &'a [u8], bool) {
    let encoding = encoding.map(<[u8]>::trim_ascii).unwrap_or_default();
    if encoding.eq_ignore_ascii_case(b"base64") {
        // Clean base64 (nearly all of it) decodes four characters at a time, and has
        // no appended text to look for.
        if let Some(data) = recover::base64_clean(body) {
            return (Cow::Owned(data), &[], true);
        }
        let (data, trailer) = recover::base64_with_trailer(body);
        (Cow::Owned(data), trailer, false)
    } else if encoding.eq_ignore_ascii_case(b"quoted-printable") {
        let (data, regular) = recover::quoted_printable_checked(body);
        (Cow::Owned(data), &[], regular)
    } else {
        (Cow::Borrowed(body), &[], true)
    }
}

/// Text in UTF-8 from its charset (unknown charsets read as UTF-8, as mail-parser does).
/// Text that is valid UTF-8 already (all ASCII mail) is taken as it is: validating is
/// much cheaper than a charset decoder's byte-by-byte copy.
/// A decoded body that is its own text is not copied.
fn to_text(bytes: Cow<[u8]>, ctype: Option<&ContentType>) -> String {
    let charset = ctype.and_then(|c| c.attribute("charset"));
    let utf8_compatible = charset.is_none_or(|c| {
        ["utf-8", "utf8", "us-ascii", "ascii"]
            .iter()
            .any(|u| c.eq_ignore_ascii_case(u))
    });
    let same_as_ascii = utf8_compatible || (bytes.is_ascii() && charset.is_some_and(ascii_based));
    let bytes = match bytes {
        Cow::Owned(owned) if same_as_ascii => match String::from_utf8(owned) {
            Ok(text) => return text,
            Err(not_utf8) => Cow::Owned(not_utf8.into_bytes()),
        },
        Cow::Borrowed(borrowed) if same_as_ascii => match std::str::from_utf8(borrowed) {
            Ok(text) => return text.to_string(),
            Err(_) => Cow::Borrowed(borrowed),
        },
        other => other,
    };
    if let Some(text) = charset.and_then(|c| single_byte::decode(c, &bytes)) {
        return text;
    }
    match charset.and_then(|c| charset_decoder(c.as_bytes())) {
        Some(decode) => decode(&bytes),
        None => String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Whether a charset spells ASCII bytes as ASCII (ISO-8859-*, Windows-125x, KOI8, …).
/// Not the 7-bit stateful encodings (ISO-2022-JP, UTF-7, HZ), whose ASCII bytes are
/// escapes, nor the wide ones (UTF-16/32, UCS-2/4).
fn ascii_based(charset: &str) -> bool {
    let c = charset.to_ascii_lowercase().replace(['-', '_'], "");
    ![
        "iso2022",
        "csiso2022",
        "utf7",
        "unicode11utf7",
        "hz",
        "utf16",
        "utf32",
        "ucs2",
        "ucs4",
    ]
    .iter()
    .any(|p| c.starts_with(p))
}

impl Walk<'_, '_, '_> {
    /// A message (top level or attached): its subject and body; `prefix` is the section
    /// of the part holding it.
    pub(super) fn fast_message(&mut self, bytes: &[u8], prefix: &str, depth: usize) {
        let (h, body_at) = part_headers(bytes);
        self.fast_message_read(&h, &bytes[body_at..], prefix, depth);
    }

    /// A message whose header block `h` was read already; `body` follows it.
    pub(super) fn fast_message_read(
        &mut self,
        h: &PartHeaders,
        body: &[u8],
        prefix: &str,
        depth: usize,
    ) {
        self.files_unsure |= h.ambiguous;
        if let Some(subject) = h.subject {
            self.text(TextField::Subject, prefix, || decode_unstructured(subject));
        }
        match multipart_boundary(h) {
            Some(boundary) => self.fast_children(h, body, boundary, prefix, depth),
            None => self.fast_part(h, body, &section(prefix, 1), depth, false),
        }
    }

    /// A message without a header block, read as one plain text part.
    pub(super) fn fast_plain_text(&mut self, bytes: &[u8]) {
        self.fast_part(&PartHeaders::default(), bytes, "1", 0, false);
    }

    /// The children of a multipart part or message with headers `h`.
    fn fast_children(
        &mut self,
        h: &PartHeaders,
        body: &[u8],
        boundary: &str,
        prefix: &str,
        depth: usize,
    ) {
        // A digest's parts are messages by default: files to mail-parser.
        self.files_unsure |= h
            .ctype
            .as_ref()
            .and_then(|c| c.subtype())
            .is_some_and(|s| s.eq_ignore_ascii_case("digest"));
        if depth >= MAX_DEPTH || boundary.is_empty() {
            self.files_unsure = true;
            return;
        }
        let (children, clean) = split_multipart_clean(body, boundary.as_bytes());
        // Where readers may split differently, only mail-parser's full parse tells
        // which files the message carries.
        self.files_unsure |= !clean;
        if children.is_empty() {
            // The boundary never occurs: by RFC 2046 the body is all preamble, but mail
            // readers show it as text, and a search must not skip what a person sees.
            let plain = PartHeaders::default();
            return self.fast_part(&plain, body, &section(prefix, 1), depth + 1, false);
        }
        for (n, child) in children.into_iter().enumerate() {
            let (h, at) = part_headers(child);
            self.fast_part(&h, &child[at..], &section(prefix, n + 1), depth + 1, true);
        }
    }

    /// `delimited`: the body is a multipart's child, ended by a delimiter line (not the
    /// rest of a message, where readers differ on the last line break).
    fn fast_part(
        &mut self,
        h: &PartHeaders,
        body: &[u8],
        path: &str,
        depth: usize,
        delimited: bool,
    ) {
        self.files_unsure |= h.ambiguous;
        if self.over_part_cap() {
            self.files_unsure = true;
            return;
        }
        if let Some(boundary) = multipart_boundary(h) {
            return self.fast_children(h, body, boundary, path, depth);
        }
        let ctype = h.ctype.as_ref();
        let main = ctype.map_or("text", |c| c.ctype());
        let sub = ctype.and_then(|c| c.subtype()).unwrap_or("plain");
        let name = h
            .disposition
            .as_ref()
            .and_then(|d| d.attribute("filename"))
            .or_else(|| ctype.and_then(|c| c.attribute("name")))
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if let Some(n) = name {
            self.text(TextField::AttachmentName, path, || n.to_string());
        }
        let is_attachment = name.is_some()
            || h.disposition
                .as_ref()
                .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
        let is = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let is_html = is(main, "text") && is(sub, "html");
        let is_message = is(main, "message") && (is(sub, "rfc822") || is(sub, "global"));
        // Only a body (text, not an attachment) is no file; anything else may be one.
        let mut file = None;
        if !is(main, "text") || is_attachment || depth >= MAX_DEPTH {
            // What mail-parser reads as a file, and where it ends as every reader ends it.
            let readable = delimited
                && depth < MAX_DEPTH
                && (is_message || FILE_TYPES.iter().any(|t| is(main, t)));
            file = self.sure_file_bytes(body, h.encoding, readable);
        }
        if is_message {
            // The attached message is kept before the files inside it, as mail-parser
            // lists them.
            if let Some(data) = file.take() {
                self.keep_file(path, name, data);
            }
            if depth < MAX_DEPTH {
                let (decoded, _) = transfer_decoded(body, h.encoding);
                self.fast_message(&decoded, path, depth + 1);
            }
        } else if is(main, "text") && !is_attachment {
            let (decoded, trailer, regular) = transfer_decoded_checked(body, h.encoding);
            self.bodies_irregular |= !regular;
            let mut text = to_text(decoded, ctype);
            if !trailer.is_empty() {
                text.push('\n');
                text.push_str(&String::from_utf8_lossy(trailer));
            }
            if is_html {
                self.text(TextField::BodyHtml, path, || super::html_text(&text));
                self.html(false, path, text);
            } else {
                self.text(TextField::BodyText, path, || text);
            }
        } else if is_html && self.want.html {
            let decoded = kept_or_decoded(file.as_deref(), body, h.encoding);
            self.html(true, path, to_text(decoded, ctype));
        } else if self.want.names_and_html_text && may_be_zip(body, h.encoding) {
            let decoded = kept_or_decoded(file.as_deref(), body, h.encoding);
            if zip::looks_like_zip(&decoded) {
                let prefix = match name {
                    Some(n) => format!("{path}/{n}"),
                    None => path.to_string(),
                };
                self.zip(&prefix, &decoded, 1, false);
            }
        }
        if let Some(data) = file {
            self.keep_file(path, name, data);
        }
    }
}

/// A file the text walk found in a clean structure, kept until the walk ends: mail-parser
/// decides the files instead if the walk later meets a part it may read differently.
pub(super) struct FoundFile {
    pub(super) path: String,
    pub(super) name: Option<String>,
    pub(super) data: Vec<u8>,
}

impl Walk<'_, '_, '_> {
    /// The bytes of a part that is or may be a file, where every reader takes the same
    /// bytes for it (`readable`: a type mail-parser reads as a file, in a multipart's
    /// child ended by its delimiter line; and no transfer encoding, or clean base64).
    /// Anything else leaves the message's files to mail-parser's full parse, as every
    /// file was before, and the walk stops keeping files.
    fn sure_file_bytes(
        &mut self,
        body: &[u8],
        encoding: Option<&[u8]>,
        readable: bool,
    ) -> Option<Vec<u8>> {
        let data = (readable && self.want.files && !self.files_unsure)
            .then(|| file_bytes(body, encoding))
            .flatten();
        self.files_unsure |= data.is_none();
        data
    }

    /// Keeps a file the walk is sure of (see [`Self::sure_file_bytes`]).
    fn keep_file(&mut self, path: &str, name: Option<&str>, data: Vec<u8>) {
        self.found_files.push(FoundFile {
            path: path.to_string(),
            name: name.map(str::to_string),
            data,
        });
    }
}

/// A part's bytes: those kept as its file, else its body transfer-decoded (leniently).
fn kept_or_decoded<'a>(
    kept: Option<&'a [u8]>,
    body: &'a [u8],
    encoding: Option<&[u8]>,
) -> Cow<'a, [u8]> {
    kept.map_or_else(|| transfer_decoded(body, encoding).0, Cow::Borrowed)
}

/// The main MIME types mail-parser reads as a file (besides attached messages).
const FILE_TYPES: [&str; 7] = [
    "text",
    "application",
    "image",
    "audio",
    "video",
    "font",
    "model",
];

/// A file's bytes when every reader decodes them alike: no transfer encoding (7bit,
/// 8bit, binary or none said), or base64 that is clean (`recover::base64_clean`).
fn file_bytes(body: &[u8], encoding: Option<&[u8]>) -> Option<Vec<u8>> {
    let encoding = encoding.map(<[u8]>::trim_ascii).unwrap_or_default();
    let unencoded = [&b""[..], b"7bit", b"8bit", b"binary"]
        .iter()
        .any(|e| encoding.eq_ignore_ascii_case(e));
    if unencoded {
        Some(body.to_vec())
    } else if encoding.eq_ignore_ascii_case(b"base64") {
        recover::base64_clean(body)
    } else {
        None
    }
}

fn multipart_boundary<'h>(h: &'h PartHeaders) -> Option<&'h str> {
    let c = h.ctype.as_ref()?;
    c.ctype()
        .eq_ignore_ascii_case("multipart")
        .then(|| c.attribute("boundary"))
        .flatten()
}

/// Whether an attachment's body can start a zip archive (`PK\x03\x04`, `PK\x05\x06`),
/// judged from its first bytes, so other attachments are never decoded.
fn may_be_zip(body: &[u8], encoding: Option<&[u8]>) -> bool {
    let start = body.trim_ascii_start();
    let base64 = encoding.is_some_and(|e| e.trim_ascii().eq_ignore_ascii_case(b"base64"));
    if base64 {
        // "PK\x03\x04" and "PK\x05\x06" in base64.
        start.starts_with(b"UEsDB") || start.starts_with(b"UEsFB")
    } else {
        zip::looks_like_zip(start) || start.starts_with(b"PK=03=04")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctype(value: &str) -> ContentType<'static> {
        let line: &'static str = Box::leak(format!(" {value}\n").into_boxed_str());
        parse_content_type(line.as_bytes()).unwrap()
    }

    #[test]
    fn ascii_shortcut_never_skips_a_stateful_charset() {
        let jis = b"\x1b$B$3$s$K$A$O\x1b(B";
        let text = to_text(
            Cow::Borrowed(jis),
            Some(&ctype("text/plain; charset=ISO-2022-JP")),
        );
        assert_eq!(text, "こんにちは");
        let latin1 = to_text(
            Cow::Owned(b"Gr\xfc\xdfe".to_vec()),
            Some(&ctype("text/plain; charset=iso-8859-1")),
        );
        assert_eq!(latin1, "Grüße");
        assert_eq!(
            to_text(
                Cow::Borrowed(b"plain"),
                Some(&ctype("text/plain; charset=windows-1252"))
            ),
            "plain"
        );
        assert!(!ascii_based("ISO-2022-JP") && !ascii_based("utf-7") && ascii_based("KOI8-R"));
    }
}
