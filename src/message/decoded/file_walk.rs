//! The files a message carries (files searches, rescans) where the text walk is not
//! sure of them: mail-parser's full parse decodes every part, and each attachment (text
//! attachments as the bytes a recipient saves, attached messages as stored, zip members
//! within the caps) becomes a [`File`]. [`Walk::file`] records the text walk's files too.
//!
//! A part whose base64 or quoted-printable mail-parser gives up on is decoded leniently
//! (`recover`) instead of being taken as its raw encoded text.

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, Message, MessagePart, MimeHeaders, PartType};

use super::{section, File, Walk};
use crate::message::{recover, zip};

impl Walk<'_, '_, '_> {
    /// Every file of a message (top level or attached).
    pub(super) fn message_files(&mut self, message: &Message) {
        self.files_of(message, "");
    }

    fn files_of(&mut self, message: &Message, prefix: &str) {
        let Some(root) = message.parts.first() else {
            return;
        };
        if root.is_multipart() {
            self.file_children(message, root, prefix);
        } else {
            self.file_part(message, 0, &section(prefix, 1));
        }
    }

    fn file_children(&mut self, message: &Message, part: &MessagePart, prefix: &str) {
        for (n, &id) in part.sub_parts().unwrap_or_default().iter().enumerate() {
            self.file_part(message, id as usize, &section(prefix, n + 1));
        }
    }

    fn file_part(&mut self, message: &Message, id: usize, path: &str) {
        if self.over_part_cap() {
            return;
        }
        let Some(part) = message.parts.get(id) else {
            return;
        };
        if part.is_encoding_problem {
            self.out
                .problems
                .push(format!("part {path}: content could not be fully decoded"));
        }
        let name = part
            .attachment_name()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        let is_attachment = name.is_some()
            || part
                .content_disposition()
                .is_some_and(|d| d.is_attachment());
        match &part.body {
            PartType::Multipart(_) => self.file_children(message, part, path),
            PartType::Message(nested) => {
                self.file(path, name, nested.raw_message().to_vec());
                self.files_of(nested, path);
            }
            // A body is read, not saved: not a file.
            PartType::Text(_) | PartType::Html(_) if !is_attachment => {}
            PartType::Text(_) | PartType::Html(_) => {
                // A text attachment's file is its bytes before charset conversion.
                let data = transfer_decoded(message, part);
                self.file(path, name, data);
            }
            PartType::Binary(data) | PartType::InlineBinary(data) => {
                self.file(path, name, data.to_vec())
            }
        }
    }

    /// Records an attached file, and the members of a zip archive below it.
    pub(super) fn file(&mut self, path: &str, name: Option<String>, data: Vec<u8>) {
        // Members live below the archive's name; an unnamed archive adds no segment.
        let prefix = match &name {
            Some(n) => format!("{path}/{n}"),
            None => path.to_string(),
        };
        let at = self.out.files.len();
        self.out.files.push(File {
            path: path.to_string(),
            name,
            data: None,
            problem: None,
        });
        // The members follow their archive; its bytes go in once they are read.
        if zip::looks_like_zip(&data) {
            self.zip(&prefix, &data, 1, true);
        }
        self.out.files[at].data = Some(data);
    }
}

/// A part's body with only the transfer encoding undone (no charset conversion): the
/// file a recipient saves. For an unencoded part mail-parser's range is exactly the body
/// (the line break before the boundary belongs to the boundary).
fn transfer_decoded(message: &Message, part: &MessagePart) -> Vec<u8> {
    let raw = message
        .raw_message
        .get(part.offset_body as usize..part.offset_end as usize);
    if part.is_encoding_problem {
        if let Some(bytes) = raw.and_then(|raw| recovered(part, raw)) {
            return bytes;
        }
    }
    let decoded = match (part.encoding, raw) {
        (Encoding::Base64, Some(raw)) => base64_decode(raw),
        (Encoding::QuotedPrintable, Some(raw)) => quoted_printable_decode(raw),
        (Encoding::None, Some(raw)) if !part.is_encoding_problem => Some(raw.to_vec()),
        _ => None,
    };
    decoded.unwrap_or_else(|| part.contents().to_vec())
}

/// The data of a part whose transfer decoding mail-parser gave up on (it then forgets
/// the declared encoding), decoded leniently.
fn recovered(part: &MessagePart, raw: &[u8]) -> Option<Vec<u8>> {
    let declared = part.content_transfer_encoding()?.trim();
    if declared.eq_ignore_ascii_case("base64") {
        Some(recover::base64_with_trailer(raw).0)
    } else if declared.eq_ignore_ascii_case("quoted-printable") {
        Some(recover::quoted_printable_lenient(raw))
    } else {
        None
    }
}
