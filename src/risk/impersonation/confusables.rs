//! Lookalike text: the UTS #39 skeleton over a compact table of the confusables that
//! matter in addresses and names (Cyrillic and Greek letters drawn like Latin ones,
//! fullwidth forms, `0`/`o`, `1`/`l`/`I`/`|`, `rn`/`m`, `vv`/`w`, `cl`/`d`), and a
//! bounded edit distance. A compact table rather than the `unicode-security` crate:
//! its full table (6,000+ mappings) buys nothing for domain labels and display names,
//! and a new dependency would be needed for it.

/// Single characters and their prototype (what UTS #39 maps them to), for the scripts
/// phishing uses: Cyrillic, Greek, Latin variants, digits.
const SINGLE: &[(char, &str)] = &[
    // Cyrillic
    ('а', "a"),
    ('е', "e"),
    ('ё', "e"),
    ('һ', "h"),
    ('і', "i"),
    ('ї', "i"),
    ('ј', "j"),
    ('ӏ', "l"),
    ('о', "o"),
    ('р', "p"),
    ('с', "c"),
    ('у', "y"),
    ('х', "x"),
    ('ѕ', "s"),
    ('ԁ', "cl"),
    ('ԛ', "q"),
    ('ԝ', "vv"),
    ('ѡ', "vv"),
    // Greek
    ('α', "a"),
    ('β', "b"),
    ('ε', "e"),
    ('η', "n"),
    ('ι', "i"),
    ('κ', "k"),
    ('ν', "v"),
    ('ο', "o"),
    ('ρ', "p"),
    ('τ', "t"),
    ('υ', "u"),
    ('χ', "x"),
    ('γ', "y"),
    ('ω', "vv"),
    // Latin variants
    ('ı', "i"),
    ('ɩ', "i"),
    ('ℓ', "l"),
    ('ǀ', "l"),
    ('ɑ', "a"),
    ('ɡ', "g"),
    // Digits and marks drawn like letters
    ('0', "o"),
    ('1', "l"),
    ('|', "l"),
    ('I', "l"),
    // Letters whose prototype is a pair (UTS #39 maps m to rn, w to vv, d to cl)
    ('m', "rn"),
    ('w', "vv"),
    ('d', "cl"),
];

/// The skeleton of `text`: every confusable replaced by its prototype, lower-cased
/// (addresses and names are compared without case), fullwidth forms folded to ASCII.
/// Two strings with the same skeleton look alike.
pub fn skeleton(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // Fullwidth ASCII (U+FF01..U+FF5E) is ASCII drawn wide.
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        // `I` before lower-casing: an upper-case I is drawn like l, not like i.
        if let Some((_, p)) = SINGLE.iter().find(|(k, _)| *k == c) {
            out.push_str(p);
            continue;
        }
        for l in c.to_lowercase() {
            match SINGLE.iter().find(|(k, _)| *k == l) {
                Some((_, p)) => out.push_str(p),
                None => out.push(l),
            }
        }
    }
    out
}

/// Whether `c` is a letter of a script other than Latin that the table maps to Latin:
/// a confusable that has no business in a Latin-script address.
pub fn is_foreign_confusable(c: char) -> bool {
    !c.is_ascii() && SINGLE.iter().any(|(k, _)| *k == c)
}

/// Optimal string alignment distance (insertions, deletions, substitutions and
/// transpositions of neighbours), or `None` when it exceeds `max` or either string is
/// longer than 64 characters (domains and names are shorter; bounds the work).
pub fn distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    // Lengths first: most pairs stop here, before anything is allocated.
    let (na, nb) = (a.chars().count(), b.chars().count());
    if na > 64 || nb > 64 || na.abs_diff(nb) > max {
        return None;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let mut row_min = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let v = d[a.len() * w + b.len()];
    (v <= max).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookalikes_share_a_skeleton() {
        assert_eq!(skeleton("pаypal.com"), skeleton("paypal.com")); // Cyrillic а
        assert_eq!(skeleton("paypa1.com"), skeleton("paypal.com"));
        assert_eq!(skeleton("PayPaI"), skeleton("paypal"));
        assert_eq!(skeleton("rnicrosoft.com"), skeleton("microsoft.com"));
        assert_eq!(skeleton("g00gle.com"), skeleton("google.com"));
        assert_eq!(skeleton("ｅｘａｍｐｌｅ.com"), skeleton("example.com"));
        assert_eq!(skeleton("εxαmple.com"), skeleton("example.com"));
    }

    #[test]
    fn different_words_keep_different_skeletons() {
        assert_ne!(skeleton("example.com"), skeleton("example.org"));
        assert_ne!(skeleton("paypal.com"), skeleton("paypai.com"));
        assert_ne!(skeleton("alice"), skeleton("alicia"));
    }

    #[test]
    fn bounded_edit_distance() {
        assert_eq!(distance_within("example.com", "exmaple.com", 2), Some(1));
        assert_eq!(distance_within("example.com", "examples.com", 2), Some(1));
        assert_eq!(distance_within("example.com", "exampel.co", 2), Some(2));
        assert_eq!(distance_within("example.com", "sample.org", 2), None);
        assert_eq!(distance_within("a", &"a".repeat(100), 200), None);
    }

    #[test]
    fn foreign_confusables() {
        assert!(is_foreign_confusable('а'));
        assert!(!is_foreign_confusable('a'));
        assert!(!is_foreign_confusable('ü'));
    }
}
