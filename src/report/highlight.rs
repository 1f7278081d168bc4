//! Matched values highlighted in their snippets: every occurrence of the value in the
//! snippet is wrapped in `<mark>`, the rest escaped. The value is found as the search
//! found it: Unicode full case folding (`caseless`), and any whitespace run in the value
//! matches any whitespace run in the snippet (a phrase across a line break).

use caseless::Caseless;

use super::html::Html;

/// Writes `snippet` with the occurrences of the first of `needles` that occurs in it
/// marked; unmarked when none does (a file hash is never in its snippet).
pub fn highlight(h: &mut Html, snippet: &str, needles: &[&str]) {
    let ranges = needles
        .iter()
        .map(|n| find_all(snippet, n))
        .find(|r| !r.is_empty())
        .unwrap_or_default();
    let mut at = 0;
    for (start, end) in ranges {
        h.text(&snippet[at..start])
            .raw("<mark>")
            .text(&snippet[start..end])
            .raw("</mark>");
        at = end;
    }
    h.text(&snippet[at..]);
}

/// A text folded character by character, each folded character knowing the byte range
/// of the character it came from.
struct Folded {
    chars: Vec<char>,
    source: Vec<(usize, usize)>,
}

fn fold(text: &str) -> Folded {
    let mut folded = Folded {
        chars: Vec::new(),
        source: Vec::new(),
    };
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if c.is_whitespace() {
            // One space per run; the run's range grows to its end.
            if folded.chars.last() == Some(&' ') {
                if let Some(last) = folded.source.last_mut() {
                    last.1 = end;
                }
            } else {
                folded.chars.push(' ');
                folded.source.push((i, end));
            }
            continue;
        }
        for f in std::iter::once(c).default_case_fold() {
            folded.chars.push(f);
            folded.source.push((i, end));
        }
    }
    folded
}

/// The byte ranges of `needle`'s non-overlapping occurrences in `hay`, left to right.
/// A match must start and end on whole characters of `hay` (a needle `s` does not mark
/// half of a `ß`).
fn find_all(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    let needle = fold(needle.trim()).chars;
    let hay = fold(hay);
    let (n, len) = (needle.len(), hay.chars.len());
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    let mut p = 0;
    while p + n <= len {
        let whole_start = p == 0 || hay.source[p - 1] != hay.source[p];
        let whole_end = p + n == len || hay.source[p + n - 1] != hay.source[p + n];
        if whole_start && whole_end && hay.chars[p..p + n] == needle[..] {
            out.push((hay.source[p].0, hay.source[p + n - 1].1));
            p += n;
        } else {
            p += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(snippet: &str, needles: &[&str]) -> String {
        let mut h = Html::default();
        highlight(&mut h, snippet, needles);
        h.finish()
    }

    #[test]
    fn every_occurrence_is_marked_in_its_original_case() {
        assert_eq!(
            marked("Invoice due: see the INVOICE", &["invoice"]),
            "<mark>Invoice</mark> due: see the <mark>INVOICE</mark>"
        );
    }

    #[test]
    fn everything_around_and_inside_the_mark_is_escaped() {
        assert_eq!(
            marked("<b>pay</b> <script>x</script>", &["<script>"]),
            "&lt;b&gt;pay&lt;/b&gt; <mark>&lt;script&gt;</mark>x&lt;/script&gt;"
        );
        assert_eq!(
            marked("a\0\"<img src=x>\"", &["img"]),
            "a\u{2400}&quot;&lt;<mark>img</mark> src=x&gt;&quot;"
        );
    }

    #[test]
    fn phrases_match_across_whitespace_runs() {
        assert_eq!(
            marked("the club\n   meeting is", &["club meeting"]),
            "the <mark>club\n   meeting</mark> is"
        );
    }

    #[test]
    fn unicode_full_case_folding() {
        assert_eq!(
            marked("STRASSE und Straße", &["straße"]),
            "<mark>STRASSE</mark> und <mark>Straße</mark>"
        );
        // Half of a folded character is not a match.
        assert_eq!(marked("Maß", &["mas"]), "Maß");
        assert_eq!(marked("ΟΔΟΣ", &["οδος"]), "<mark>ΟΔΟΣ</mark>");
    }

    #[test]
    fn the_first_needle_that_occurs_wins_and_none_leaves_it_plain() {
        assert_eq!(
            marked(
                "see evil.example/login",
                &["host:evil.example", "evil.example"]
            ),
            "see <mark>evil.example</mark>/login"
        );
        assert_eq!(
            marked("nothing <here>", &["absent", ""]),
            "nothing &lt;here&gt;"
        );
    }
}
