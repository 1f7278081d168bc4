//! Text folding for case-insensitive search: what keywords and header values are
//! compared on. Both the values and the message text are folded the same way, so a
//! match on folded text is a match as a person reads it.
//!
//! Folding is Unicode full case folding (`caseless`: CaseFolding.txt, so `ß` → `ss`,
//! `ſ` → `s`, `ﬁ` → `fi`, final `ς` → `σ`), and every run of whitespace (line breaks of
//! a wrapped body included) becomes one space.

use caseless::Caseless;

/// Folds `text` (see the module doc).
pub fn fold(text: &str) -> String {
    fold_into(text, None)
}

/// A folded text that can point back into the text it was folded from (to show the
/// original words around a match).
pub struct Folded {
    pub text: String,
    /// Where each run of the folded text came from, in order: `(folded offset, original
    /// offset, linear)`. A linear run (lowered ASCII) maps byte for byte; any other
    /// (a folded character, a collapsed whitespace run) maps all its bytes to its start.
    runs: Vec<(u32, u32, bool)>,
    original_len: usize,
}

impl Folded {
    pub fn new(text: &str) -> Folded {
        let mut runs = Vec::new();
        let folded = fold_into(text, Some(&mut runs));
        Folded {
            text: folded,
            runs,
            original_len: text.len(),
        }
    }

    /// The byte offset in the original text of the character that produced byte `at` of
    /// the folded text (the original's end for the folded text's end).
    pub fn original(&self, at: usize) -> usize {
        if at >= self.text.len() {
            return self.original_len;
        }
        let i = self.runs.partition_point(|r| r.0 as usize <= at) - 1;
        let (folded, original, linear) = self.runs[i];
        if linear {
            original as usize + (at - folded as usize)
        } else {
            original as usize
        }
    }
}

/// The folding loop: runs of ASCII bytes other than whitespace (nearly all of real
/// mail) are lowered in bulk; whitespace collapses; any other character goes through the
/// Unicode case folding tables. With `runs`, records where each run came from.
fn fold_into(text: &str, mut runs: Option<&mut Vec<(u32, u32, bool)>>) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut in_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i] < 0x80 && !is_ascii_space(bytes[i]) {
            i += 1;
        }
        if i > start {
            if let Some(runs) = runs.as_deref_mut() {
                runs.push((out.len() as u32, start as u32, true));
            }
            out.extend(bytes[start..i].iter().map(u8::to_ascii_lowercase));
            in_space = false;
        }
        let Some(&b) = bytes.get(i) else { break };
        let before = out.len();
        let (len, space) = if b < 0x80 {
            (1, true)
        } else {
            let c = text[i..]
                .chars()
                .next()
                .expect("i is on a character boundary");
            if !c.is_whitespace() {
                let mut buffer = [0u8; 4];
                for folded in std::iter::once(c).default_case_fold() {
                    out.extend_from_slice(folded.encode_utf8(&mut buffer).as_bytes());
                }
            }
            (c.len_utf8(), c.is_whitespace())
        };
        if space && !in_space {
            out.push(b' ');
        }
        in_space = space;
        if let (Some(runs), true) = (runs.as_deref_mut(), out.len() > before) {
            runs.push((before as u32, i as u32, false));
        }
        i += len;
    }
    String::from_utf8(out).expect("folding keeps UTF-8")
}

/// ASCII whitespace as `char::is_whitespace` sees it (vertical tab included).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Up to `max_chars` of `text` around byte range `start..end` (on char boundaries),
/// whitespace runs shown as one space.
pub fn snippet(text: &str, start: usize, end: usize, max_chars: usize) -> String {
    let matched = text[start..end].chars().count();
    let context = max_chars.saturating_sub(matched) / 2;
    let before: usize = text[..start]
        .char_indices()
        .rev()
        .nth(context.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let before = if context == 0 { start } else { before };
    let after = text[end..]
        .char_indices()
        .nth(context)
        .map_or(text.len(), |(i, _)| end + i);
    let mut out = String::new();
    for word in text[before..after].split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_whitespace() {
        assert_eq!(fold("Straße\r\n  NEXT\tDay"), "strasse next day");
        assert_eq!(fold("ΟΔΥΣΣΕΎΣ"), "οδυσσεύσ");
        assert_eq!(fold("ὈΔΥΣΣΕΎς"), fold("ὀδυσσεύσ"));
        assert_eq!(fold("İstanbul").chars().next(), Some('i'));
        assert_eq!(fold("ſecret ﬁle"), "secret file");
    }

    #[test]
    fn maps_folded_offsets_back() {
        let text = "Große  Rechnung ÉTÉ";
        let folded = Folded::new(text);
        assert_eq!(folded.text, fold(text));
        let at = folded.text.find("rechnung").unwrap();
        assert_eq!(&text[folded.original(at)..], "Rechnung ÉTÉ");
        assert_eq!(&text[folded.original(at + 2)..], "chnung ÉTÉ");
        // Both bytes of "ss" come from "ß"; the end maps to the end.
        assert_eq!(&text[folded.original(3)..folded.original(5)], "ß");
        let ete = folded.text.find("été").unwrap();
        assert_eq!(&text[folded.original(ete)..], "ÉTÉ");
        assert_eq!(&text[folded.original(ete + 2)..], "TÉ");
        assert_eq!(folded.original(folded.text.len()), text.len());
        assert_eq!(folded.original(0), 0);
    }

    #[test]
    fn snippet_shows_context_on_char_boundaries() {
        let text = "ééééé the  invoice\nis attached ééééé";
        let start = text.find("invoice").unwrap();
        let s = snippet(text, start, start + 7, 21);
        assert_eq!(s, "é the invoice is att");
        assert_eq!(snippet("abc", 0, 3, 200), "abc");
    }
}
