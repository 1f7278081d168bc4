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
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
                in_space = true;
            }
            continue;
        }
        in_space = false;
        push_folded(&mut out, c);
    }
    out
}

fn push_folded(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    out.extend(std::iter::once(c).default_case_fold());
}

/// The byte offset in `text` of the character that produced byte `folded_at` of
/// `fold(text)` (for showing the original text around a match).
pub fn original_offset(text: &str, folded_at: usize) -> usize {
    let mut folded_len = 0;
    let mut in_space = false;
    let mut buffer = String::new();
    for (i, c) in text.char_indices() {
        // The rest of a whitespace run produced nothing: it cannot start a match.
        if c.is_whitespace() && in_space {
            continue;
        }
        if folded_len >= folded_at {
            return i;
        }
        if c.is_whitespace() {
            folded_len += 1;
            in_space = true;
            continue;
        }
        in_space = false;
        buffer.clear();
        push_folded(&mut buffer, c);
        folded_len += buffer.len();
    }
    text.len()
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
        let text = "Große  Rechnung";
        let folded = fold(text);
        let at = folded.find("rechnung").unwrap();
        assert_eq!(&text[original_offset(text, at)..], "Rechnung");
        assert_eq!(original_offset(text, 0), 0);
        assert_eq!(original_offset(text, folded.len()), text.len());
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
