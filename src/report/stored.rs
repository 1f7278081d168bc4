//! A manifest message's stored bytes, read again at its locator and verified against
//! the SHA-256 the run recorded, then its top-level header fields decoded for the
//! report. A message whose bytes changed (or cannot be read) shows no header at all:
//! the report says so instead of showing another message's data.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};

use crate::audit::ReviewMessage;
use crate::corpus::mbox::parsed_view;
use crate::message::decoded::decode_unstructured;
use crate::message::headers::scan_fields;

/// The header fields the report shows, in this order (each occurrence, top to bottom);
/// `Received` apart, folded away.
pub const SHOWN_FIELDS: [&str; 9] = [
    "From",
    "Reply-To",
    "Return-Path",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "Authentication-Results",
];

/// Only this much of a message is kept to read its header block from (the whole message
/// is still hashed): a header block longer than this is cut.
const HEADER_CAP: usize = 1 << 20;

/// Whether the stored bytes are still those the run saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrity {
    Verified,
    /// The bytes at the locator hash to something else now.
    Changed {
        found: String,
    },
    /// The locator cannot be read (file gone, shorter than the range, unreadable).
    Unreadable {
        error: String,
    },
}

/// What the report shows of a stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHeaders {
    pub integrity: Integrity,
    /// `(name as written, decoded value)`, in [`SHOWN_FIELDS`] order; empty unless verified.
    pub fields: Vec<(String, String)>,
    /// Every `Received` field, top (newest) first.
    pub received: Vec<String>,
    /// Header fields not shown.
    pub other_fields: usize,
}

/// Reads, verifies and decodes the headers of `m`.
pub fn load(m: &ReviewMessage) -> StoredHeaders {
    let integrity_only = |integrity| StoredHeaders {
        integrity,
        fields: Vec::new(),
        received: Vec::new(),
        other_fields: 0,
    };
    let (prefix, digest) = match read_range(m) {
        Ok(read) => read,
        Err(e) => {
            return integrity_only(Integrity::Unreadable {
                error: e.to_string(),
            })
        }
    };
    if !digest.eq_ignore_ascii_case(&m.sha256) {
        return integrity_only(Integrity::Changed { found: digest });
    }
    let view = parsed_view(&prefix, m.locator_kind != "file");
    let mut found: Vec<(usize, String, String)> = Vec::new();
    let mut received = Vec::new();
    let mut other_fields = 0;
    scan_fields(&view.bytes, |name, value| {
        let name = String::from_utf8_lossy(name);
        if name.eq_ignore_ascii_case("Received") {
            received.push(decode_unstructured(value));
        } else if let Some(rank) = SHOWN_FIELDS
            .iter()
            .position(|f| f.eq_ignore_ascii_case(&name))
        {
            found.push((rank, name.into_owned(), decode_unstructured(value)));
        } else {
            other_fields += 1;
        }
    });
    // Stable: occurrences of one field keep their order.
    found.sort_by_key(|(rank, _, _)| *rank);
    StoredHeaders {
        integrity: Integrity::Verified,
        fields: found.into_iter().map(|(_, n, v)| (n, v)).collect(),
        received,
        other_fields,
    }
}

/// The first [`HEADER_CAP`] bytes of the locator's range and the SHA-256 (hex) of the
/// whole range.
fn read_range(m: &ReviewMessage) -> io::Result<(Vec<u8>, String)> {
    let path = Path::new(&m.path);
    let mut file = File::open(path)?;
    match m.locator_kind.as_str() {
        "file" => {
            let size = file.metadata()?.len();
            if size != m.length {
                return Err(io::Error::other(format!(
                    "the file is {size} bytes now, the run read {}",
                    m.length
                )));
            }
            hash_prefix(&mut file, m.length)
        }
        "mbox" => {
            file.seek(SeekFrom::Start(m.offset))?;
            hash_prefix(&mut file, m.length)
        }
        "mbox.gz" => {
            // Offsets are in the decompressed stream: decompress up to the range.
            let mut stream = MultiGzDecoder::new(io::BufReader::new(file));
            let skipped = io::copy(&mut (&mut stream).take(m.offset), &mut io::sink())?;
            if skipped != m.offset {
                return Err(short(m));
            }
            hash_prefix(&mut stream, m.length)
        }
        other => Err(io::Error::other(format!("unknown locator kind {other:?}"))),
    }
}

fn hash_prefix(input: &mut impl Read, length: u64) -> io::Result<(Vec<u8>, String)> {
    let mut hasher = Sha256::new();
    let mut prefix = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut left = length;
    while left > 0 {
        let want = usize::try_from(left.min(buffer.len() as u64)).unwrap_or(buffer.len());
        let n = input.read(&mut buffer[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the mailbox ends {left} bytes before the message's recorded end"),
            ));
        }
        hasher.update(&buffer[..n]);
        let keep = n.min(HEADER_CAP.saturating_sub(prefix.len()));
        prefix.extend_from_slice(&buffer[..keep]);
        left -= n as u64;
    }
    Ok((prefix, hex::encode(hasher.finalize())))
}

fn short(m: &ReviewMessage) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!(
            "the decompressed mailbox ends before offset {} of the message",
            m.offset
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(path: &Path, kind: &str, offset: u64, bytes: &[u8]) -> ReviewMessage {
        ReviewMessage {
            mailbox: "m".into(),
            folder: "INBOX".into(),
            ordinal: 1,
            locator_kind: kind.into(),
            path: path.to_string_lossy().into_owned(),
            offset,
            length: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
            message_id: None,
            date_micros: None,
            from_address: None,
            subject: None,
            action: "review".into(),
            reason: Vec::new(),
            attachment_names: Vec::new(),
            attachment_types: Vec::new(),
            parse_error: None,
            decode_problems: Vec::new(),
            risk_level: None,
            disposition: None,
            sender_trusted: None,
            matches: Vec::new(),
            evidence: Vec::new(),
        }
    }

    const FIRST: &[u8] = b"From a@b Mon Jan  1 00:00:00 2024\nFrom: a@b\nSubject: one\n\nx\n\n";
    const SECOND: &[u8] = b"From c@d Mon Jan  1 00:00:00 2024\nReceived: from x\n\tby y\nX-Other: 1\nSubject: =?utf-8?q?caf=C3=A9?= \xff\nFrom: \"C\" <c@d>\nReceived: from w\n\nbody\n";

    #[test]
    fn mbox_range_verified_and_headers_decoded_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("box.mbox");
        std::fs::write(&path, [FIRST, SECOND].concat()).expect("write");
        let m = message(&path, "mbox", FIRST.len() as u64, SECOND);
        let got = load(&m);
        assert_eq!(got.integrity, Integrity::Verified);
        assert_eq!(
            got.fields,
            vec![
                ("From".to_string(), "\"C\" <c@d>".to_string()),
                ("Subject".to_string(), "café \u{fffd}".to_string()),
            ]
        );
        assert_eq!(got.received, vec!["from x by y", "from w"]);
        assert_eq!(got.other_fields, 1);
    }

    #[test]
    fn a_changed_or_truncated_mailbox_shows_no_headers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("box.mbox");
        let changed = [FIRST, &SECOND.to_ascii_uppercase()].concat();
        std::fs::write(&path, &changed).expect("write");
        let got = load(&message(&path, "mbox", FIRST.len() as u64, SECOND));
        assert_eq!(
            got.integrity,
            Integrity::Changed {
                found: hex::encode(Sha256::digest(&changed[FIRST.len()..]))
            }
        );
        assert!(got.fields.is_empty() && got.received.is_empty());
        std::fs::write(&path, FIRST).expect("write");
        let got = load(&message(&path, "mbox", FIRST.len() as u64, SECOND));
        assert!(
            matches!(got.integrity, Integrity::Unreadable { .. }),
            "{got:?}"
        );
        assert!(got.fields.is_empty());
    }

    #[test]
    fn gzip_mbox_offsets_are_in_the_decompressed_stream() {
        use std::io::Write;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("box.mbox.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&[FIRST, SECOND].concat()).expect("gzip");
        std::fs::write(&path, gz.finish().expect("gzip")).expect("write");
        let got = load(&message(&path, "mbox.gz", FIRST.len() as u64, SECOND));
        assert_eq!(got.integrity, Integrity::Verified);
        assert_eq!(got.received.len(), 2);
    }

    #[test]
    fn a_message_file_must_keep_its_size() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("1.eml");
        let bytes = &SECOND[34..];
        std::fs::write(&path, bytes).expect("write");
        assert_eq!(
            load(&message(&path, "file", 0, bytes)).integrity,
            Integrity::Verified
        );
        std::fs::write(&path, [bytes, b"more"].concat()).expect("write");
        assert!(matches!(
            load(&message(&path, "file", 0, bytes)).integrity,
            Integrity::Unreadable { .. }
        ));
    }
}
