//! What a rescan found, counted: messages per category (and per level within it), per
//! highest level and per disposition. Built by the pipeline while it runs and read
//! back from the tables by `audit show`; the results window prints it.

/// What a rescan found, for people and scripts.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RescanSummary {
    /// Messages with at least one category raised.
    pub messages_flagged: usize,
    /// Every category, in the seed's order, zeros included.
    pub categories: Vec<CategoryCount>,
    /// Messages by the highest level raised in them.
    pub levels: LevelCounts,
    pub dispositions: DispositionCounts,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CategoryCount {
    pub category: String,
    pub label: String,
    pub dangerous: bool,
    pub messages: usize,
    pub high: usize,
    pub moderate: usize,
    pub low: usize,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LevelCounts {
    pub high: usize,
    pub moderate: usize,
    pub low: usize,
    pub none: usize,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DispositionCounts {
    pub jail: usize,
    pub junk: usize,
    pub review: usize,
    pub stays: usize,
}
