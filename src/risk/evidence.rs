//! Evidence: one observation a detector made about a message, the unit of the X-ray
//! insights. Evidence names the category it raises (or none: an insight only, such as
//! a DKIM pass or an ARC chain), the rule that made it and what it saw.

use super::Category;

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The category this raises; `None` for an insight that raises nothing.
    pub category: Option<Category>,
    /// Stable rule id, `area.rule` (`auth.spf_fail`, `file.vba_autoexec`): what the
    /// policy, the tables and the documentation call it.
    pub rule: &'static str,
    /// What was seen, for a person: which header, attachment, list or value.
    pub detail: String,
    /// Strength in 0..=1: 1 for a rule that is certain, lower for a guess. A category's
    /// score is the highest of its evidence (the learned classifiers give fractions).
    pub score: f32,
}

impl Evidence {
    /// Certain evidence raising `category`.
    pub fn raise(category: Category, rule: &'static str, detail: impl Into<String>) -> Evidence {
        Evidence {
            category: Some(category),
            rule,
            detail: detail.into(),
            score: 1.0,
        }
    }

    /// An insight that raises no category.
    pub fn insight(rule: &'static str, detail: impl Into<String>) -> Evidence {
        Evidence {
            category: None,
            rule,
            detail: detail.into(),
            score: 0.0,
        }
    }
}
