//! The decoded view of a whole message, what a person reads: headers with RFC 2047
//! decoded, text bodies in UTF-8 (transfer encodings and charsets undone), HTML bodies
//! and their text, attachment names and decoded contents, the same for attached
//! messages (`message/rfc822`) and for members of zip attachments.
//!
//! Built once per message by the searches, only as deep as the search reads
//! ([`Want`]): header fields from the inventory's header scan, texts and HTML by
//! `text_walk`, attachment contents by the text walk where it is sure of them and by
//! `file_walk` (mail-parser's full parse) elsewhere; `scan` never builds it. Pure: no
//! I/O.

use std::panic::{catch_unwind, AssertUnwindSafe};

use mail_parser::parsers::MessageStream;
use mail_parser::{HeaderName, HeaderValue, MessageParser};

mod file_walk;
mod single_byte;
mod text_walk;

use super::headers::{lossy_utf8, scan_fields};
use super::html_text::html_text;
use super::zip::{self, ZipCaps};
use text_walk::{PartHeaderReader, PartHeaders};

/// Zip archives inside zip archives are opened this deep (1 = members of an attachment).
const MAX_ZIP_DEPTH: usize = 3;
/// Parts visited per message, across attached messages: a cap against MIME bombs.
const MAX_PARTS: usize = 10_000;

/// Where a piece of text was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextField {
    Subject,
    BodyText,
    /// The text of an HTML body (tags dropped, entities decoded).
    BodyHtml,
    AttachmentName,
}

impl TextField {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Subject => "subject",
            Self::BodyText => "body_text",
            Self::BodyHtml => "body_html",
            Self::AttachmentName => "attachment_name",
        }
    }
}

/// A decoded text and where it is: `path` is the MIME part (IMAP section numbers such as
/// `2.1`, then `/name/member` inside zip archives); empty for the top-level headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub field: TextField,
    pub path: String,
    pub text: String,
}

/// Raw decoded HTML (a body or an HTML attachment), where links are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Html {
    /// `true` for an HTML attachment rather than a body.
    pub attachment: bool,
    pub path: String,
    pub html: String,
}

/// An attached file: its decoded contents (exactly the file a recipient would save).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub name: Option<String>,
    /// `None` when the contents cannot be read (an encrypted or capped zip member).
    pub data: Option<Vec<u8>>,
    pub problem: Option<String>,
}

/// A header that names a sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SenderField {
    From,
    Sender,
    ReplyTo,
    ReturnPath,
}

impl SenderField {
    fn of(name: &str) -> Option<SenderField> {
        [
            ("from", Self::From),
            ("sender", Self::Sender),
            ("reply-to", Self::ReplyTo),
            ("return-path", Self::ReturnPath),
        ]
        .into_iter()
        .find(|(n, _)| name.eq_ignore_ascii_case(n))
        .map(|(_, f)| f)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::From => "from",
            Self::Sender => "sender",
            Self::ReplyTo => "reply_to",
            Self::ReturnPath => "return_path",
        }
    }
}

/// A top-level header field: its name as written and its decoded, unfolded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderText {
    pub name: String,
    pub value: String,
}

/// The message as a person reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    pub headers: Vec<HeaderText>,
    /// Addresses of the sender fields of the top-level header (From, Sender, Reply-To,
    /// Return-Path), in header order.
    pub senders: Vec<(SenderField, String)>,
    /// Subject(s), bodies, HTML as text, attachment and zip member names.
    pub texts: Vec<Text>,
    /// HTML bodies and HTML attachments as decoded HTML (links are read from these).
    pub html: Vec<Html>,
    pub files: Vec<File>,
    /// Why some of the message could not be decoded (the rest is still here).
    pub problems: Vec<String>,
}

/// What a search reads of a message: only that is decoded and copied.
#[derive(Clone, Copy, Default)]
pub struct Want<'w> {
    /// Which top-level header fields to decode, by name (decoding every `Received` and
    /// `X-` line of every message would cost more than a whole links search).
    pub headers: Option<&'w dyn Fn(&str) -> bool>,
    /// Of those, the fields whose place among the others is read but not their value
    /// (`Received`, where no list needs the origin IP): kept with an empty value, which
    /// saves decoding every hop of every message.
    pub header_places_only: Option<&'w dyn Fn(&str) -> bool>,
    /// Sender addresses (From, Sender, Reply-To, Return-Path).
    pub senders: bool,
    /// Text bodies.
    pub body_text: bool,
    /// Subjects, HTML bodies as text, attachment and zip member names.
    pub names_and_html_text: bool,
    /// HTML bodies and attachments as HTML.
    pub html: bool,
    /// Attached files' contents (and zip members').
    pub files: bool,
}

impl Want<'_> {
    /// Texts, names or HTML: what `text_walk` reads.
    fn reads_text(&self) -> bool {
        self.body_text || self.names_and_html_text || self.html
    }

    /// Nothing below the header block.
    fn headers_only(&self) -> bool {
        !(self.reads_text() || self.files)
    }
}

/// The mail-parser configuration for the file walk: only the MIME headers that bodies
/// are decoded by are parsed; every other header is skipped unparsed (its typed parser,
/// `Received` above all, or even a raw copy, costs time for nothing: the header fields a
/// search reads come from the header scan).
pub fn parser() -> MessageParser {
    MessageParser::new()
        .header_content_type(HeaderName::ContentType)
        .header_content_type(HeaderName::ContentDisposition)
        .header_text(HeaderName::ContentTransferEncoding)
        .default_header_ignore()
}

impl Decoded {
    /// Whether a mail program shows this message's HTML body: one HTML body has text
    /// (more than 20 bytes of it). Its plain alternative then says the same again, or,
    /// from a spammer, something innocent for filters.
    pub fn shows_html(&self) -> bool {
        self.texts
            .iter()
            .any(|t| t.field == TextField::BodyHtml && t.text.trim().len() > 20)
    }

    /// The body texts a reader sees: the HTML bodies as text when [`Self::shows_html`],
    /// else the text bodies.
    pub fn seen_bodies(&self) -> impl Iterator<Item = &Text> {
        let field = if self.shows_html() {
            TextField::BodyHtml
        } else {
            TextField::BodyText
        };
        self.texts.iter().filter(move |t| t.field == field)
    }

    /// Decodes what `want` asks of a message (its parsed view: mbox quoting already
    /// undone). Header fields are read with the inventory's header scan; texts, names
    /// and HTML by walking the MIME tree and decoding only those parts (`text_walk`);
    /// attachment contents by the same walk where it is sure of them, else with
    /// mail-parser's full parse (`file_walk`), which decodes every part. Never panics: a
    /// parser panic becomes a problem and whatever was decoded before it is kept.
    pub fn parse(parser: &MessageParser, bytes: &[u8], zip_caps: &ZipCaps, want: Want) -> Decoded {
        Self::parse_files_by(parser, bytes, zip_caps, want, false)
    }

    /// [`Self::parse`], where `full_parse` makes mail-parser's full parse find the
    /// files of every message (the tests' reference for the text walk's files).
    fn parse_files_by(
        parser: &MessageParser,
        bytes: &[u8],
        zip_caps: &ZipCaps,
        want: Want,
        full_parse: bool,
    ) -> Decoded {
        let mut out = Decoded::default();
        let result = catch_unwind(AssertUnwindSafe(|| {
            let (well_formed, (top, body_at)) = header_fields(bytes, want, &mut out);
            if !well_formed {
                // Still searched: what a person would read of it is the text itself.
                out.problems
                    .push("no RFC 5322 header block: read as plain text".into());
            }
            if want.headers_only() {
                return;
            }
            let mut walk = Walk {
                out: &mut out,
                parts: 0,
                zip_caps,
                want,
                files_unsure: full_parse || !want.reads_text(),
                found_files: Vec::new(),
                bodies_irregular: false,
            };
            let before = walk.out.problems.len();
            if want.reads_text() {
                if well_formed {
                    walk.fast_message_read(&top, &bytes[body_at..], "", 0);
                } else {
                    // mail-parser may still find a header block (and parts) in it.
                    walk.files_unsure = true;
                    walk.fast_plain_text(bytes);
                }
            }
            // The text walk saw every part: in a structure every reader splits alike,
            // with each file's bytes read alike, its files are the message's and the
            // full parse, the costliest step, is skipped.
            if want.files {
                // The file walk's problems are listed first, as when it ran first.
                let text_problems = walk.out.problems.split_off(before);
                // A body mail-parser would flag (irregular base64 or quoted-printable)
                // takes the full parse too, so its problem is reported as it was.
                let has_files = !walk.found_files.is_empty();
                if walk.files_unsure || (has_files && walk.bodies_irregular) {
                    walk.parts = 0;
                    if let Some(message) = parser.parse(bytes) {
                        walk.message_files(&message);
                    }
                } else {
                    for found in std::mem::take(&mut walk.found_files) {
                        walk.file(&found.path, found.name, found.data);
                    }
                }
                walk.out.problems.extend(text_problems);
            }
        }));
        if result.is_err() {
            out.problems.push("decoder panicked".into());
        }
        out
    }
}

struct Walk<'o, 'c, 'w> {
    out: &'o mut Decoded,
    parts: usize,
    zip_caps: &'c ZipCaps,
    want: Want<'w>,
    /// The text walk saw a part that may be a file and that it cannot read as every
    /// reader would, or a structure readers may split differently (set by `text_walk`;
    /// true when there was no text walk): mail-parser's full parse finds the files.
    files_unsure: bool,
    /// The files the text walk found, while it is sure of them.
    found_files: Vec<text_walk::FoundFile>,
    /// A text body's transfer encoding was irregular (see `recover`).
    bodies_irregular: bool,
}

/// The wanted top-level header fields, decoded, and the sender addresses among them,
/// read with the inventory's header scan; whether the message has a header block; and,
/// from the same scan, the fields that decide how the body is read and where it starts
/// (the text walk's, which would otherwise scan the block again).
fn header_fields<'a>(
    bytes: &'a [u8],
    want: Want,
    out: &mut Decoded,
) -> (bool, (PartHeaders<'a>, usize)) {
    let mut top = PartHeaderReader::default();
    // Only a text walk reads them: header-only reads (sender, header searches) skip.
    let reads_text = want.reads_text();
    let block = scan_fields(bytes, |name, value| {
        if reads_text {
            top.offer(name, value);
        }
        let name = lossy_utf8(name);
        if let Some(field) = SenderField::of(&name).filter(|_| want.senders) {
            if let HeaderValue::Address(list) = MessageStream::new(value).parse_address() {
                for address in list.iter().filter_map(|a| a.address()) {
                    out.senders.push((field, address.to_string()));
                }
            }
        }
        if want.headers.is_some_and(|wanted| wanted(&name)) {
            let place_only = want.header_places_only.is_some_and(|only| only(&name));
            out.headers.push(HeaderText {
                name: name.into_owned(),
                value: if place_only {
                    String::new()
                } else {
                    decode_unstructured(value)
                },
            });
        }
    });
    (block.well_formed, top.finish(&block, bytes.len()))
}

impl Walk<'_, '_, '_> {
    /// Records a text if it is wanted; `text` is only made then.
    fn text(&mut self, field: TextField, path: &str, text: impl FnOnce() -> String) {
        let wanted = match field {
            TextField::BodyText => self.want.body_text,
            _ => self.want.names_and_html_text,
        };
        if wanted {
            self.out.texts.push(Text {
                field,
                path: path.to_string(),
                text: text(),
            });
        }
    }

    /// Counts a part; true (and a problem recorded once) when the cap is passed.
    fn over_part_cap(&mut self) -> bool {
        self.parts += 1;
        if self.parts == MAX_PARTS + 1 {
            self.out.problems.push(format!(
                "more than {MAX_PARTS} MIME parts: the rest skipped"
            ));
        }
        self.parts > MAX_PARTS
    }

    /// Records an HTML part if HTML is wanted (taking the decoded text: no copy).
    fn html(&mut self, attachment: bool, path: &str, html: String) {
        if self.want.html {
            self.out.html.push(Html {
                attachment,
                path: path.to_string(),
                html,
            });
        }
    }

    /// Lists a zip archive's members: their names as texts when `contents` is false (the
    /// text walk), their contents as files when it is true (the file walk).
    fn zip(&mut self, path: &str, archive: &[u8], depth: usize, contents: bool) {
        let listing = match zip::members(archive, self.zip_caps) {
            Ok(l) => l,
            Err(e) => {
                self.out.problems.push(format!("{path}: {e}"));
                return;
            }
        };
        if listing.truncated {
            self.out.problems.push(format!(
                "{path}: more than {} members: the rest skipped",
                self.zip_caps.max_members
            ));
        }
        for member in listing.members {
            if member.is_dir {
                continue;
            }
            let member_path = format!("{path}/{}", member.name);
            if !contents {
                self.text(TextField::AttachmentName, &member_path, || {
                    member.name.clone()
                });
            }
            let nested = member
                .data
                .as_deref()
                .filter(|d| depth < MAX_ZIP_DEPTH && zip::looks_like_zip(d))
                .map(<[u8]>::to_vec);
            let problem = match (member.encrypted, member.problem) {
                (_, Some(p)) => Some(p),
                (true, None) => Some("encrypted".to_string()),
                (false, None) => None,
            };
            if contents {
                self.out.files.push(File {
                    path: member_path.clone(),
                    name: Some(member.name),
                    data: member.data,
                    problem,
                });
            }
            if let Some(inner) = nested {
                self.zip(&member_path, &inner, depth + 1, contents);
            }
        }
    }
}

/// `prefix.n`, or `n` at the top.
fn section(prefix: &str, n: usize) -> String {
    if prefix.is_empty() {
        n.to_string()
    } else {
        format!("{prefix}.{n}")
    }
}

/// A header value as read: RFC 2047 words decoded, folding undone, trimmed.
pub fn decode_unstructured(raw: &[u8]) -> String {
    // Without an encoded word mail-parser would only cut the value into its trimmed
    // lines (each read as lossy UTF-8): the whitespace collapse below does the same,
    // and Received fields, the bulk of what is read here, seldom have one.
    let text = if memchr::memmem::find(raw, b"=?").is_none() {
        lossy_utf8(raw)
    } else {
        MessageStream::new(raw)
            .parse_unstructured()
            .into_text()
            .unwrap_or_else(|| String::from_utf8_lossy(raw))
    };
    collapse_whitespace(&text)
}

/// The words of `text` joined by single spaces (`split_whitespace`, joined). ASCII text,
/// nearly every header value, is cut at whitespace bytes and copied a word at a time:
/// decoding each byte as a `char` to ask whether it is Unicode whitespace was most of
/// the cost of reading a header.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut join = |word: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    };
    if !text.is_ascii() {
        text.split_whitespace().for_each(join);
        return out;
    }
    // The ASCII bytes `char::is_whitespace` accepts (with vertical tab, which
    // `u8::is_ascii_whitespace` leaves out).
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(start) = bytes[at..].iter().position(|b| !space(b)).map(|i| at + i) {
        let end = bytes[start..]
            .iter()
            .position(space)
            .map_or(bytes.len(), |i| start + i);
        join(&text[start..end]);
        at = end;
    }
    out
}

#[cfg(test)]
mod tests;
