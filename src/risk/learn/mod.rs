//! The learned text classifier shared by the spam and phishing detectors: a small
//! multinomial logistic regression (ham / spam / phishing) over binary token features
//! ([`tokens`]), its file format, its training ([`train`]) and its scoring.
//!
//! A message is scored ONCE per rescan ([`Model::score`], called by the `Rescanner`);
//! the [`Scores`] are handed to every detector that reads them. The default model is
//! embedded in the binary (`default.model`, built by `mailsweep train`, see
//! `docs/eval.md`); `rescan --model FILE` uses another.
//!
//! File format (little-endian): `MSMODEL1`, u32 class count (3: ham, spam, phishing),
//! f32 bias per class, u32 feature count, then per feature (sorted by token) a u8 token
//! length, the token's UTF-8 bytes and one f32 weight per class.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use super::content::Content;
use super::links::Links;
use crate::message::decoded::{self, Decoded, Want};
use crate::message::zip::ZipCaps;

mod index;
pub mod tokens;
pub mod train;

use index::TokenIndex;

const MAGIC: &[u8; 8] = b"MSMODEL1";
/// Classes, in the order of the weights.
pub const CLASSES: usize = 3;

/// The shipped model, trained on the train split of the labelled corpora (docs/eval.md).
static DEFAULT_BYTES: &[u8] = include_bytes!("default.model");
static DEFAULT: LazyLock<Arc<Model>> = LazyLock::new(|| {
    Arc::new(Model::from_bytes(DEFAULT_BYTES).expect("the embedded default.model is valid"))
});

/// A class of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Ham = 0,
    Spam = 1,
    Phishing = 2,
}

impl Class {
    pub const ALL: [Class; CLASSES] = [Class::Ham, Class::Spam, Class::Phishing];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Ham => "ham",
            Class::Spam => "spam",
            Class::Phishing => "phishing",
        }
    }

    pub fn parse(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a mailsweep model ({reason})")]
    Format { path: PathBuf, reason: &'static str },
    #[error("no training messages of class {0}")]
    EmptyClass(&'static str),
}

/// A trained model: tokens and their per-class weights.
pub struct Model {
    bias: [f32; CLASSES],
    tokens: Vec<Box<str>>,
    weights: Vec<[f32; CLASSES]>,
    /// Feature id by the 64-bit hash of its token ([`token_hash`]). Keyed by the hash
    /// alone: looked up once per word of every message, a string key cost a pointer
    /// chase and a compare per hit. Two of the shipped 10,000 tokens sharing a hash, or a
    /// message's word taking a token's, has odds of about 1 in 10^11 per model and 1 in
    /// 10^15 per word; the model keeps the first of two such tokens.
    index: TokenIndex,
}

/// Fewer of the model's features than this in a message, and its probabilities are no
/// verdict ([`Scores::judged`]): the rescan then takes no tier or class from the
/// classifier, only from the rules. With almost nothing to go on, the probabilities are
/// the bias and the few structural features (`f:`, three of which every message has),
/// which the corpora's eras shaped: a note of a few words scored 0.85 not-ham on
/// "f:from_tld:com" alone. Chosen by cross-validation on the train split (`train
/// --validate`), the largest count that cost at most 0.2 points of spam or phishing
/// caught: 5 (spam caught 96.79% → 96.68%, phishing 97.18% → 96.99%, ham flagged
/// unchanged; 6 cost 0.5 points). It spared most short messages of the parser test
/// corpora (2026-11-24: of 322 notmuch list messages, Spam 13 → 4, Possible phishing
/// 15 → 4).
pub const MIN_FEATURES: usize = 5;

/// Whether a message that shows `features` of the model's features gets a verdict from
/// it ([`MIN_FEATURES`]): the one rule the rescan and `train --validate` both apply.
pub fn judges(features: usize) -> bool {
    features >= MIN_FEATURES
}

/// Token hashes looked up together by [`Model::features`].
const LOOKUP_BATCH: usize = 32;

/// A 64-bit hash of a token (XXH3, unseeded: the model's tokens are fixed, and a word
/// that took a token's hash would only count as that token).
fn token_hash(token: &str) -> u64 {
    twox_hash::XxHash3_64::oneshot(token.as_bytes())
}

/// What the model says of one message: class probabilities (summing to 1) and the
/// features that were present, for explanations.
pub struct Scores<'m> {
    pub ham: f32,
    pub spam: f32,
    pub phishing: f32,
    /// Feature ids present in the message (sorted, once each) and their input scale.
    present: Vec<u32>,
    scale: f32,
    model: &'m Model,
}

impl Scores<'_> {
    /// Whether the message showed enough of the model's features ([`MIN_FEATURES`]) for
    /// its probabilities to be a verdict.
    pub fn judged(&self) -> bool {
        judges(self.present.len())
    }

    /// How many of the model's features the message showed.
    pub fn features(&self) -> usize {
        self.present.len()
    }

    pub fn of(&self, class: Class) -> f32 {
        match class {
            Class::Ham => self.ham,
            Class::Spam => self.spam,
            Class::Phishing => self.phishing,
        }
    }

    /// The `n` present features that pushed hardest towards `class` against ham (token
    /// and its contribution to the log-odds), strongest first.
    pub fn top_features(&self, class: Class, n: usize) -> Vec<(&str, f32)> {
        let c = class as usize;
        let other = if class == Class::Ham { 1 } else { 0 };
        // Ties go to the smaller token: ids are in token order (the model is stored
        // sorted), so ids compare as their tokens would, without reading them.
        let before =
            |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)).is_lt();
        // The n strongest of hundreds, kept in order as they come: a message is X-rayed
        // when it is flagged, and collecting every positive feature to select from them
        // was half of what an X-ray line cost.
        let mut top: Vec<(u32, f32)> = Vec::with_capacity(n + 1);
        for &i in &self.present {
            let w = &self.model.weights[i as usize];
            let feature = (i, (w[c] - w[other]) * self.scale);
            let stronger = top.len() < n || top.last().is_some_and(|last| before(&feature, last));
            if feature.1 > 0.0 && stronger {
                let at = top.partition_point(|kept| before(kept, &feature));
                top.insert(at, feature);
                top.truncate(n);
            }
        }
        top.into_iter()
            .map(|(i, v)| (&*self.model.tokens[i as usize], v))
            .collect()
    }

    /// "`tok` (+1.2), `tok` (+0.8)": the strongest features, for an X-ray line.
    pub fn explain(&self, class: Class, n: usize) -> String {
        let top = self.top_features(class, n);
        if top.is_empty() {
            return "no single strong feature".into();
        }
        let mut line = String::new();
        for (k, (t, v)) in top.iter().enumerate() {
            let comma = if k == 0 { "" } else { ", " };
            write!(line, "{comma}{t:?} (+{v:.1})").expect("writing to a String cannot fail");
        }
        line
    }
}

impl Model {
    /// The shipped model (parsed once, shared).
    pub fn default_model() -> Arc<Model> {
        DEFAULT.clone()
    }

    pub fn load(path: &Path) -> Result<Model, LearnError> {
        let bytes = std::fs::read(path).map_err(|source| LearnError::Io {
            path: path.into(),
            source,
        })?;
        Model::from_bytes(&bytes).map_err(|reason| LearnError::Format {
            path: path.into(),
            reason,
        })
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Builds a model from tokens (any order) and weights; stored sorted by token.
    pub fn new(bias: [f32; CLASSES], mut features: Vec<(String, [f32; CLASSES])>) -> Model {
        features.sort_by(|a, b| a.0.cmp(&b.0));
        features.dedup_by(|a, b| a.0 == b.0);
        let tokens: Vec<Box<str>> = features.iter().map(|(t, _)| t.as_str().into()).collect();
        let weights = features.iter().map(|(_, w)| *w).collect();
        let index = TokenIndex::new(tokens.iter().map(|t| token_hash(t)));
        Model {
            bias,
            tokens,
            weights,
            index,
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, &'static str> {
        let mut r = Reader(bytes);
        if r.take(8)? != MAGIC {
            return Err("bad magic");
        }
        if r.u32()? as usize != CLASSES {
            return Err("not a ham/spam/phishing model");
        }
        let mut bias = [0.0; CLASSES];
        for b in &mut bias {
            *b = r.f32()?;
        }
        let n = r.u32()? as usize;
        if n > 1_000_000 {
            return Err("too many features");
        }
        let mut features = Vec::with_capacity(n);
        for _ in 0..n {
            let len = r.take(1)?[0] as usize;
            let token = std::str::from_utf8(r.take(len)?).map_err(|_| "token not UTF-8")?;
            let mut w = [0.0; CLASSES];
            for x in &mut w {
                *x = r.f32()?;
                if !x.is_finite() {
                    return Err("weight not finite");
                }
            }
            features.push((token.to_string(), w));
        }
        if !r.0.is_empty() {
            return Err("trailing bytes");
        }
        Ok(Model::new(bias, features))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.tokens.len() * 24);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(CLASSES as u32).to_le_bytes());
        for b in self.bias {
            out.extend_from_slice(&b.to_le_bytes());
        }
        out.extend_from_slice(&(self.tokens.len() as u32).to_le_bytes());
        for (t, w) in self.tokens.iter().zip(&self.weights) {
            // Tokens are at most a prefix and 24 chars: well under 255 bytes.
            let bytes = &t.as_bytes()[..t.len().min(255)];
            out.push(bytes.len() as u8);
            out.extend_from_slice(bytes);
            for x in w {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out
    }

    /// The feature id of a token, if the model has it.
    pub fn id(&self, token: &str) -> Option<u32> {
        self.index.get(token_hash(token))
    }

    /// The feature ids present in a message, sorted, once each.
    pub fn features(&self, decoded: &Decoded, links: &Links, from: Option<&str>) -> Vec<u32> {
        // Marked in a bit set: a message repeats its words, and sorting every hit cost
        // more than reading the set's few hundred words back.
        let mut seen = vec![0u64; self.tokens.len().div_ceil(64)];
        // Looked up a batch of hashes at a time: the index's slot is usually a cache miss,
        // and a lookup in a short loop of lookups overlaps its miss with the others',
        // where one per token waited for each (perf: half of the lookup's time on that load).
        let mut batch = [0u64; LOOKUP_BATCH];
        let mut batched = 0;
        let mut mark = |hashes: &[u64]| {
            for &hash in hashes {
                if let Some(i) = self.index.get(hash) {
                    seen[i as usize / 64] |= 1 << (i % 64);
                }
            }
        };
        tokens::tokens(decoded, links, from, &mut |t| {
            batch[batched] = token_hash(t);
            batched += 1;
            if batched == LOOKUP_BATCH {
                mark(&batch);
                batched = 0;
            }
        });
        mark(&batch[..batched]);
        let mut present = Vec::new();
        for (w, &bits) in seen.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                present.push((w * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        present
    }

    /// The feature ids of a token list (from [`message_tokens`]), sorted, once each.
    pub fn ids(&self, tokens: &[String]) -> Vec<u32> {
        let mut v: Vec<u32> = tokens.iter().filter_map(|t| self.id(t)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Scores one message.
    pub fn score(&self, content: &Content) -> Scores<'_> {
        // The decoded From, as in training (not the inventory's).
        let from = from_of(content.decoded);
        let present = self.features(content.decoded, content.links, from);
        let (probs, scale) = self.probabilities(&present);
        Scores {
            ham: probs[0],
            spam: probs[1],
            phishing: probs[2],
            present,
            scale,
            model: self,
        }
    }

    /// Class probabilities of a feature set; inputs are binary, scaled to unit length.
    pub fn probabilities(&self, present: &[u32]) -> ([f32; CLASSES], f32) {
        let scale = input_scale(present.len()) as f32;
        let mut logits = self.bias;
        for &i in present {
            for (l, w) in logits.iter_mut().zip(&self.weights[i as usize]) {
                *l += w * scale;
            }
        }
        (softmax(logits), scale)
    }
}

/// Each present feature's input value: n^-1/4 for n present features, so long messages
/// do not win on length alone (validated on the train split against n^-1/2 and 1: the
/// best spam recall at a fixed ham rate).
pub fn input_scale(n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    (n as f64).powf(-0.25)
}

fn softmax(logits: [f32; CLASSES]) -> [f32; CLASSES] {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut e = logits.map(|l| (l - max).exp());
    let sum: f32 = e.iter().sum();
    for x in &mut e {
        *x /= sum;
    }
    e
}

/// The first From address of a decoded message.
pub fn from_of(decoded: &Decoded) -> Option<&str> {
    decoded
        .senders
        .iter()
        .find(|(f, _)| *f == decoded::SenderField::From)
        .map(|(_, a)| a.as_str())
}

/// Decodes a message (its parsed view) as the rescan does for the content detectors,
/// minus attachment contents, which the tokenizer never reads: what `train` reads.
pub fn decode(bytes: &[u8]) -> Decoded {
    let parser = decoded::parser();
    let want = Want {
        headers: Some(&super::spam::wants),
        header_places_only: None,
        senders: true,
        body_text: true,
        names_and_html_text: true,
        html: true,
        files: false,
    };
    Decoded::parse(&parser, bytes, &ZipCaps::default(), want)
}

/// The feature ids of a decoded message for a model: what training and scoring share.
pub fn message_tokens(decoded: &Decoded) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let links = Links::read(decoded);
    tokens::tokens(decoded, &links, from_of(decoded), &mut |t| {
        out.push(t.to_string())
    });
    out.sort_unstable();
    out.dedup();
    out
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.0.len() < n {
            return Err("truncated");
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, &'static str> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or([0; 4]),
        ))
    }

    fn f32(&mut self) -> Result<f32, &'static str> {
        Ok(f32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or([0; 4]),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The present features, found the slow way: every token looked up by its string
    /// in the sorted token list, the ids sorted and deduplicated.
    fn reference_features(m: &Model, d: &Decoded) -> Vec<u32> {
        let mut ids = Vec::new();
        tokens::tokens(d, &Links::read(d), from_of(d), &mut |t| {
            if let Ok(i) = m.tokens.binary_search_by(|x| (**x).cmp(t)) {
                ids.push(i as u32);
            }
        });
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    #[test]
    fn hashed_lookups_find_exactly_the_tokens_of_real_messages() {
        let m = Model::default_model();
        let mut hits = 0;
        for folder in [
            "spamassassin-public/spam_2",
            "spamassassin-public/easy_ham",
            "phishing-pot/email",
        ] {
            for path in crate::corpora_for_tests::corpus_files(folder)
                .iter()
                .take(300)
            {
                let d = decode(&std::fs::read(path).unwrap());
                let want = reference_features(&m, &d);
                assert_eq!(
                    m.features(&d, &Links::read(&d), from_of(&d)),
                    want,
                    "{path:?}"
                );
                hits += want.len();
            }
        }
        assert!(hits > 50_000, "{hits} features present in 900 messages");
    }

    #[test]
    fn words_that_a_weak_hash_confused_are_told_apart() {
        // FxHash's word-at-a-time mix gave these two the same 64 bits (found on the
        // bench corpus by comparing with string lookups).
        let m = Model::new([0.0; 3], vec![("originates".into(), [0.0, 1.0, 0.0])]);
        assert_eq!(m.id("originates"), Some(0));
        assert_eq!(m.id("originados"), None);
    }

    #[test]
    fn round_trips_and_rejects_damage() {
        let m = Model::new(
            [0.5, -0.5, 0.0],
            vec![("b".into(), [1.0, 2.0, 3.0]), ("a".into(), [0.0, 1.0, 0.0])],
        );
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(&*back.tokens[0], "a");
        assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Model::from_bytes(b"NOTMODEL").is_err());
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(Model::from_bytes(&trailing).is_err());
    }

    #[test]
    fn probabilities_sum_to_one_and_follow_weights() {
        let m = Model::new([0.0; 3], vec![("win".into(), [0.0, 5.0, 0.0])]);
        let (p, _) = m.probabilities(&[0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(p[1] > 0.9);
        let (p, scale) = m.probabilities(&[]);
        assert_eq!(scale, 0.0);
        assert!((p[0] - 1.0 / 3.0).abs() < 1e-5);
    }

    /// Scores over `model` with `present` features (sorted ids) at scale 1.
    fn scores_of<'m>(model: &'m Model, present: Vec<u32>) -> Scores<'m> {
        Scores {
            ham: 0.0,
            spam: 0.0,
            phishing: 0.0,
            present,
            scale: 1.0,
            model,
        }
    }

    /// Against a full sort of every positive contribution (strongest first, ties to the
    /// smaller token), on models whose weights repeat so that ties happen.
    #[test]
    fn strongest_features_are_those_a_full_sort_puts_first() {
        let weights = crate::random_for_tests::numbers(3 * 300, 9, 7);
        let features = (0..300)
            .map(|k| {
                let w = |j: usize| weights[3 * k + j] as f32 - 4.0;
                (format!("t{k:03}"), [w(0), w(1), w(2)])
            })
            .collect();
        let model = Model::new([0.0; 3], features);
        for (seed, n) in [(1, 0), (2, 1), (3, 4), (4, 4), (5, 40), (6, 400)] {
            let mut present: Vec<u32> = crate::random_for_tests::numbers(120, 300, seed)
                .into_iter()
                .map(|i| i as u32)
                .collect();
            present.sort_unstable();
            present.dedup();
            let scores = scores_of(&model, present.clone());
            for class in [Class::Spam, Class::Phishing, Class::Ham] {
                let (c, other) = (class as usize, if class == Class::Ham { 1 } else { 0 });
                let mut all: Vec<(&str, f32)> = present
                    .iter()
                    .map(|&i| {
                        let w = model.weights[i as usize];
                        (&*model.tokens[i as usize], w[c] - w[other])
                    })
                    .filter(|(_, v)| *v > 0.0)
                    .collect();
                all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
                all.truncate(n);
                assert_eq!(scores.top_features(class, n), all, "seed {seed}, n {n}");
            }
        }
    }

    #[test]
    fn explanations_name_tokens_and_contributions() {
        let model = Model::new(
            [0.0; 3],
            vec![
                ("cash".into(), [0.0, 2.25, 0.0]),
                ("free".into(), [0.5, 1.0, 0.0]),
                ("hello".into(), [1.0, 0.0, 0.0]),
                ("say \"hi\"".into(), [0.0, 0.35, 3.0]),
            ],
        );
        let scores = scores_of(&model, vec![0, 1, 2, 3]);
        assert_eq!(
            scores.explain(Class::Spam, 4),
            r#""cash" (+2.2), "free" (+0.5), "say \"hi\"" (+0.3)"#
        );
        assert_eq!(scores.explain(Class::Phishing, 1), r#""say \"hi\"" (+3.0)"#);
        assert_eq!(
            scores_of(&model, vec![2]).explain(Class::Spam, 4),
            "no single strong feature"
        );
    }

    #[test]
    fn the_default_model_loads_and_is_small() {
        let m = Model::default_model();
        assert!(m.len() > 500, "{} features", m.len());
        assert!(DEFAULT_BYTES.len() < 2 * 1024 * 1024);
        assert_eq!(m.to_bytes(), DEFAULT_BYTES);
    }
}
