//! The phrase search of the phishing rules: the leftmost-first matches of an
//! Aho-Corasick DFA in a text, as `AhoCorasick::find_iter` gives them, found by up to
//! four searches stepped in turn, each over its own piece of the text.
//!
//! Why: a DFA step waits for the step before it (the next state is a load indexed by
//! the current one), so one search runs at the latency of a load per byte, and every
//! body with a link goes through it (perf, one thread: 4.8% of a rescan, the largest
//! single rule). Independent searches in one loop overlap their loads: 2.5%.
//!
//! Why the result is the same: the text is cut after line breaks, and no phrase holds
//! a line break, so no match crosses a cut. A leftmost-first search that restarts at
//! each match's end then finds, in each piece, the matches of that piece alone; they
//! are reported piece by piece, in the order of the text.

use std::ops::Range;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, PatternID};

/// The shortest piece a text is cut into: below it, setting up another search costs
/// more than it saves.
const MIN_PIECE: usize = 128;

/// Calls `visit` with each leftmost-first match of `dfa` in `text`, in order.
///
/// `dfa` must be built for unanchored leftmost searches without a prefilter (start
/// states are then not special), and none of its patterns may hold a `\n`.
pub(super) fn each_match(dfa: &DFA, text: &[u8], visit: impl FnMut(PatternID, Range<usize>)) {
    // Four searches overlap their loads a little better than two (perf: the search's
    // share of a one-thread rescan 4.8% with one, 2.8% with two, 2.5% with four).
    if let Some(starts) = starts::<4>(text) {
        search(dfa, text, starts, visit);
    } else if let Some(starts) = starts::<2>(text) {
        search(dfa, text, starts, visit);
    } else {
        search(dfa, text, [0], visit);
    }
}

/// Where each of `N` pieces of `text` starts: the first after each line break at or
/// past `k/N` of the text; `None` when a piece would be empty or shorter than
/// [`MIN_PIECE`] on average.
fn starts<const N: usize>(text: &[u8]) -> Option<[usize; N]> {
    if text.len() < N * MIN_PIECE {
        return None;
    }
    let mut starts = [0; N];
    for k in 1..N {
        let from = (text.len() * k / N).max(starts[k - 1]);
        let cut = from + memchr::memchr(b'\n', &text[from..])? + 1;
        if cut >= text.len() {
            return None;
        }
        starts[k] = cut;
    }
    Some(starts)
}

/// The matches of `N` searches, one from each start, stepped in turn; reported in the
/// order of the text.
fn search<const N: usize>(
    dfa: &DFA,
    text: &[u8],
    starts: [usize; N],
    mut visit: impl FnMut(PatternID, Range<usize>),
) {
    let start = dfa
        .start_state(Anchored::No)
        .expect("the DFA is built for unanchored searches");
    let mut lanes: [Search; N] = std::array::from_fn(|k| {
        let end = starts.get(k + 1).copied().unwrap_or(text.len());
        Search::new(start, starts[k], end)
    });
    let mut found: [Vec<(PatternID, Range<usize>)>; N] = std::array::from_fn(|_| Vec::new());
    while lanes.iter().all(|lane| !lane.done()) {
        // Every search steps in one tight loop until one meets a special state (a match
        // or a dead end) or its end; then each settles.
        let steps = lanes.iter().map(|l| l.end - l.at).min().unwrap_or(0);
        let from = lanes.each_ref().map(|l| l.at);
        let mut states = lanes.each_ref().map(|l| l.state);
        let mut n = 0;
        while n < steps {
            for k in 0..N {
                states[k] = dfa.next_state(Anchored::No, states[k], text[from[k] + n]);
            }
            n += 1;
            if states.iter().any(|&s| dfa.is_special(s)) {
                break;
            }
        }
        for (k, lane) in lanes.iter_mut().enumerate() {
            (lane.state, lane.at) = (states[k], from[k] + n);
            lane.settle(dfa, &mut |p, r| found[k].push((p, r)));
        }
    }
    // The pieces are of about the same length: what is left of the others is short.
    for (k, lane) in lanes.iter_mut().enumerate() {
        lane.run(dfa, text, &mut |p, r| found[k].push((p, r)));
    }
    for (p, r) in found.into_iter().flatten() {
        visit(p, r);
    }
}

/// One leftmost-first search over `text[at..end]`, restarted after each match.
struct Search {
    start: StateID,
    state: StateID,
    at: usize,
    end: usize,
    /// The last match state passed since the search (re)started: in a leftmost-first
    /// DFA, the match the search will report.
    found: Option<(PatternID, Range<usize>)>,
}

impl Search {
    fn new(start: StateID, at: usize, end: usize) -> Search {
        Search {
            start,
            state: start,
            at,
            end,
            found: None,
        }
    }

    fn done(&self) -> bool {
        self.at >= self.end
    }

    /// Searches alone to the end of its text.
    fn run(&mut self, dfa: &DFA, text: &[u8], visit: &mut impl FnMut(PatternID, Range<usize>)) {
        while !self.done() {
            // Kept in locals, not in `self`, for a tight loop.
            let (mut state, mut at) = (self.state, self.at);
            while at < self.end {
                state = dfa.next_state(Anchored::No, state, text[at]);
                at += 1;
                if dfa.is_special(state) {
                    break;
                }
            }
            (self.state, self.at) = (state, at);
            self.settle(dfa, visit);
        }
    }

    /// Acts on the state the last byte led to: a match is remembered, a dead end or the
    /// end of the text reports.
    fn settle(&mut self, dfa: &DFA, visit: &mut impl FnMut(PatternID, Range<usize>)) {
        if dfa.is_special(self.state) {
            if dfa.is_dead(self.state) {
                self.report(visit);
                return;
            }
            if dfa.is_match(self.state) {
                let pattern = dfa.match_pattern(self.state, 0);
                let len = dfa.pattern_len(pattern);
                self.found = Some((pattern, self.at - len..self.at));
            }
        }
        if self.at == self.end {
            self.report(visit);
        }
    }

    /// The search from the last restart has ended (a dead state or the end of its
    /// text): its match, if any, is reported and the search goes on from the match's
    /// end; without one there is nothing more to find.
    fn report(&mut self, visit: &mut impl FnMut(PatternID, Range<usize>)) {
        self.state = self.start;
        match self.found.take() {
            Some((pattern, range)) => {
                self.at = range.end;
                visit(pattern, range);
            }
            // In a leftmost DFA a dead state follows a match, so this is the text's end.
            None => self.at = self.end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};

    use crate::message::decoded::Want;
    use crate::random_for_tests::sequences;

    const PATTERNS: [&str; 7] = ["ab", "abcd", "bc", "c", "you have won", "won", "d e"];

    /// The DFA as [`each_match`] needs it, and the crate's own search for the truth.
    fn both(patterns: &[&str]) -> (DFA, AhoCorasick) {
        let dfa = DFA::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .ascii_case_insensitive(true)
            .prefilter(false)
            .build(patterns)
            .unwrap();
        let reference = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .ascii_case_insensitive(true)
            .build(patterns)
            .unwrap();
        (dfa, reference)
    }

    fn found(dfa: &DFA, text: &[u8]) -> Vec<(usize, Range<usize>)> {
        let mut out = Vec::new();
        each_match(dfa, text, |p, r| out.push((p.as_usize(), r)));
        out
    }

    fn expected(reference: &AhoCorasick, text: &[u8]) -> Vec<(usize, Range<usize>)> {
        reference
            .find_iter(text)
            .map(|m| (m.pattern().as_usize(), m.range()))
            .collect()
    }

    #[test]
    fn no_phrase_holds_a_line_break() {
        // Texts are cut after line breaks, which no match may then cross.
        let phrases = super::super::text::phrase_list();
        assert!(phrases.len() > 100);
        assert!(phrases.iter().all(|p| !p.contains('\n')));
    }

    #[test]
    fn short_texts_are_one_search() {
        assert!(starts::<2>(&[b'\n'; 2 * MIN_PIECE - 1]).is_none());
        let (dfa, reference) = both(&PATTERNS);
        for text in [
            "",
            "a",
            "abcd",
            "xabcdx abc c",
            "You Have Won!",
            "abab bcbc d e",
        ] {
            let text = text.as_bytes();
            assert_eq!(found(&dfa, text), expected(&reference, text));
        }
    }

    #[test]
    fn searches_in_turn_find_what_one_finds_on_random_text() {
        // Few letters, many line breaks: matches everywhere, on both sides of the cut,
        // right at it, and at the end of the text.
        let (dfa, reference) = both(&PATTERNS);
        let pieces: [&[u8]; 11] = [
            b"a",
            b"b",
            b"c",
            b"d",
            b"A",
            b"C",
            b" ",
            b"\n",
            b"you have won",
            b"abcd",
            b"d e",
        ];
        let mut cut = 0;
        for (round, pieces) in sequences(&pieces, 3000, 700, 7).iter().enumerate() {
            let text = pieces.concat();
            if starts::<4>(&text).is_some() {
                cut += 1;
            }
            assert_eq!(
                found(&dfa, &text),
                expected(&reference, &text),
                "round {round}"
            );
        }
        assert!(cut > 2000, "most texts were cut in four: {cut}");
    }

    #[test]
    fn searches_in_turn_find_what_one_finds_on_real_mail() {
        let (dfa, reference) = both(&super::super::text::phrase_list());
        let (mut texts, mut matches) = (0, 0);
        let want = Want {
            body_text: true,
            names_and_html_text: true,
            ..Default::default()
        };
        for (path, d) in crate::corpora_for_tests::spam_and_phishing(want) {
            for t in &d.texts {
                let text = t.text.as_bytes();
                let truth = expected(&reference, text);
                assert_eq!(found(&dfa, text), truth, "{}", path.display());
                texts += 1;
                matches += truth.len();
            }
        }
        assert!(
            texts > 1000 && matches > 300,
            "{texts} texts, {matches} matches"
        );
    }
}
