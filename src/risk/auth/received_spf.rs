//! RFC 7208 §9.1 `Received-SPF`: `result [(comment)] [key=value; ...]`, as
//! `Received-SPF: Fail (mx.example.org: domain of a@b does not designate 192.0.2.1 as
//! permitted sender) client-ip=192.0.2.1; envelope-from="a@b"; helo=x;`.

use super::results::{lex, shown, Tok};

/// Keys worth showing a responder, in this order.
const SHOWN_KEYS: [&str; 4] = ["envelope-from", "client-ip", "helo", "receiver"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedSpf {
    /// Lowercased (`pass`, `fail`, `softfail`, `neutral`, `none`, `temperror`, ...).
    pub result: String,
    /// `key=value` pairs, keys lowercased; comments dropped.
    pub pairs: Vec<(String, String)>,
}

impl ReceivedSpf {
    /// `fail envelope-from=a@b client-ip=192.0.2.1`.
    pub fn summary(&self) -> String {
        let mut text = shown(&self.result);
        for key in SHOWN_KEYS {
            if let Some((_, value)) = self.pairs.iter().find(|(k, _)| k == key) {
                text.push_str(&format!(" {key}={}", shown(value)));
            }
        }
        text
    }
}

/// `None` when the value does not start with a result word.
pub fn parse(value: &str) -> Option<ReceivedSpf> {
    let tokens = lex(value);
    let mut words = tokens
        .iter()
        .map(|t| &t.tok)
        .filter(|t| !matches!(t, Tok::Comment(_) | Tok::Semi));
    let result = match words.next()? {
        Tok::Word(w) if w.chars().all(|c| c.is_ascii_alphabetic()) => w.to_ascii_lowercase(),
        _ => return None,
    };
    let rest: Vec<&Tok> = words.collect();
    let pairs = rest
        .windows(3)
        .filter_map(|w| match w {
            [Tok::Word(key), Tok::Eq, Tok::Word(value) | Tok::Quoted(value)] => {
                Some((key.to_ascii_lowercase(), value.to_string()))
            }
            _ => None,
        })
        .collect();
    Some(ReceivedSpf { result, pairs })
}
