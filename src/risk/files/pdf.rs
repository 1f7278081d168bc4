//! PDF: the action and encryption names of its dictionaries, read with a small tokenizer
//! that decodes `#xx` escapes in names (`/J#61vaScript` is `/JavaScript`), skips strings,
//! comments and stream bodies, and opens compressed object streams (`/Type /ObjStm`,
//! FlateDecode) where PDF 1.5+ keeps most dictionaries, within a decompression budget.
//!
//! Levels: `/Launch` (runs a program) is a Dangerous file. JavaScript that runs on
//! opening is a Dangerous file: a document-level script (a `/JavaScript` key of the
//! `/Names` dictionary, told from an action's `/S /JavaScript` by the name before it), or
//! any JavaScript beside an `/OpenAction`. Other JavaScript is a Possible dangerous file:
//! fillable business forms carry field-level JavaScript (`/AA` on form fields formats
//! numbers and dates), so `/AA` alone does not raise it. `/Encrypt` is a
//! Possible dangerous file: scanners cannot read an encrypted PDF's contents.

use std::io::Read;

use flate2::read::ZlibDecoder;
use memchr::memmem;

use super::Location;
use crate::risk::{Category, Evidence};

/// Inflated object-stream bytes per PDF, and per input byte (object streams of
/// dictionaries compress perhaps 10:1; more is a bomb).
const MAX_INFLATED: u64 = 32 << 20;
const MAX_RATIO: u64 = 100;
/// Longest name decoded; real names are a few dozen bytes.
const MAX_NAME: usize = 127;

/// The names that matter, as seen anywhere in the file's dictionaries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Names {
    javascript: bool,
    /// `/JavaScript` as a key (the document-level name tree), not as an action's type.
    document_javascript: bool,
    launch: bool,
    open_action: bool,
    encrypt: bool,
}

pub fn check(at: &Location, data: &[u8], out: &mut Vec<Evidence>) {
    let names = scan(data);
    if names.launch {
        out.push(Evidence::raise(
            Category::DangerousFile,
            "file.pdf_launch",
            format!("{at}: PDF with a /Launch action (runs a program)"),
        ));
    }
    if names.document_javascript || (names.javascript && names.open_action) {
        let how = match names.document_javascript {
            true => "document-level JavaScript",
            false => "JavaScript and an /OpenAction",
        };
        out.push(Evidence::raise(
            Category::DangerousFile,
            "file.pdf_autorun_javascript",
            format!("{at}: PDF with {how} (runs on opening)"),
        ));
    } else if names.javascript {
        out.push(Evidence::raise(
            Category::PossibleDangerousFile,
            "file.pdf_javascript",
            format!("{at}: PDF with JavaScript"),
        ));
    }
    if names.encrypt {
        out.push(Evidence::raise(
            Category::PossibleDangerousFile,
            "file.encrypted_pdf",
            format!("{at}: encrypted PDF (/Encrypt), contents cannot be checked"),
        ));
    }
}

fn scan(data: &[u8]) -> Names {
    let mut names = Names::default();
    let mut budget = (data.len() as u64)
        .saturating_mul(MAX_RATIO)
        .min(MAX_INFLATED);
    let mut object_streams = Vec::new();
    tokens(data, &mut names, &mut object_streams);
    for body in object_streams {
        let Some(inflated) = inflate(body, &mut budget) else {
            continue;
        };
        // Object streams hold no streams of their own: no further level.
        tokens(&inflated, &mut names, &mut Vec::new());
    }
    names
}

/// Reads the file's tokens: names set flags; `stream` keywords skip to `endstream`, and
/// the bodies of object streams are collected for inflating.
fn tokens<'d>(data: &'d [u8], names: &mut Names, object_streams: &mut Vec<&'d [u8]>) {
    // Whether the dictionary being read (since the last `obj`) is an object stream's.
    let mut in_object_stream = false;
    // The previous token was the name `/S` (an action's type comes next).
    let mut after_s = false;
    let mut i = 0;
    while i < data.len() {
        let byte = data[i];
        if byte == b'/' {
            let (name, next) = name_at(data, i + 1);
            note(&name, after_s, names, &mut in_object_stream);
            after_s = name == b"S";
            i = next;
            continue;
        }
        if !byte.is_ascii_whitespace() {
            after_s = false;
        }
        match byte {
            b'(' => i = skip_string(data, i + 1),
            b'%' => i = memchr::memchr2(b'\n', b'\r', &data[i..]).map_or(data.len(), |n| i + n),
            b's' if keyword_at(data, i, b"stream") => {
                let body_start = after_eol(data, i + b"stream".len());
                let end = memmem::find(&data[body_start..], b"endstream")
                    .map_or(data.len(), |n| body_start + n);
                if in_object_stream {
                    object_streams.push(&data[body_start..end]);
                }
                in_object_stream = false;
                i = end + b"endstream".len();
            }
            b'o' if keyword_at(data, i, b"obj") => {
                in_object_stream = false;
                i += 3;
            }
            _ => i += 1,
        }
    }
}

fn note(name: &[u8], after_s: bool, names: &mut Names, in_object_stream: &mut bool) {
    match name {
        b"JavaScript" if !after_s => {
            names.javascript = true;
            names.document_javascript = true;
        }
        b"JavaScript" | b"JS" => names.javascript = true,
        b"Launch" => names.launch = true,
        b"OpenAction" => names.open_action = true,
        b"Encrypt" => names.encrypt = true,
        b"ObjStm" => *in_object_stream = true,
        _ => {}
    }
}

/// A name's bytes from just after its `/`, `#xx` escapes decoded, and where it ends (at
/// white space or a delimiter).
fn name_at(data: &[u8], start: usize) -> (Vec<u8>, usize) {
    let mut name = Vec::new();
    let mut i = start;
    while let Some(&b) = data.get(i) {
        if b.is_ascii_whitespace() || b"()<>[]{}/%\0".contains(&b) {
            break;
        }
        let escaped = (b == b'#')
            .then(|| data.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        let (byte, width) = escaped.map_or((b, 1), |e| (e, 3));
        if name.len() < MAX_NAME {
            name.push(byte);
        }
        i += width;
    }
    (name, i)
}

/// Past a literal string `( … )`: balanced parentheses, backslash escapes.
fn skip_string(data: &[u8], mut i: usize) -> usize {
    let mut depth = 1usize;
    while let Some(&b) = data.get(i) {
        i += 1;
        match b {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    i
}

/// `word` at `i` as a keyword: not inside a longer word (`endstream` is not `stream`).
fn keyword_at(data: &[u8], i: usize, word: &[u8]) -> bool {
    let regular = |b: &u8| b.is_ascii_alphanumeric();
    data[i..].starts_with(word)
        && !i
            .checked_sub(1)
            .and_then(|p| data.get(p))
            .is_some_and(regular)
        && !data.get(i + word.len()).is_some_and(regular)
}

/// Past the end of line that follows the `stream` keyword (CRLF or LF).
fn after_eol(data: &[u8], i: usize) -> usize {
    match data.get(i..i + 2) {
        Some(b"\r\n") => i + 2,
        _ if matches!(data.get(i), Some(b'\n' | b'\r')) => i + 1,
        _ => i,
    }
}

/// A FlateDecode body inflated within what is left of the budget; `None` when it is not
/// zlib data at all.
fn inflate(body: &[u8], budget: &mut u64) -> Option<Vec<u8>> {
    if *budget == 0 || !looks_like_zlib(body) {
        return None;
    }
    let mut out = Vec::new();
    // A truncated or corrupt stream still yields what inflated before the error.
    let _ = ZlibDecoder::new(body).take(*budget).read_to_end(&mut out);
    *budget -= (out.len() as u64).min(*budget);
    Some(out)
}

fn looks_like_zlib(body: &[u8]) -> bool {
    match body {
        [cmf, flg, ..] => cmf & 0x0F == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => false,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use flate2::Compression;
    use std::io::Write;

    pub fn minimal_pdf(catalog_extra: &str, trailer_extra: &str) -> Vec<u8> {
        format!(
            "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>\nendobj\n\
             2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\
             trailer\n<< /Root 1 0 R /Size 3 {trailer_extra} >>\n%%EOF\n"
        )
        .into_bytes()
    }

    fn rules(data: &[u8]) -> Vec<&'static str> {
        let mut out = Vec::new();
        check(&Location::named("2", "a.pdf"), data, &mut out);
        out.iter().map(|e| e.rule).collect()
    }

    #[test]
    fn javascript_launch_and_encryption() {
        let js = minimal_pdf("/Annots [<< /A << /S /JavaScript /JS (x) >> >>]", "");
        assert_eq!(rules(&js), vec!["file.pdf_javascript"]);
        let document = minimal_pdf("/Names << /JavaScript 3 0 R >>", "");
        assert_eq!(rules(&document), vec!["file.pdf_autorun_javascript"]);
        let open = minimal_pdf(
            "/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>",
            "",
        );
        assert_eq!(rules(&open), vec!["file.pdf_autorun_javascript"]);
        let launch = minimal_pdf("/OpenAction << /S /Launch /F (cmd.exe) >>", "");
        assert_eq!(rules(&launch), vec!["file.pdf_launch"]);
        let encrypted = minimal_pdf("", "/Encrypt 5 0 R /ID [<01> <01>]");
        assert_eq!(rules(&encrypted), vec!["file.encrypted_pdf"]);
    }

    #[test]
    fn hex_escaped_names_are_decoded() {
        let hidden = minimal_pdf("/OpenAction << /S /J#61va#53cript /J#53 (x) >>", "");
        assert_eq!(rules(&hidden), vec!["file.pdf_autorun_javascript"]);
        let launch = minimal_pdf("/AA << /O << /S /L#61unch >> >>", "");
        assert_eq!(rules(&launch), vec!["file.pdf_launch"]);
    }

    #[test]
    fn names_inside_compressed_object_streams() {
        let inner = b"3 0 << /S /JavaScript /JS (this.exportDataObject\\(\\)) >> 4 0 << /OpenAction 3 0 R >>";
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(inner).expect("compress");
        let body = z.finish().expect("compress");
        let mut pdf = minimal_pdf("", "");
        pdf.extend_from_slice(
            format!("5 0 obj\n<< /Type /ObjStm /N 2 /First 8 /Filter /FlateDecode /Length {} >>\nstream\r\n", body.len()).as_bytes(),
        );
        pdf.extend_from_slice(&body);
        pdf.extend_from_slice(b"\r\nendstream\nendobj\n");
        assert_eq!(rules(&pdf), vec!["file.pdf_autorun_javascript"]);
        // The same bytes in an ordinary stream (page content, an image) are not dictionaries.
        let mut pdf2 = minimal_pdf("", "");
        pdf2.extend_from_slice(b"5 0 obj\n<< /Length 40 >>\nstream\n/JavaScript /Launch /OpenAction\nendstream\nendobj\n");
        assert_eq!(rules(&pdf2), Vec::<&str>::new());
    }

    #[test]
    fn near_misses() {
        // A plain PDF; names that only start like the ones looked for; the words in strings.
        assert_eq!(rules(&minimal_pdf("", "")), Vec::<&str>::new());
        let lookalike = minimal_pdf(
            "/JS1 3 0 R /JavaScriptX 1 /LaunchPad 2 /Title (about /JavaScript and /Launch)",
            "",
        );
        assert_eq!(rules(&lookalike), Vec::<&str>::new());
        // /OpenAction without JavaScript: a document opening at page 1.
        assert_eq!(
            rules(&minimal_pdf("/OpenAction [2 0 R /Fit]", "")),
            Vec::<&str>::new()
        );
        // Comments are not dictionaries.
        assert_eq!(
            rules(&minimal_pdf("% /JavaScript /Launch\n", "")),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn hostile_input_is_bounded() {
        // A deflate bomb in an object stream stops at the budget.
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        z.write_all(&vec![b' '; 64 << 20]).expect("compress");
        let body = z.finish().expect("compress");
        let mut pdf = b"%PDF-1.5\n1 0 obj << /Type /ObjStm >> stream\n".to_vec();
        pdf.extend_from_slice(&body);
        pdf.extend_from_slice(b"\nendstream endobj /JS");
        let mut budget = 1000;
        assert_eq!(inflate(&body, &mut budget).map(|v| v.len()), Some(1000));
        assert_eq!((budget, inflate(&body, &mut budget)), (0, None));
        assert_eq!(rules(&pdf), vec!["file.pdf_javascript"]);
        // Unterminated strings, names, streams.
        let tails: [&[u8]; 6] = [
            b"(((",
            b"/J#6",
            b"/J#",
            b"stream",
            b"stream\r",
            b"obj /ObjStm stream\n\x78\x9c",
        ];
        for tail in tails {
            let mut p = b"%PDF-1.4\n".to_vec();
            p.extend_from_slice(tail);
            let _ = rules(&p);
        }
    }
}
