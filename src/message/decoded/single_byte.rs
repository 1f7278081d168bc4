//! Text in the common single-byte charsets (ISO-8859-1, Windows-1252, KOI8-R, …) decoded
//! as mail-parser decodes it, faster: its decoder pushes every byte's char in turn and
//! then shrinks the string (a copy), where most bytes of such text are ASCII. Here runs
//! of ASCII are copied whole and the other bytes looked up in a table of what
//! mail-parser's own decoder makes of each byte (perf: its decoder was ~1.2% of a
//! one-thread rescan of the bench mbox).
//!
//! Only the charsets named in [`SINGLE_BYTE`] take this path (a multi-byte decoder such
//! as Shift_JIS also makes one char of each byte alone, so no check on the decoder
//! could tell), each checked when its table is built to decode every byte to one char
//! and ASCII to itself; any other charset goes to mail-parser as before. The tests
//! hold every listed charset to mail-parser's decoder on random texts.

use std::sync::LazyLock;

use mail_parser::decoders::charsets::map::charset_decoder;

/// Charset names (as mail-parser normalises them: lower case, `-` as `_`) whose
/// mail-parser decoder maps each byte to one char on its own.
const SINGLE_BYTE: [&str; 16] = [
    "iso_8859_1",
    "iso_8859_2",
    "iso_8859_15",
    "latin1",
    "windows_1250",
    "windows_1251",
    "windows_1252",
    "windows_1253",
    "windows_1254",
    "windows_1257",
    "cp1250",
    "cp1251",
    "cp1252",
    "koi8_r",
    "koi8_u",
    "ibm866",
];

/// What one charset makes of the bytes 0x80..=0xFF, as UTF-8.
struct Table {
    high: [String; 128],
}

static TABLES: LazyLock<Vec<(&'static str, Table)>> = LazyLock::new(|| {
    SINGLE_BYTE
        .iter()
        .filter_map(|&name| Some((name, table(name)?)))
        .collect()
});

/// The table of charset `name`, if mail-parser's decoder for it makes one char of every
/// byte alone and ASCII of ASCII (a check on the list, not in place of it: see the
/// module's doc).
fn table(name: &str) -> Option<Table> {
    let decode = charset_decoder(name.as_bytes())?;
    let one_char = |b: u8| {
        let text = decode(&[b]);
        (text.chars().count() == 1).then_some(text)
    };
    if !(0..0x80u8).all(|b| one_char(b).is_some_and(|t| t.as_bytes() == [b])) {
        return None;
    }
    let high: Vec<String> = (0x80..=0xffu8).map(one_char).collect::<Option<_>>()?;
    Some(Table {
        high: high.try_into().ok()?,
    })
}

/// `bytes` decoded as mail-parser decodes `charset`, when it is one of [`SINGLE_BYTE`].
pub(super) fn decode(charset: &str, bytes: &[u8]) -> Option<String> {
    let (_, table) = TABLES.iter().find(|(name, _)| same_name(name, charset))?;
    Some(table.decode(bytes))
}

impl Table {
    fn decode(&self, bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
        let mut at = 0;
        while at < bytes.len() {
            let ascii = bytes[at..].iter().take_while(|b| b.is_ascii()).count();
            out.push_str(std::str::from_utf8(&bytes[at..at + ascii]).expect("ASCII is UTF-8"));
            at += ascii;
            while let Some(&b) = bytes.get(at).filter(|b| !b.is_ascii()) {
                out.push_str(&self.high[usize::from(b - 0x80)]);
                at += 1;
            }
        }
        out
    }
}

/// Whether `charset` is `normalised` as mail-parser reads names: ASCII letters in any
/// case, `_` or `-`.
fn same_name(normalised: &str, charset: &str) -> bool {
    normalised.len() == charset.len()
        && normalised.bytes().zip(charset.bytes()).all(|(n, c)| {
            let c = match c {
                b'A'..=b'Z' => c + 32,
                b'-' => b'_',
                _ => c,
            };
            n == c
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random_for_tests::sequences;

    fn texts() -> Vec<Vec<u8>> {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut texts = sequences(&bytes, 2000, 300, 11);
        texts.push(bytes);
        texts
    }

    #[test]
    fn every_listed_charset_has_a_table() {
        // A name mail-parser does not know would leave its charset out silently.
        let built: Vec<&str> = TABLES.iter().map(|(n, _)| *n).collect();
        assert_eq!(built, SINGLE_BYTE);
    }

    #[test]
    fn a_multi_byte_charset_would_fail_the_comparison() {
        // Shift_JIS decodes each byte alone to one char, so it has a table; only the
        // list keeps it out, and decoding whole texts by that table differs.
        let table = table("shift_jis").expect("each byte alone is one char");
        let reference = charset_decoder(b"shift_jis").unwrap();
        assert!(texts().iter().any(|t| table.decode(t) != reference(t)));
    }

    #[test]
    fn decodes_as_mail_parser_does() {
        let texts = texts();
        let spellings = |n: &str| [n.to_string(), n.to_uppercase(), n.replace('_', "-")];
        for name in SINGLE_BYTE {
            let reference = charset_decoder(name.as_bytes()).unwrap();
            for spelling in spellings(name) {
                for text in &texts {
                    assert_eq!(
                        decode(&spelling, text).as_deref(),
                        Some(reference(text).as_str()),
                        "{spelling}"
                    );
                }
            }
        }
        assert_eq!(
            decode("iso-8859-1", b"caf\xe9 \xa0x"),
            Some("café \u{a0}x".into())
        );
        assert_eq!(
            decode("windows-1252", b"\x80 \x93q\x94"),
            Some("€ “q”".into())
        );
    }

    #[test]
    fn other_charsets_are_left_to_mail_parser() {
        for name in [
            "utf-8",
            "shift_jis",
            "iso-2022-jp",
            "iso_8859_1x",
            "iso_8859",
            "",
        ] {
            assert_eq!(decode(name, b"abc"), None, "{name}");
        }
    }
}
