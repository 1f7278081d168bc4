//! Recovering what a strict decoder gives up on. mail-parser abandons a whole base64
//! or quoted-printable part on the first irregularity (a last part whose closing
//! boundary never comes, a footer a list server appended to base64, a literal `=====`
//! line in quoted-printable) and hands the raw encoded text back. Mail readers decode
//! such parts anyway, the way RFC 2045 asks decoders to be robust: base64 ignores
//! characters outside its alphabet (§6.8); quoted-printable keeps an `=` that does not
//! start an escape or a soft line break as it is (§6.7, note 1).
//!
//! One refinement for base64: text a list server appended after the data (a Mailman
//! footer) is not base64 at all. The data ends at the first line after it that is not
//! base64, and what follows is returned as the plain text it is, so a footer is neither
//! decoded into garbage nor lost.
//!
//! The module also tells regular encodings from irregular ones (`base64_clean`,
//! `quoted_printable_checked`): where every decoder reads the same bytes, the text walk
//! may keep a file itself instead of asking mail-parser's full parse.

/// Splits a base64 body into its data and the plain text appended after it: the data
/// ends before the first non-blank line, after data lines began, that holds anything
/// but the base64 alphabet and `=`.
pub fn base64_with_trailer(raw: &[u8]) -> (Vec<u8>, &[u8]) {
    let mut seen_data = false;
    let mut at = 0;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        let content = line.trim_ascii();
        let is_base64 = content
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        if !content.is_empty() && !is_base64 && seen_data {
            return (base64_lenient(&raw[..at]), &raw[at..]);
        }
        seen_data |= !content.is_empty() && is_base64;
        at += line.len();
    }
    (base64_lenient(raw), &[])
}

/// Each byte's base64 value; `SKIP` outside the alphabet, `PAD` for `=`.
const SKIP: u8 = 0xff;
const PAD: u8 = 0xfe;
const BASE64: [u8; 256] = {
    let mut table = [SKIP; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table[b'=' as usize] = PAD;
    table
};

/// Decodes base64, skipping every character outside the alphabet and stopping at the
/// padding that ends the data.
pub fn base64_lenient(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 4 * 3);
    let mut quad = [0u8; 4];
    let mut filled = 0;
    let mut i = 0;
    while i < raw.len() {
        if filled == 0 {
            i += decode_groups(&raw[i..], &mut out);
            if i == raw.len() {
                break;
            }
        }
        let value = BASE64[raw[i] as usize];
        i += 1;
        if value == SKIP || (value == PAD && filled < 2) {
            continue;
        }
        if value == PAD {
            break;
        }
        quad[filled] = value;
        filled += 1;
        if filled == 4 {
            push_quad(&quad, &mut out);
            filled = 0;
        }
    }
    push_short_group(&quad, filled, &mut out);
    out
}

/// Decodes base64 that is clean: the alphabet, blanks and line breaks, whole groups of
/// four characters, the last of them completed by `=` padding (nothing but padding and
/// blanks after it); `None` for anything else. On clean data every decoder agrees
/// (mail-parser's, Python's, the lenient one above): the bytes are the file whoever
/// decodes it, and mail-parser finds no problem in it.
pub fn base64_clean(raw: &[u8]) -> Option<Vec<u8>> {
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut out = Vec::with_capacity(raw.len() / 4 * 3);
    let mut quad = [0u8; 4];
    let mut filled = 0;
    let mut i = 0;
    while i < raw.len() {
        if filled == 0 {
            i += decode_groups(&raw[i..], &mut out);
            if i == raw.len() {
                break;
            }
        }
        let c = raw[i];
        i += 1;
        match BASE64[c as usize] {
            PAD if filled >= 2 && raw[i..].iter().all(|&b| b == b'=' || blank(b)) => {
                push_short_group(&quad, filled, &mut out);
                return Some(out);
            }
            SKIP if blank(c) => {}
            PAD | SKIP => return None,
            value => {
                quad[filled] = value;
                filled += 1;
                if filled == 4 {
                    push_quad(&quad, &mut out);
                    filled = 0;
                }
            }
        }
    }
    // An unpadded short group is where decoders differ: mail-parser's MIME decoder drops
    // it, the lenient one keeps its whole bytes.
    (filled == 0).then_some(out)
}

/// Decodes the whole groups of four alphabet characters that start `raw`, and returns
/// how many bytes they took: the lines of a base64 body are such groups up to their
/// line break, so most of a body is decoded here, four characters at a time.
fn decode_groups(raw: &[u8], out: &mut Vec<u8>) -> usize {
    let mut at = 0;
    while let Some(&[a, b, c, d]) = raw.get(at..at + 4) {
        let quad = [
            BASE64[a as usize],
            BASE64[b as usize],
            BASE64[c as usize],
            BASE64[d as usize],
        ];
        // SKIP and PAD are above every value of the alphabet (0..64).
        if (quad[0] | quad[1] | quad[2] | quad[3]) >= 64 {
            break;
        }
        push_quad(&quad, out);
        at += 4;
    }
    at
}

fn push_quad(quad: &[u8; 4], out: &mut Vec<u8>) {
    out.extend_from_slice(&[
        quad[0] << 2 | quad[1] >> 4,
        quad[1] << 4 | quad[2] >> 2,
        quad[2] << 6 | quad[3],
    ]);
}

/// A short last group (padding missing or `=` reached) still holds whole bytes.
fn push_short_group(quad: &[u8; 4], filled: usize, out: &mut Vec<u8>) {
    if filled >= 2 {
        out.push(quad[0] << 2 | quad[1] >> 4);
    }
    if filled >= 3 {
        out.push(quad[1] << 4 | quad[2] >> 2);
    }
}

/// Decodes quoted-printable: `=XX` escapes and soft line breaks (`=` before the line
/// end, trailing blanks allowed); any other `=` is kept as written. Text between `=`
/// signs is copied whole.
pub fn quoted_printable_lenient(raw: &[u8]) -> Vec<u8> {
    quoted_printable_checked(raw).0
}

/// [`quoted_printable_lenient`], and whether the text was regular: every `=` began an
/// escape or a soft line break (what mail-parser reads without flagging a problem).
pub fn quoted_printable_checked(raw: &[u8]) -> (Vec<u8>, bool) {
    let mut regular = true;
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'=', &raw[i..]) {
        out.extend_from_slice(&raw[i..i + k]);
        i += k;
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        if let (Some(h), Some(l)) = (
            raw.get(i + 1).copied().and_then(hex),
            raw.get(i + 2).copied().and_then(hex),
        ) {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        let blanks = raw[i + 1..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        match &raw[i + 1 + blanks..] {
            [b'\r', b'\n', ..] => i += 3 + blanks,
            [b'\n', ..] => i += 2 + blanks,
            [] => i += 1 + blanks,
            _ => {
                regular = false;
                out.push(b'=');
                i += 1;
            }
        }
    }
    out.extend_from_slice(&raw[i..]);
    (out, regular)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_skips_noise_and_stops_at_padding() {
        assert_eq!(base64_lenient(b"SGVs\r\nbG8g\nd29y bGQ="), b"Hello world");
        // A body cut before its closing boundary, and a footer after the padding.
        assert_eq!(
            base64_lenient(b"SGVsbG8=\n_______________\nList footer"),
            b"Hello"
        );
        assert_eq!(base64_lenient(b"SGVsbG8"), b"Hello");
        assert_eq!(base64_lenient(b"!!"), b"");
    }

    /// The byte-at-a-time decoder `base64_lenient` was before it read groups of four.
    fn lenient_reference(raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut quad = [0u8; 4];
        let mut filled = 0;
        for &c in raw {
            let value = BASE64[c as usize];
            if value == SKIP || (value == PAD && filled < 2) {
                continue;
            }
            if value == PAD {
                break;
            }
            quad[filled] = value;
            filled += 1;
            if filled == 4 {
                push_quad(&quad, &mut out);
                filled = 0;
            }
        }
        push_short_group(&quad, filled, &mut out);
        out
    }

    fn random_bodies() -> Vec<Vec<u8>> {
        let pieces = [
            "QUJD", "Zm9v", "YmFy", "a", "Q", "+/9", "=", "==", "\r\n", "\n", " ", "\t", "-", "!",
            "\u{e9}",
        ];
        crate::random_for_tests::strings(&pieces, 20_000, 40, 0x05ee_db64)
            .into_iter()
            .map(String::into_bytes)
            .collect()
    }

    #[test]
    fn lenient_groups_of_four_decode_as_one_character_at_a_time() {
        for raw in random_bodies() {
            assert_eq!(
                base64_lenient(&raw),
                lenient_reference(&raw),
                "{}",
                String::from_utf8_lossy(&raw)
            );
        }
    }

    #[test]
    fn clean_base64_is_what_mail_parser_decodes_and_nothing_else_is_clean() {
        let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        let mut clean = 0;
        for raw in random_bodies() {
            let padding = raw.iter().position(|&b| b == b'=');
            let data_end = padding.unwrap_or(raw.len());
            let characters = raw[..data_end].iter().filter(|&&b| BASE64[b as usize] < 64);
            let expected_clean = raw.iter().all(|&b| BASE64[b as usize] != SKIP || blank(b))
                && padding.is_none_or(|p| raw[p..].iter().all(|&b| b == b'=' || blank(b)))
                && match padding {
                    None => characters.count() % 4 == 0,
                    Some(_) => characters.count() % 4 >= 2,
                };
            let decoded = base64_clean(&raw);
            assert_eq!(
                decoded.is_some(),
                expected_clean,
                "{}",
                String::from_utf8_lossy(&raw)
            );
            if let Some(data) = decoded {
                clean += 1;
                let by_mail_parser = mail_parser::decoders::base64::base64_decode(&raw);
                assert_eq!(Some(&data), by_mail_parser.as_ref());
                assert_eq!(data, lenient_reference(&raw));
            }
        }
        assert!(
            clean > 1_000,
            "only {clean} clean bodies: the test would not test"
        );
        assert_eq!(
            base64_clean(b"SGVs\r\nbG8g\nd29y bGQ=\r\n").unwrap(),
            b"Hello world"
        );
        assert_eq!(
            base64_clean(b"SGVsbG8=\n_______________\nList footer"),
            None
        );
        assert_eq!(base64_clean(b"SGVs=bG8="), None);
    }

    #[test]
    fn a_footer_after_base64_stays_text() {
        let (data, trailer) =
            base64_with_trailer(b"SGVsbG8g\nd29ybGQ\n\n----\nwebmake-talk mailing list\n");
        assert_eq!(data, b"Hello world");
        assert_eq!(trailer, b"----\nwebmake-talk mailing list\n");
        let (data, trailer) = base64_with_trailer(b"SGVsbG8=\r\n\r\n-- \r\n== footer ==\r\n");
        assert_eq!(
            (data.as_slice(), trailer),
            (&b"Hello"[..], &b"-- \r\n== footer ==\r\n"[..])
        );
    }

    #[test]
    fn quoted_printable_keeps_stray_equals() {
        assert_eq!(
            quoted_printable_lenient(b"Dogb=\r\nert =3D boss\n=====\nse=F1or=  \nita="),
            // The last `=` of `=====` ends its line: a soft line break (RFC 2045 §6.7;
            // Python's quopri reads such runs differently).
            b"Dogbert = boss\n====se\xf1orita"
        );
        assert_eq!(quoted_printable_lenient(b"a=4"), b"a=4");
        assert!(quoted_printable_checked(b"Dogb=\r\nert =3D boss=  \nx=").1);
        assert!(!quoted_printable_checked(b"a=4").1);
        assert!(!quoted_printable_checked(b"=====\n").1);
    }
}
