//! Training: feature selection by information gain, then a multinomial logistic
//! regression fitted by full-batch gradient descent (Adam) in f64, in a fixed order:
//! the same examples give the same model, byte for byte.

use std::collections::HashMap;

use super::{Class, LearnError, Model, CLASSES};

/// Training settings (`mailsweep train` flags).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Features kept (highest information gain first).
    pub features: usize,
    /// A token must occur in this many training messages to be considered.
    pub min_count: usize,
    pub epochs: usize,
    pub learning_rate: f64,
    /// L2 penalty on the weights.
    pub l2: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            features: 10_000,
            min_count: 4,
            epochs: 1000,
            learning_rate: 0.05,
            l2: 1e-6,
        }
    }
}

/// Trains a model on labelled token sets (each message's distinct tokens).
pub fn train(examples: &[(Class, Vec<String>)], settings: &Settings) -> Result<Model, LearnError> {
    let mut per_class = [0usize; CLASSES];
    for (c, _) in examples {
        per_class[*c as usize] += 1;
    }
    for c in Class::ALL {
        if per_class[c as usize] == 0 {
            return Err(LearnError::EmptyClass(c.as_str()));
        }
    }
    let vocab = select(examples, &per_class, settings);
    let index: HashMap<&str, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32))
        .collect();
    let docs: Vec<(usize, Vec<u32>)> = examples
        .iter()
        .map(|(c, toks)| {
            let mut ids: Vec<u32> = toks
                .iter()
                .filter_map(|t| index.get(t.as_str()).copied())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            (*c as usize, ids)
        })
        .collect();
    let (bias, weights) = fit(&docs, vocab.len(), &per_class, settings);
    let features = vocab
        .into_iter()
        .zip(weights)
        .map(|(t, w)| (t, w.map(|x| x as f32)))
        .collect();
    Ok(Model::new(bias.map(|x| x as f32), features))
}

/// The `settings.features` tokens with the highest information gain about the class.
fn select(
    examples: &[(Class, Vec<String>)],
    per_class: &[usize; CLASSES],
    settings: &Settings,
) -> Vec<String> {
    let mut counts: HashMap<&str, [usize; CLASSES]> = HashMap::new();
    for (c, toks) in examples {
        for t in toks {
            counts.entry(t.as_str()).or_default()[*c as usize] += 1;
        }
    }
    let n = examples.len() as f64;
    let entropy = |k: &[f64; CLASSES], total: f64| -> f64 {
        if total <= 0.0 {
            return 0.0;
        }
        k.iter()
            .filter(|&&x| x > 0.0)
            .map(|&x| {
                let p = x / total;
                -p * p.ln()
            })
            .sum()
    };
    let prior = per_class.map(|x| x as f64);
    let h = entropy(&prior, n);
    let mut scored: Vec<(f64, &str)> = counts
        .iter()
        .filter(|(_, k)| k.iter().sum::<usize>() >= settings.min_count)
        .map(|(t, k)| {
            let with = k.map(|x| x as f64);
            let nw: f64 = with.iter().sum();
            let without: [f64; CLASSES] = std::array::from_fn(|i| prior[i] - with[i]);
            let gain = h - nw / n * entropy(&with, nw) - (n - nw) / n * entropy(&without, n - nw);
            (gain, *t)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.truncate(settings.features);
    let mut vocab: Vec<String> = scored.into_iter().map(|(_, t)| t.to_string()).collect();
    vocab.sort();
    vocab
}

type Fitted = ([f64; CLASSES], Vec<[f64; CLASSES]>);

/// Softmax regression on unit-scaled binary inputs, classes weighted to balance.
fn fit(
    docs: &[(usize, Vec<u32>)],
    features: usize,
    per_class: &[usize; CLASSES],
    s: &Settings,
) -> Fitted {
    let total: usize = per_class.iter().sum();
    let class_weight: [f64; CLASSES] =
        per_class.map(|k| total as f64 / (CLASSES as f64 * k as f64));
    let norm: f64 = docs.iter().map(|(c, _)| class_weight[*c]).sum();
    let mut bias = [0.0f64; CLASSES];
    let mut w = vec![[0.0f64; CLASSES]; features];
    // Adam state: one moment pair per parameter.
    let mut m_w = vec![[0.0f64; CLASSES]; features];
    let mut v_w = vec![[0.0f64; CLASSES]; features];
    let mut m_b = [0.0f64; CLASSES];
    let mut v_b = [0.0f64; CLASSES];
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8f64);
    let mut g_w = vec![[0.0f64; CLASSES]; features];
    for epoch in 1..=s.epochs {
        for g in g_w.iter_mut() {
            *g = [0.0; CLASSES];
        }
        let mut g_b = [0.0f64; CLASSES];
        for (c, ids) in docs {
            let scale = super::input_scale(ids.len());
            let mut logits = bias;
            for &i in ids {
                for k in 0..CLASSES {
                    logits[k] += w[i as usize][k] * scale;
                }
            }
            let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let e = logits.map(|l| (l - max).exp());
            let sum: f64 = e.iter().sum();
            let cw = class_weight[*c] / norm;
            let mut d = [0.0f64; CLASSES];
            for k in 0..CLASSES {
                d[k] = (e[k] / sum - if k == *c { 1.0 } else { 0.0 }) * cw;
                g_b[k] += d[k];
            }
            for &i in ids {
                for k in 0..CLASSES {
                    g_w[i as usize][k] += d[k] * scale;
                }
            }
        }
        let t = epoch as i32;
        let (c1, c2) = (1.0 - b1.powi(t), 1.0 - b2.powi(t));
        for k in 0..CLASSES {
            m_b[k] = b1 * m_b[k] + (1.0 - b1) * g_b[k];
            v_b[k] = b2 * v_b[k] + (1.0 - b2) * g_b[k] * g_b[k];
            bias[k] -= s.learning_rate * (m_b[k] / c1) / ((v_b[k] / c2).sqrt() + eps);
        }
        for i in 0..features {
            for k in 0..CLASSES {
                let g = g_w[i][k] + s.l2 * w[i][k];
                m_w[i][k] = b1 * m_w[i][k] + (1.0 - b1) * g;
                v_w[i][k] = b2 * v_w[i][k] + (1.0 - b2) * g * g;
                w[i][k] -= s.learning_rate * (m_w[i][k] / c1) / ((v_w[i][k] / c2).sqrt() + eps);
            }
        }
    }
    (bias, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(c: Class, toks: &[&str]) -> (Class, Vec<String>) {
        (c, toks.iter().map(|t| t.to_string()).collect())
    }

    fn toy() -> Vec<(Class, Vec<String>)> {
        let mut v = Vec::new();
        for i in 0..20 {
            let filler = format!("f{}", i % 3);
            v.push(ex(Class::Ham, &["meeting", "tomorrow", &filler]));
            v.push(ex(Class::Spam, &["viagra", "cheap", &filler]));
            v.push(ex(Class::Phishing, &["verify", "account", &filler]));
        }
        v
    }

    #[test]
    fn learns_a_separable_toy_set_deterministically() {
        let s = Settings {
            epochs: 200,
            ..Settings::default()
        };
        let a = train(&toy(), &s).unwrap();
        let b = train(&toy(), &s).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
        let ids = |toks: &[&str]| {
            let mut v: Vec<u32> = toks.iter().filter_map(|t| a.id(t)).collect();
            v.sort_unstable();
            v
        };
        let (p, _) = a.probabilities(&ids(&["viagra", "cheap"]));
        assert!(p[1] > 0.8, "{p:?}");
        let (p, _) = a.probabilities(&ids(&["verify", "account"]));
        assert!(p[2] > 0.8, "{p:?}");
        let (p, _) = a.probabilities(&ids(&["meeting", "tomorrow"]));
        assert!(p[0] > 0.8, "{p:?}");
    }

    #[test]
    fn feature_selection_prefers_informative_tokens() {
        let s = Settings {
            features: 2,
            min_count: 1,
            ..Settings::default()
        };
        let m = train(&toy(), &s).unwrap();
        assert!(m.id("f0").is_none(), "filler kept");
    }

    #[test]
    fn a_missing_class_is_an_error() {
        let v = vec![ex(Class::Ham, &["a"]), ex(Class::Spam, &["b"])];
        assert!(matches!(
            train(&v, &Settings::default()),
            Err(LearnError::EmptyClass("phishing"))
        ));
    }
}
