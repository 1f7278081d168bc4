//! Spam tiers (Obvious spam, Spam, Possible spam) and the learned phishing class.
//!
//! The spam score is the classifier's probability that the message is not ham (spam
//! or phishing: unsolicited either way; on the train split this caught more spam at the
//! same ham rate than the spam class alone) ([`Scores`], computed once per
//! message by the rescan) with the rule signals' weights added to its log-odds
//! (`rules`: hidden HTML text, image-only bodies, links to bare IPs, header anomalies,
//! display names showing another address); GTUBE alone is Obvious spam. Three
//! thresholds map the score to a tier; the X-ray line names the strongest features.
//! The phishing class probability becomes `phishing.classifier` evidence (Phishing,
//! Possible phishing) with its own thresholds; the phishing detector adds rule signals.
//!
//! A message with fewer than [`MIN_FEATURES`] of the model's features gets no tier or
//! class from the classifier (an insight says so): its probabilities would be the bias.
//!
//! Rule ids → categories: `spam.classifier` → the tier; `spam.gtube` → Obvious spam;
//! `spam.html_hidden_text`, `spam.image_only` → Possible spam (the tier may be higher);
//! `spam.url_ip`, `spam.header_anomaly`, `spam.sender_name_address` → insights;
//! `phishing.classifier` → Phishing / Possible phishing.

use super::content::Content;
use super::learn::{Class, Scores, MIN_FEATURES};
use super::{Category, Evidence};
use crate::message::decoded::Decoded;

mod rules;

pub use rules::GTUBE;

/// Spam-score thresholds of the tiers, chosen on the train split (`mailsweep train
/// --validate`: 3-fold cross-validation, spam score with the rule signals, no verdict
/// below [`MIN_FEATURES`]): at 0.8, 0.91% of its ham and 96.7% of its spam (0.7: 1.06%,
/// 97.1%; 0.9: 0.63%, 95.4%).
pub const OBVIOUS_SPAM: f32 = 0.98;
pub const SPAM: f32 = 0.8;
pub const POSSIBLE_SPAM: f32 = 0.5;
/// Phishing-class threshold (same cross-validation: 0.33% of ham, 97.0% of phishing).
pub const POSSIBLE_PHISHING: f32 = 0.5;
/// Features named in an X-ray line.
const EXPLAIN: usize = 4;

/// The header fields the rules read.
pub fn wants(name: &str) -> bool {
    ["message-id", "date", "to", "from"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

/// Emits the rule signals' evidence of one message and, with the classifier's
/// `scores`, the spam tier and the phishing class. Without a classifier
/// (`--no-classifier`) the rules still stand alone: GTUBE is Obvious spam, hidden text
/// and image-only bodies Possible spam, the others insights.
pub fn check(content: &Content, scores: Option<&Scores>, out: &mut Vec<Evidence>) {
    let mut signals = Vec::new();
    rules::signals(content.decoded, &mut signals);
    for s in &signals {
        let (category, score) = match s.rule {
            "spam.gtube" => (Some(Category::ObviousSpam), 1.0),
            "spam.html_hidden_text" | "spam.image_only" => (Some(Category::PossibleSpam), 0.5),
            _ => (None, 0.0),
        };
        out.push(Evidence {
            category,
            rule: s.rule,
            detail: s.detail.clone(),
            score,
        });
    }
    if let Some(scores) = scores {
        learned(scores, &signals, out);
    }
}

/// The spam tier (the classifier's score with the rule signals) and the phishing class.
fn learned(scores: &Scores, signals: &[rules::Signal], out: &mut Vec<Evidence>) {
    if !scores.judged() {
        // The rules above stand alone, as without the classifier; the X-ray says why.
        out.push(Evidence {
            category: None,
            rule: "spam.classifier",
            detail: format!(
                "no verdict from the classifier: {} of its features in the message, \
                 fewer than {MIN_FEATURES}",
                scores.features()
            ),
            score: 0.0,
        });
        return;
    }
    let combined = combine(1.0 - scores.ham, signals);
    // A learned score alone never makes a High-level verdict (Jail even from a trusted
    // contact): Obvious spam needs a rule that saw something (GTUBE, hidden text, …).
    let tier = spam_tier(combined).map(|t| match t {
        Category::ObviousSpam if signals.is_empty() => Category::Spam,
        t => t,
    });
    if let Some(tier) = tier {
        let rules: Vec<&str> = signals.iter().map(|s| s.rule).collect();
        let with = if rules.is_empty() {
            String::new()
        } else {
            format!(" with {}", rules.join(", "))
        };
        out.push(Evidence {
            category: Some(tier),
            rule: "spam.classifier",
            detail: format!(
                "spam score {combined:.3} (classifier: not ham {:.3}{with}); strongest: {}",
                1.0 - scores.ham,
                scores.explain(Class::Spam, EXPLAIN)
            ),
            score: combined,
        });
    }
    // Likewise Phishing (High): the class score alone is Possible phishing at most; the
    // rule signals (`phishing` module) raise Phishing when they see a lure.
    let tier = if scores.phishing >= POSSIBLE_PHISHING {
        Some(Category::PossiblePhishing)
    } else {
        None
    };
    if let Some(tier) = tier {
        out.push(Evidence {
            category: Some(tier),
            rule: "phishing.classifier",
            detail: format!(
                "phishing class {:.3}; strongest: {}",
                scores.phishing,
                scores.explain(Class::Phishing, EXPLAIN)
            ),
            score: scores.phishing,
        });
    }
}

/// The spam score of a message: the classifier's not-ham probability with the rule
/// signals' weights added to its log-odds; GTUBE alone decides (1).
fn combine(not_ham: f32, signals: &[rules::Signal]) -> f32 {
    if signals.iter().any(|s| s.rule == "spam.gtube") {
        return 1.0;
    }
    let p = not_ham.clamp(1e-6, 1.0 - 1e-6);
    let boost: f32 = signals.iter().map(|s| s.weight).sum();
    1.0 / (1.0 + (-((p / (1.0 - p)).ln() + boost)).exp())
}

/// The rule signals of a decoded message, kept to score it later
/// ([`RuleSignals::score`]): what `train --validate` holds beside each message's tokens
/// to choose the thresholds on the spam score the rescan computes, not on the
/// classifier's alone.
pub struct RuleSignals(Vec<rules::Signal>);

impl RuleSignals {
    pub fn of(decoded: &Decoded) -> RuleSignals {
        let mut signals = Vec::new();
        rules::signals(decoded, &mut signals);
        RuleSignals(signals)
    }

    /// The spam score for a not-ham probability, as [`check`] computes it.
    pub fn score(&self, not_ham: f32) -> f32 {
        combine(not_ham, &self.0)
    }
}

/// The tier of a combined spam score.
pub fn spam_tier(score: f32) -> Option<Category> {
    if score >= OBVIOUS_SPAM {
        Some(Category::ObviousSpam)
    } else if score >= SPAM {
        Some(Category::Spam)
    } else if score >= POSSIBLE_SPAM {
        Some(Category::PossibleSpam)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
