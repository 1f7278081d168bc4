//! What a search finds in one message: hits, grouped by value and place.

use std::collections::BTreeMap;

/// Longest snippet recorded, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// A value found in one place of a message: `field` is where (`subject`, `body_text`,
/// `header:x-mailer`, `from`, …), `path` the MIME part (empty for top-level headers).
/// `occurrences` counts the times it was found there; `snippet` shows the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub indicator: usize,
    pub field: String,
    pub path: String,
    pub snippet: String,
    pub occurrences: u32,
}

/// Collects hits, one per (indicator, field, path), in a deterministic order.
#[derive(Debug, Default)]
pub struct Hits {
    by_place: BTreeMap<(usize, String, String), (String, u32)>,
}

impl Hits {
    /// Records one occurrence; the snippet is built only for the first one of a place.
    pub fn add(
        &mut self,
        indicator: usize,
        field: &str,
        path: &str,
        snippet: impl FnOnce() -> String,
    ) {
        self.add_many(indicator, field, path, 1, snippet);
    }

    /// Records `count` occurrences found together.
    pub fn add_many(
        &mut self,
        indicator: usize,
        field: &str,
        path: &str,
        count: u32,
        snippet: impl FnOnce() -> String,
    ) {
        let key = (indicator, field.to_string(), path.to_string());
        match self.by_place.get_mut(&key) {
            Some((_, n)) => *n += count,
            None => {
                self.by_place.insert(key, (snippet(), count));
            }
        }
    }

    /// Hits ordered by indicator, then field, then path.
    pub fn into_vec(self) -> Vec<Hit> {
        self.by_place
            .into_iter()
            .map(|((indicator, field, path), (snippet, occurrences))| Hit {
                indicator,
                field,
                path,
                snippet,
                occurrences,
            })
            .collect()
    }
}
