//! What the phishing rules read of a message's words: urgency and threat phrases
//! (English, German, Portuguese, Spanish, French: the languages of the phishing seen),
//! lures (prizes, bonuses, parcels held for a fee) and brand names in a display name or subject.

use std::sync::LazyLock;

use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::hosts::{skeleton, Brand, BRANDS};
use super::phrase_search;

/// Phrases that press the reader to act on an account now: the lure of credential
/// phishing. Matched ASCII-case-insensitively.
const URGENCY: &[&str] = &[
    // English
    "verify your account",
    "verify your identity",
    "verify your email",
    "confirm your identity",
    "confirm your account",
    "confirm your email",
    "validate your account",
    "update your account",
    "update your payment",
    "update your billing",
    "account has been suspended",
    "account will be suspended",
    "account has been locked",
    "account will be locked",
    "account has been limited",
    "account is suspended",
    "temporarily suspended",
    "temporarily locked",
    "has been disabled",
    "will be disabled",
    "will be deactivated",
    "will be terminated",
    "unusual sign-in",
    "unusual signin",
    "unusual sign in",
    "unusual activity",
    "suspicious activity",
    "suspicious sign-in",
    "unauthorized access",
    "unauthorized login",
    "within 24 hours",
    "within 48 hours",
    "within 24hrs",
    "mailbox is full",
    "mailbox quota",
    "storage is full",
    "storage quota",
    "password will expire",
    "password has expired",
    "restore access",
    "restore your account",
    "reactivate your account",
    "final notice",
    "last warning",
    "final warning",
    "action required",
    "immediate action",
    "immediately to avoid",
    "avoid suspension",
    "avoid closure",
    "security alert",
    "sign in to review",
    "log in to verify",
    "login to verify",
    "click here to verify",
    "payment declined",
    "payment failed",
    "payment was declined",
    "pending delivery",
    "delivery failed",
    "held at customs",
    "incoming messages",
    "pending messages",
    "someone tried to",
    "verify your wallet",
    "secure your account",
    "protect your account",
    "your account has been",
    "your account will be",
    "has been compromised",
    // German
    "konto wurde gesperrt",
    "konto gesperrt",
    "vorübergehend gesperrt",
    "verifizieren sie",
    "bestätigen sie ihre",
    "innerhalb von 24 stunden",
    "innerhalb von 48 stunden",
    "letzte mahnung",
    "letzte warnung",
    "zahlung fehlgeschlagen",
    "ungewöhnliche aktivität",
    "aktualisieren sie ihre",
    // Portuguese
    "sua conta foi",
    "conta bloqueada",
    "conta suspensa",
    "será bloqueada",
    "será suspensa",
    "evite o bloqueio",
    "atualize seus dados",
    "atualizar seus dados",
    "último aviso",
    "Último aviso",
    "regularize",
    "acesso suspeito",
    "novo dispositivo",
    // Spanish
    "su cuenta ha sido",
    "cuenta suspendida",
    "cuenta bloqueada",
    "verifique su",
    "actualice sus datos",
    "último aviso",
    "acceso inusual",
    // French
    "votre compte a été",
    "compte suspendu",
    "compte bloqué",
    "vérifier votre",
    "dernier avis",
    "dernier rappel",
    "activité inhabituelle",
];

/// Phrases of the other lure: something won, waiting or owed that a link collects
/// (prizes, gift cards, casino bonuses, crypto, parcels held for a fee).
const LURES: &[&str] = &[
    // English
    "you have won",
    "you've won",
    "claim your",
    "free spins",
    "welcome bonus",
    "gift card",
    "congratulations! you",
    "you have been selected",
    "has been selected",
    "winning announcement",
    "claim now",
    "claim it now",
    "reward is waiting",
    "unclaimed",
    "airdrop",
    "bitcoin",
    "btc",
    "crypto wallet",
    "donation fund",
    "compensation fund",
    "loyalty reward",
    "exclusive reward",
    "your parcel",
    "delivery fee",
    "shipping fee",
    "customs fee",
    // German
    "gewonnen",
    "gewinner",
    "gutschein",
    "freispiele",
    "willkommensbonus",
    "gutgeschrieben",
    "ihr paket",
    "ihre sendung",
    "zustellung",
    // Portuguese, Spanish, French, Dutch, Italian
    "encomenda",
    "retida",
    "taxado",
    "taxada",
    "alfandeg",
    "seu pedido",
    "resgate",
    "premio",
    "prêmio",
    "ganhou",
    "ganaste",
    "has ganado",
    "bon d'achat",
    "votre colis",
    "gagnant",
    "félicitations",
    "gratis",
    "gefeliciteerd",
    "uw pakket",
    "hai vinto",
];

static PHRASES: LazyLock<DFA> = LazyLock::new(|| {
    DFA::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        // Stepped by hand (`phrase_search`), where start states must not be special.
        .prefilter(false)
        .build(phrase_list())
        .expect("literal phrases always build")
});

/// Every phrase, urgency first: a match's pattern number indexes this list.
pub(super) fn phrase_list() -> Vec<&'static str> {
    URGENCY.iter().chain(LURES).copied().collect()
}

/// Characters of the bodies searched for urgency: the lure is at the top.
const URGENCY_WINDOW: usize = 16 * 1024;

/// The distinct urgency and lure phrases in `texts` (each read up to the window), at
/// most `max` of each.
pub(super) fn phrases<'t>(
    texts: impl Iterator<Item = &'t str>,
    max: usize,
) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut urgency: Vec<&'static str> = Vec::new();
    let mut lures: Vec<&'static str> = Vec::new();
    for text in texts {
        let mut end = text.len().min(URGENCY_WINDOW);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        phrase_search::each_match(&PHRASES, &text.as_bytes()[..end], |pattern, m| {
            let i = pattern.as_usize();
            // Whole words only: "btc" is not in "subtcontract", "gratis" not in "gratisfy".
            let before = text[..m.start].chars().next_back();
            let after = text[m.end..].chars().next();
            // An apostrophe goes on a word: "you won't" is not "you won".
            let wordy = |c: char| c.is_alphanumeric() || c == '\'' || c == '’';
            if before.is_some_and(wordy) || after.is_some_and(wordy) {
                return;
            }
            let (found, phrase) = match URGENCY.get(i) {
                Some(p) => (&mut urgency, *p),
                None => (&mut lures, LURES[i - URGENCY.len()]),
            };
            if found.len() < max && !found.contains(&phrase) {
                found.push(phrase);
            }
        });
        if urgency.len() >= max && lures.len() >= max {
            break;
        }
    }
    (urgency, lures)
}

/// The brands named in `text` (a display name or subject): a brand word as a whole
/// word of the text's skeleton, or an exact-case word as a whole word of the text.
pub(super) fn brands_named(text: &str) -> Vec<&'static Brand> {
    let folded = skeleton(text);
    let mut named: Vec<&'static Brand> = Vec::new();
    let (folded_words, exact_words) = &*BRAND_WORDS;
    for (matcher, haystack) in [(folded_words, folded.as_str()), (exact_words, text)] {
        for m in matcher.0.find_overlapping_iter(haystack) {
            let brand = &BRANDS[matcher.1[m.pattern().as_usize()]];
            let before = haystack[..m.start()].chars().next_back();
            let after = haystack[m.end()..].chars().next();
            let whole = !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric);
            if whole && !named.iter().any(|b| std::ptr::eq(*b, brand)) {
                named.push(brand);
            }
        }
    }
    named
}

/// A matcher over brand words and, for each pattern, the index of its brand.
type WordMatcher = (AhoCorasick, Vec<usize>);

/// The brands' words, folded, and their exact-case words: one pass over a text each.
static BRAND_WORDS: LazyLock<(WordMatcher, WordMatcher)> = LazyLock::new(|| {
    let matcher = |words: Vec<(String, usize)>| {
        let automaton = AhoCorasickBuilder::new()
            .build(words.iter().map(|(w, _)| w))
            .expect("literal brand words always build");
        (automaton, words.into_iter().map(|(_, b)| b).collect())
    };
    let folded = BRANDS
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.words.iter().map(move |w| (skeleton(w), i)))
        .collect();
    let exact = BRANDS
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.exact_words.iter().map(move |w| (w.to_string(), i)))
        .collect();
    (matcher(folded), matcher(exact))
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urgency_phrases_distinct_and_capped() {
        let urgency = |texts: &[&str], max| phrases(texts.iter().copied(), max).0;
        let found = urgency(
            &[
                "Please VERIFY YOUR ACCOUNT within 24 hours.",
                "verify your account now; sua conta foi bloqueada",
            ],
            10,
        );
        assert_eq!(
            found,
            ["verify your account", "within 24 hours", "sua conta foi"]
        );
        assert_eq!(urgency(&["Your statement is ready"], 10).len(), 0);
        assert_eq!(
            urgency(&["final notice, last warning, action required"], 2).len(),
            2
        );
        // Whole words: a phrase inside a longer word is not the phrase.
        assert_eq!(urgency(&["unregularized"], 2).len(), 0);
    }

    #[test]
    fn lures_are_told_from_threats() {
        let (urgency, lures) = phrases(
            ["You have WON a gift card: claim your prize, 50 Freispiele"].into_iter(),
            10,
        );
        assert!(urgency.is_empty());
        assert_eq!(
            lures,
            ["you have won", "gift card", "claim your", "freispiele"]
        );
        let (_, lures) = phrases(["subtcontract, gratisfy"].into_iter(), 10);
        assert!(lures.is_empty(), "{lures:?}");
    }

    #[test]
    fn brand_names_as_words() {
        let names = |t: &str| brands_named(t).iter().map(|b| b.name).collect::<Vec<_>>();
        assert_eq!(names("PayPal Service"), ["PayPal"]);
        assert_eq!(names("lCIoud Almacenamiento"), ["Apple"]);
        assert_eq!(names("Microsoft account team"), ["Microsoft"]);
        assert_eq!(names("UPS delivery"), ["UPS"]);
        assert_eq!(names("Chase Online"), ["Chase"]);
        // Common words and words inside other words are not brands.
        assert!(names("ups and downs, chase the dream").is_empty());
        assert!(names("Paypalooza").is_empty());
        assert!(names("pineapple").is_empty());
    }
}
