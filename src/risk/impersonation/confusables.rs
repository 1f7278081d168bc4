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
/// longer than 64 characters (domains and names are shorter; bounds the work). No
/// allocation: it runs for every known domain of about the same length as the sender's.
pub fn distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    const N: usize = 64;
    let (na, nb) = (a.chars().count(), b.chars().count());
    if na > N || nb > N || na.abs_diff(nb) > max {
        return None;
    }
    let (mut ca, mut cb) = (['\0'; N], ['\0'; N]);
    a.chars().zip(ca.iter_mut()).for_each(|(c, s)| *s = c);
    b.chars().zip(cb.iter_mut()).for_each(|(c, s)| *s = c);
    let (a, b) = (&ca[..na], &cb[..nb]);
    // Three rolling rows: i-2, i-1 and i (the transposition looks two rows back).
    let mut rows = [[0usize; N + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(nb + 1) {
        *cell = j;
    }
    for i in 1..=na {
        let (done, cur) = rows.split_at_mut(2);
        let (prev2, prev) = (&done[0], &done[1]);
        let cur = &mut cur[0];
        let prev = if i == 1 { &done[0] } else { prev };
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=nb {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        // Shift: row i-1 becomes i-2, row i becomes i-1.
        if i == 1 {
            rows[1] = rows[2];
        } else {
            rows[0] = rows[1];
            rows[1] = rows[2];
        }
    }
    let v = if na == 0 { nb } else { rows[1][nb] };
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
        assert_eq!(distance_within("", "ab", 2), Some(2));
        assert_eq!(distance_within("abc", "abc", 0), Some(0));
        assert_eq!(distance_within("kitten", "sitting", 3), Some(3));
        assert_eq!(distance_within("kitten", "sitting", 2), None);
        assert_eq!(distance_within("ca", "abc", 3), Some(3)); // OSA, not Damerau: 3
        assert_eq!(distance_within("pаypal", "paypal", 1), Some(1)); // Cyrillic а
    }

    #[test]
    fn foreign_confusables() {
        assert!(is_foreign_confusable('а'));
        assert!(!is_foreign_confusable('a'));
        assert!(!is_foreign_confusable('ü'));
    }
}
