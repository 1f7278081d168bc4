//! Keyword search: words and phrases, case-insensitive with Unicode case folding, in
//! the subject, text bodies, HTML bodies as text and attachment names (zip members
//! and attached messages included). A phrase's whitespace matches any whitespace run,
//! so a phrase wrapped across body lines is found. All values are one aho-corasick
//! DFA over the folded text, built once.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::fold::{fold, snippet, Folded};
use super::hit::{Hits, SNIPPET_CHARS};
use super::SearchError;
use crate::message::decoded::Text;

pub struct KeywordMatcher {
    automaton: AhoCorasick,
    /// Indicators of each distinct folded pattern, by pattern id.
    indicators: Vec<Vec<usize>>,
    whole_word: bool,
}

impl KeywordMatcher {
    /// `values`: (indicator, value). Values fold to their search form (see `fold`).
    pub fn new(values: &[(usize, &str)], whole_word: bool) -> Result<Self, SearchError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut indicators: Vec<Vec<usize>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for &(indicator, value) in values {
            let folded = normalized(value);
            let id = *index.entry(folded.clone()).or_insert_with(|| {
                patterns.push(folded);
                indicators.push(Vec::new());
                patterns.len() - 1
            });
            indicators[id].push(indicator);
        }
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| SearchError::Automaton(e.to_string()))?;
        Ok(KeywordMatcher {
            automaton,
            indicators,
            whole_word,
        })
    }

    /// Every keyword found in the texts. Occurrences are counted per text first, so a
    /// value found a thousand times costs one hit and one snippet.
    pub fn find(&self, texts: &[Text], hits: &mut Hits) {
        // Per pattern: occurrences in the current text and the first one's range.
        let mut found: Vec<(u32, usize, usize)> = vec![(0, 0, 0); self.indicators.len()];
        let mut touched: Vec<usize> = Vec::new();
        for text in texts {
            let folded = Folded::new(&text.text);
            for m in self.automaton.find_overlapping_iter(&folded.text) {
                if self.whole_word && !at_word_edges(&folded.text, m.start(), m.end()) {
                    continue;
                }
                let entry = &mut found[m.pattern().as_usize()];
                if entry.0 == 0 {
                    touched.push(m.pattern().as_usize());
                    (entry.1, entry.2) = (m.start(), m.end());
                }
                entry.0 += 1;
            }
            if touched.is_empty() {
                continue;
            }
            for &pattern in &touched {
                let (count, start, end) = std::mem::take(&mut found[pattern]);
                let (start, end) = (folded.original(start), folded.original(end));
                let shown = snippet(&text.text, start, end.max(start), SNIPPET_CHARS);
                for &indicator in &self.indicators[pattern] {
                    hits.add_many(indicator, text.field.as_str(), &text.path, count, || {
                        shown.clone()
                    });
                }
            }
            touched.clear();
        }
    }
}

/// The form a keyword is searched in (recorded as the indicator's `normalized`).
pub fn normalized(value: &str) -> String {
    fold(value.trim())
}

/// True when `start..end` of `text` is not inside a longer word.
fn at_word_edges(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text[..start].chars().next_back().is_none_or(|c| !word(c));
    let after = text[end..].chars().next().is_none_or(|c| !word(c));
    before && after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::decoded::TextField;

    fn text(field: TextField, s: &str) -> Text {
        Text {
            field,
            path: "1".into(),
            text: s.into(),
        }
    }

    fn found(m: &KeywordMatcher, texts: &[Text]) -> Vec<(usize, String, u32)> {
        let mut hits = Hits::default();
        m.find(texts, &mut hits);
        hits.into_vec()
            .into_iter()
            .map(|h| (h.indicator, h.field, h.occurrences))
            .collect()
    }

    #[test]
    fn phrases_match_across_line_breaks_and_case() {
        let m = KeywordMatcher::new(&[(0, "Wire  Transfer"), (1, "STRASSE")], false).unwrap();
        let texts = [
            text(
                TextField::BodyText,
                "please make the wire\r\n transfer; Straße 5",
            ),
            text(TextField::Subject, "WIRE TRANSFER wire transfer"),
        ];
        assert_eq!(
            found(&m, &texts),
            vec![
                (0, "body_text".into(), 1),
                (0, "subject".into(), 2),
                (1, "body_text".into(), 1)
            ]
        );
    }

    #[test]
    fn whole_word_rejects_parts_of_words() {
        let texts = [text(
            TextField::BodyText,
            "invoices and invoice_2 and an invoice.",
        )];
        let loose = KeywordMatcher::new(&[(0, "invoice")], false).unwrap();
        assert_eq!(found(&loose, &texts), vec![(0, "body_text".into(), 3)]);
        let strict = KeywordMatcher::new(&[(0, "invoice")], true).unwrap();
        assert_eq!(found(&strict, &texts), vec![(0, "body_text".into(), 1)]);
    }

    #[test]
    fn values_folding_alike_share_one_pattern_and_snippet_is_original_text() {
        let m = KeywordMatcher::new(&[(0, "Invoice"), (1, "INVOICE")], false).unwrap();
        let mut hits = Hits::default();
        m.find(
            &[text(TextField::AttachmentName, "Your INVOICE.pdf")],
            &mut hits,
        );
        let hits = hits.into_vec();
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[1].indicator, 1);
        assert_eq!(hits[0].snippet, "Your INVOICE.pdf");
    }

    #[test]
    fn near_misses_do_not_match() {
        let m = KeywordMatcher::new(&[(0, "pay now")], true).unwrap();
        let texts = [text(TextField::BodyText, "paynow, repay nowhere, pay-now")];
        assert!(found(&m, &texts).is_empty());
    }
}
