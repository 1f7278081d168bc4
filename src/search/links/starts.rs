//! Where bare URLs start in text: `http://`, `https://`, `ftp://` or `www.`, in any
//! case, leftmost first (what an ASCII-case-insensitive leftmost search for the four
//! strings finds). memchr's searchers look for the rare `://` and for the letter `w`,
//! and the bytes around each find are compared; an automaton over the four strings,
//! stepping through every byte of every body, cost about 15,000 instructions a body.

use memchr::memmem;

/// One place a URL may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Start {
    /// Where the scheme or `www.` starts.
    pub at: usize,
    /// Where it ends (after `://` or `www.`).
    pub end: usize,
    /// It is `www.` (which must also start a word: the caller checks).
    pub www: bool,
}

/// The starts in one text. Each of the two searches is run again only when the scan
/// has passed its last find, so a text is read about twice whatever its link count.
pub(super) struct UrlStarts<'t> {
    text: &'t [u8],
    /// The next scheme and the next `www.` found, if looked for (`Some(None)`: none
    /// left).
    scheme: Option<Option<Start>>,
    www: Option<Option<Start>>,
}

impl<'t> UrlStarts<'t> {
    pub fn new(text: &'t str) -> UrlStarts<'t> {
        UrlStarts {
            text: text.as_bytes(),
            scheme: None,
            www: None,
        }
    }

    /// The leftmost start at or after `from`.
    pub fn next_from(&mut self, from: usize) -> Option<Start> {
        let text = self.text;
        let scheme = *refresh(&mut self.scheme, from, |from| next_scheme(text, from));
        let www = *refresh(&mut self.www, from, |from| next_www(text, from));
        match (scheme, www) {
            (Some(s), Some(w)) => Some(if s.at < w.at { s } else { w }),
            (s, w) => s.or(w),
        }
    }
}

/// The cached find, looked for again from `from` when it was never looked for or lies
/// before `from` (a find at or after `from` is still the leftmost from there).
fn refresh(
    cached: &mut Option<Option<Start>>,
    from: usize,
    find: impl FnOnce(usize) -> Option<Start>,
) -> &Option<Start> {
    if cached.is_none_or(|c| c.is_some_and(|s| s.at < from)) {
        *cached = Some(find(from));
    }
    cached.as_ref().expect("just filled")
}

/// The leftmost `http://`, `https://` or `ftp://` starting at or after `from`. Letters
/// cannot overlap `://`, so the first `://` with a scheme before it gives the leftmost.
fn next_scheme(text: &[u8], from: usize) -> Option<Start> {
    let mut at = from;
    while let Some(colon) = memmem::find(&text[at..], b"://").map(|i| at + i) {
        for scheme in [&b"https"[..], b"http", b"ftp"] {
            let Some(start) = colon.checked_sub(scheme.len()).filter(|&s| s >= from) else {
                continue;
            };
            if text[start..colon].eq_ignore_ascii_case(scheme) {
                return Some(Start {
                    at: start,
                    end: colon + 3,
                    www: false,
                });
            }
        }
        at = colon + 1;
    }
    None
}

/// The leftmost `www.` (any case) starting at or after `from`.
fn next_www(text: &[u8], from: usize) -> Option<Start> {
    let mut at = from;
    while let Some(w) = memchr::memchr2(b'w', b'W', &text[at..]).map(|i| at + i) {
        if text
            .get(w..w + 4)
            .is_some_and(|four| four.eq_ignore_ascii_case(b"www."))
        {
            return Some(Start {
                at: w,
                end: w + 4,
                www: true,
            });
        }
        at = w + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};

    use super::*;

    /// The starts from `from` on, one after another, each search resuming where the
    /// last start ended: as the link scan uses them.
    fn all(text: &str) -> Vec<Start> {
        let mut starts = UrlStarts::new(text);
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(s) = starts.next_from(from) {
            out.push(s);
            from = s.end;
        }
        out
    }

    /// The same with the automaton the scan used before.
    fn by_automaton(text: &str) -> Vec<Start> {
        static AUTOMATON: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(["http://", "https://", "ftp://", "www."])
                .unwrap()
        });
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(m) = AUTOMATON.find(Input::new(text).span(from..text.len())) {
            out.push(Start {
                at: m.start(),
                end: m.end(),
                www: m.pattern().as_usize() == 3,
            });
            from = m.end();
        }
        out
    }

    #[test]
    fn starts_are_the_automatons() {
        for text in [
            "see https://a.example and HTTP://B.example, ftp://c; www.d.example",
            "hthttps://x wwww.y Www.z https:/no http//no ://x ftp:/ www",
            "://://https://http://",
            "",
        ] {
            assert_eq!(all(text), by_automaton(text), "{text:?}");
        }
        // Pseudo-random strings of the patterns' bytes, cut and mixed.
        let alphabet = [
            "h", "t", "p", "s", "f", "w", "W", "H", ":", "/", ".", "x", " ", "é",
        ];
        for text in crate::random_for_tests::strings(&alphabet, 20_000, 63, 0x853c_49e6) {
            assert_eq!(all(&text), by_automaton(&text), "{text:?}");
        }
    }

    /// Real mail: every text body of the phishing and spam corpora.
    #[test]
    fn starts_in_real_mail_are_the_automatons() {
        let mut starts = 0;
        let phishing = crate::corpora_for_tests::corpus_files("phishing-pot/email");
        let spam = crate::corpora_for_tests::corpus_files("spamassassin-public/spam_2");
        for file in phishing.iter().take(500).chain(spam.iter().take(500)) {
            let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
            let expected = by_automaton(&text);
            assert_eq!(all(&text), expected, "{file:?}");
            starts += expected.len();
        }
        assert!(starts > 5_000, "only {starts} starts");
    }
}
