//! Host names as the phishing rules compare them: the registrable domain (a small
//! public-suffix heuristic), the built-in table of commonly phished brands and their
//! real domains, look-alikes of those domains (homoglyph skeleton, edit distance, the
//! brand's name inside someone else's domain) and URL shorteners.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use crate::risk::memo;

/// A commonly phished brand: the words that name it (as written in a display name or
/// subject) and the registrable domains that are really its own.
pub(super) struct Brand {
    pub name: &'static str,
    /// Compared by skeleton, as whole words.
    pub words: &'static [&'static str],
    /// Compared case-sensitively, as whole words: names that are also common words
    /// ("Chase", "UPS").
    pub exact_words: &'static [&'static str],
    /// The brand's own registrable domains; a domain whose first label is one of
    /// `labels` (any TLD: `paypal.de`, `amazon.co.uk`) is also the brand's.
    pub domains: &'static [&'static str],
    pub labels: &'static [&'static str],
}

macro_rules! brand {
    ($name:expr, [$($w:expr),*], [$($x:expr),*], [$($d:expr),*], [$($l:expr),*]) => {
        Brand { name: $name, words: &[$($w),*], exact_words: &[$($x),*], domains: &[$($d),*], labels: &[$($l),*] }
    };
}

/// Brands phishing most often imitates (APWG and phishing-pot's senders), with their
/// real sending and web domains.
pub(super) static BRANDS: &[Brand] = &[
    brand!(
        "PayPal",
        ["paypal"],
        [],
        [
            "paypal-communication.com",
            "paypalobjects.com",
            "paypal-community.com"
        ],
        ["paypal"]
    ),
    brand!(
        "Microsoft",
        [
            "microsoft",
            "office 365",
            "office365",
            "microsoft 365",
            "onedrive",
            "sharepoint",
            "outlook",
            "hotmail",
            "windows live"
        ],
        [],
        [
            "microsoft.com",
            "office.com",
            "office365.com",
            "outlook.com",
            "live.com",
            "hotmail.com",
            "microsoftonline.com",
            "sharepoint.com",
            "onedrive.com",
            "microsoft365.com",
            "msn.com",
            "skype.com",
            "bing.com",
            "azure.com",
            "windows.com",
            "xbox.com",
            "microsoftstore.com",
            "mail.microsoft",
            "sway.office.com",
            "msft.net"
        ],
        ["microsoft"]
    ),
    brand!(
        "Apple",
        ["icloud", "itunes", "apple id", "appleid", "app store"],
        ["Apple", "APPLE"],
        [
            "apple.com",
            "icloud.com",
            "itunes.com",
            "me.com",
            "mac.com",
            "apple.news"
        ],
        ["apple"]
    ),
    brand!(
        "Amazon",
        ["amazon", "prime video"],
        [],
        [
            "amazon.com",
            "amazonses.com",
            "amazonaws.com",
            "primevideo.com",
            "amazon.jobs",
            "a2z.com",
            "audible.com"
        ],
        ["amazon"]
    ),
    brand!(
        "Netflix",
        ["netflix"],
        [],
        ["netflix.com", "netflix.net", "nflxext.com", "nflximg.net"],
        ["netflix"]
    ),
    brand!(
        "DHL",
        ["dhl"],
        [],
        ["dhl.com", "dhl.de", "dpdhl.com", "deutschepost.de"],
        ["dhl"]
    ),
    brand!("UPS", [], ["UPS"], ["ups.com"], ["ups"]),
    brand!("FedEx", ["fedex"], [], ["fedex.com"], ["fedex"]),
    brand!("USPS", ["usps"], [], ["usps.com", "usps.gov"], ["usps"]),
    brand!(
        "Google",
        ["google", "gmail"],
        [],
        [
            "google.com",
            "gmail.com",
            "googlemail.com",
            "youtube.com",
            "googleusercontent.com",
            "google-analytics.com",
            "googleapis.com",
            "gstatic.com",
            "googlegroups.com",
            "withgoogle.com",
            "doubleclick.net"
        ],
        ["google"]
    ),
    brand!(
        "Facebook",
        ["facebook", "instagram", "whatsapp"],
        [],
        [
            "facebook.com",
            "facebookmail.com",
            "fb.com",
            "meta.com",
            "instagram.com",
            "whatsapp.com",
            "fbcdn.net"
        ],
        ["facebook", "instagram", "whatsapp"]
    ),
    brand!(
        "LinkedIn",
        ["linkedin"],
        [],
        ["linkedin.com", "licdn.com", "lnkd.in"],
        ["linkedin"]
    ),
    brand!(
        "DocuSign",
        ["docusign", "docsign", "docu sign"],
        [],
        ["docusign.com", "docusign.net"],
        ["docusign"]
    ),
    brand!(
        "Dropbox",
        ["dropbox"],
        [],
        ["dropbox.com", "dropboxmail.com"],
        ["dropbox"]
    ),
    brand!(
        "Adobe",
        ["adobe"],
        [],
        ["adobe.com", "adobesign.com", "echosign.com", "acrobat.com"],
        ["adobe"]
    ),
    brand!(
        "Wells Fargo",
        ["wells fargo", "wellsfargo"],
        [],
        ["wellsfargo.com", "wf.com"],
        ["wellsfargo"]
    ),
    brand!(
        "Chase",
        [],
        ["Chase", "CHASE", "JPMorgan Chase"],
        ["chase.com", "jpmorgan.com", "jpmorganchase.com"],
        ["chase"]
    ),
    brand!(
        "Bank of America",
        ["bank of america", "bankofamerica"],
        [],
        ["bankofamerica.com", "bofa.com", "ml.com"],
        ["bankofamerica"]
    ),
    brand!(
        "Citibank",
        ["citibank"],
        [],
        ["citi.com", "citibank.com"],
        ["citibank"]
    ),
    brand!("HSBC", ["hsbc"], [], ["hsbc.com"], ["hsbc"]),
    brand!("Santander", ["santander"], [], [], ["santander"]),
    brand!("Bradesco", ["bradesco"], [], [], ["bradesco"]),
    brand!(
        "Banco do Brasil",
        ["banco do brasil"],
        [],
        ["bb.com.br"],
        []
    ),
    brand!("Itaú", ["itau", "itaú"], [], [], ["itau"]),
    brand!("Caixa", ["caixa"], [], ["caixa.gov.br"], ["caixa"]),
    brand!("Nubank", ["nubank"], [], [], ["nubank"]),
    brand!(
        "Mercado Pago",
        [
            "mercado pago",
            "mercadopago",
            "mercado livre",
            "mercadolivre",
            "mercado libre"
        ],
        [],
        [],
        ["mercadopago", "mercadolivre", "mercadolibre"]
    ),
    brand!("Correios", ["correios"], [], [], ["correios"]),
    brand!("MetaMask", ["metamask"], [], ["metamask.io"], ["metamask"]),
    brand!("Coinbase", ["coinbase"], [], [], ["coinbase"]),
    brand!("Binance", ["binance"], [], [], ["binance"]),
    brand!("Ledger", [], ["Ledger"], ["ledger.com"], ["ledger"]),
    brand!("McAfee", ["mcafee"], [], [], ["mcafee"]),
    brand!(
        "Norton",
        ["norton"],
        [],
        ["norton.com", "nortonlifelock.com", "gen.com"],
        ["norton"]
    ),
    brand!("Spotify", ["spotify"], [], [], ["spotify"]),
    brand!(
        "Steam",
        [],
        ["Steam"],
        ["steampowered.com", "steamcommunity.com"],
        []
    ),
    brand!(
        "American Express",
        ["american express", "amex"],
        [],
        ["americanexpress.com", "aexp.com"],
        ["americanexpress"]
    ),
    brand!("Walmart", ["walmart"], [], [], ["walmart"]),
    brand!("Costco", ["costco"], [], [], ["costco"]),
    brand!("USAA", ["usaa"], [], [], ["usaa"]),
    brand!(
        "Trust Wallet",
        ["trust wallet", "trustwallet"],
        [],
        [],
        ["trustwallet"]
    ),
    brand!(
        "Receita Federal",
        ["receita federal"],
        [],
        ["receita.fazenda.gov.br", "gov.br"],
        []
    ),
    brand!("La Poste", ["la poste", "laposte"], [], [], ["laposte"]),
    brand!(
        "Deutsche Post",
        ["deutsche post"],
        [],
        ["deutschepost.de", "dhl.de"],
        ["deutschepost"]
    ),
    brand!("DPD", ["dpd"], [], [], ["dpd"]),
    brand!(
        "Telekom",
        ["telekom"],
        [],
        ["t-online.de", "telekom.de", "telekom.com"],
        ["telekom"]
    ),
    brand!("Vodafone", ["vodafone"], [], [], ["vodafone"]),
    brand!("Temu", ["temu"], [], [], ["temu"]),
    brand!(
        "Aliexpress",
        ["aliexpress"],
        [],
        ["alibaba.com"],
        ["aliexpress"]
    ),
    brand!("eBay", ["ebay"], [], [], ["ebay"]),
    brand!("Booking.com", ["booking.com"], [], [], ["booking"]),
    brand!("Airbnb", ["airbnb"], [], [], ["airbnb"]),
    brand!("Lidl", ["lidl"], [], [], ["lidl"]),
    brand!("Aldi", ["aldi"], [], [], ["aldi"]),
    brand!("Edeka", ["edeka"], [], [], ["edeka"]),
    brand!("Rossmann", ["rossmann"], [], [], ["rossmann"]),
    brand!("Kaufland", ["kaufland"], [], [], ["kaufland"]),
    brand!("Sparkasse", ["sparkasse"], [], [], ["sparkasse"]),
    brand!("Volksbank", ["volksbank"], [], [], ["volksbank"]),
    brand!("ING", [], ["ING"], [], ["ing"]),
    brand!("Zoom", [], ["Zoom"], [], ["zoom"]),
    brand!("WeTransfer", ["wetransfer"], [], [], ["wetransfer"]),
];

/// Click-time shorteners: the real destination is not in the message.
pub(super) static SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "tinyurl.com",
    "t.co",
    "goo.gl",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "tiny.cc",
    "rb.gy",
    "s.id",
    "t.ly",
    "bl.ink",
    "short.io",
    "v.gd",
    "qrco.de",
    "urlz.fr",
    "x.co",
    "soo.gd",
    "clck.ru",
    "u.to",
    "shorte.st",
    "adf.ly",
    "bitly.ws",
    "tiny.one",
    "shorturl.ae",
    "surl.li",
    "tinu.be",
    "l.ead.me",
    "linktr.ee",
    "t.me",
    "wa.me",
    "han.gl",
    "me2.do",
    "rebrandly.com",
];

/// Second-level labels under which a country TLD sells names (`example.co.uk`).
const SECOND_LEVELS: &[&str] = &[
    "co", "com", "net", "org", "gov", "edu", "ac", "gob", "or", "ne", "go", "mil", "nic",
];

/// The registrable domain of `host` (lower case, no trailing dot): the last two labels,
/// or three under a country's second level (`bbc.co.uk`, `bb.com.br`). An IP literal is
/// its own.
pub(super) fn registrable(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    let mut dots = host.rmatch_indices('.').map(|(i, _)| i);
    let Some(last) = dots.next() else {
        return host;
    };
    let Some(second) = dots.next() else {
        return host;
    };
    let tld = &host[last + 1..];
    let sld = &host[second + 1..last];
    if tld.len() == 2 && SECOND_LEVELS.contains(&sld) {
        match dots.next() {
            Some(third) => &host[third + 1..],
            None => host,
        }
    } else {
        &host[second + 1..]
    }
}

/// `host` (lower case) is one of `brand`'s own domains or under one.
pub(super) fn owned_by(brand: &Brand, host: &str) -> bool {
    // `x@correios`: a domain with no top level is nobody's.
    if !host.trim_end_matches('.').contains('.') {
        return false;
    }
    let reg = registrable(host);
    brand.domains.iter().any(|d| {
        reg == *d
            || host
                .strip_suffix(d)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    }) || brand
        .labels
        .iter()
        .any(|l| reg.split('.').next() == Some(*l))
}

/// The brand whose own domain `host` is: [`owned_by`] for every brand, by lookups.
pub(super) fn brand_of_host(host: &str) -> Option<&'static Brand> {
    let host = host.trim_end_matches('.');
    if !host.contains('.') {
        return None;
    }
    let (domains, labels) = &*OWNERS;
    let mut suffix = host;
    loop {
        if let Some(&i) = domains.get(suffix) {
            return Some(&BRANDS[i]);
        }
        match suffix.split_once('.') {
            Some((_, parent)) => suffix = parent,
            None => break,
        }
    }
    let name = registrable(host).split('.').next()?;
    labels.get(name).map(|&i| &BRANDS[i])
}

/// A name to the index of its brand in [`BRANDS`]. Asked for every suffix of every new
/// link host: hashed as the rules' memories are ([`memo::KeyHasher`]).
type BrandIndex = HashMap<&'static str, usize, BuildHasherDefault<memo::KeyHasher>>;

/// Every brand's domains and domain names, to the brand's index (the first brand
/// listing one wins).
static OWNERS: LazyLock<(BrandIndex, BrandIndex)> = LazyLock::new(|| {
    let mut domains = BrandIndex::default();
    let mut labels = BrandIndex::default();
    for (i, brand) in BRANDS.iter().enumerate() {
        for d in brand.domains {
            domains.entry(*d).or_insert(i);
        }
        for l in brand.labels {
            labels.entry(*l).or_insert(i);
        }
    }
    (domains, labels)
});

/// `host` is a shortener's.
pub(super) fn is_shortener(host: &str) -> bool {
    let reg = registrable(host);
    SHORTENERS.contains(&host) || SHORTENERS.contains(&reg)
}

/// A confusable-folded form: lower case, look-alike Latin, Cyrillic and Greek letters
/// and digits folded to one Latin letter (`1`, `I`, `l`, `i` → `l`; `0` → `o`; `rn` →
/// `m`; `vv` → `w`), so `paypa1`, `PAYPAL`, `раураl` and `micrоsoft` compare equal to
/// the real names.
pub(super) fn skeleton(s: &str) -> String {
    let mut out: String = if s.is_ascii() {
        // Host names are ASCII (punycode): one byte, one folded letter.
        s.bytes()
            .map(|b| fold(char::from(b.to_ascii_lowercase())))
            .collect()
    } else {
        s.chars().flat_map(char::to_lowercase).map(fold).collect()
    };
    if out.contains("rn") {
        out = out.replace("rn", "m");
    }
    if out.contains("vv") {
        out = out.replace("vv", "w");
    }
    out
}

/// One lower-case letter's confusable fold (see [`skeleton`]).
fn fold(c: char) -> char {
    match c {
        '1' | 'i' | 'l' | '|' | 'ı' | 'і' | 'ӏ' | 'ι' | 'í' | 'ì' => 'l',
        '0' | 'о' | 'ο' | 'ö' | 'ó' | 'ò' | 'σ' => 'o',
        'а' | 'α' | 'á' | 'à' | 'ä' | 'â' | 'ɑ' => 'a',
        'е' | 'ε' | 'é' | 'è' | 'ê' | 'ë' => 'e',
        'р' | 'ρ' => 'p',
        'с' | 'ϲ' => 'c',
        'у' | 'γ' | 'ý' => 'y',
        'х' | 'χ' => 'x',
        'ѕ' | '5' | '$' => 's',
        'ԁ' => 'd',
        'ν' => 'v',
        'υ' | 'ú' | 'ü' | 'µ' => 'u',
        'κ' | 'к' => 'k',
        'ɡ' => 'g',
        'т' | 'τ' => 't',
        'н' | 'η' => 'n',
        'в' | 'β' => 'b',
        'м' => 'm',
        c => c,
    }
}

/// At most one edit apart. One edit leaves the first or the last letter in place: a
/// cheap test before the distance.
fn one_edit(a: &str, b: &str) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len().abs_diff(y.len()) > 1 || x.is_empty() || y.is_empty() {
        return false;
    }
    (x[0] == y[0] || x[x.len() - 1] == y[y.len() - 1]) && within_distance(a, b, 1)
}

/// Levenshtein distance, stopping early above `max` (the strings are host labels: short).
fn within_distance(a: &str, b: &str, max: usize) -> bool {
    // Host labels compared here are ASCII (punycode): bytes, two rows on the stack.
    const MAX_LEN: usize = 64;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > max || a.len() > MAX_LEN || b.len() > MAX_LEN {
        return false;
    }
    let mut prev = [0usize; MAX_LEN + 1];
    let mut cur = [0usize; MAX_LEN + 1];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= max
}

/// Every brand's domain names of 5 letters or more (shorter ones, `ups`, are too close
/// to too much), with their skeletons: folded once.
static BRAND_NAMES: LazyLock<Vec<BrandName>> = LazyLock::new(|| {
    let mut names = Vec::new();
    for brand in BRANDS {
        // A brand whose name is also a common word (Chase, Ledger) and the other names
        // of a brand's domains (outlook, windows) are matched only by skeleton: "chase"
        // in a host or "lindows" one letter from "windows" says nothing.
        let distinctive = brand.exact_words.is_empty();
        let from_domains = brand
            .domains
            .iter()
            .filter_map(|d| registrable(d).split('.').next());
        let labels = brand.labels.iter().map(|l| (*l, distinctive));
        for (real, near) in labels.chain(from_domains.map(|d| (d, false))) {
            if real.len() >= 5 && !names.iter().any(|n: &BrandName| n.real == real) {
                names.push(BrandName {
                    brand,
                    real,
                    folded: skeleton(real),
                    near,
                });
            }
        }
    }
    names
});

/// One name of a brand's domains.
struct BrandName {
    brand: &'static Brand,
    real: &'static str,
    folded: String,
    /// Also matched one edit away and as a word of a host.
    near: bool,
}

/// How a host imitates a brand it does not belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Lookalike {
    /// The registrable domain's name is the brand's, folded (`paypa1.com`, `rnicrosoft`)
    /// or one edit away (`paypall.com`).
    Confusable,
    /// The brand's name is a label or a `-`-separated word of the host
    /// (`paypal.com.secure-login.example`, `secure-paypal.example`).
    Embedded,
}

/// The brand `host` (lower case, punycode decoded or not) imitates without being its.
pub(super) fn lookalike(host: &str) -> Option<(&'static Brand, Lookalike)> {
    thread_local! {
        static LOOKALIKES: memo::Memory<Option<(&'static Brand, Lookalike)>> =
            Default::default();
    }
    memo::recall(&LOOKALIKES, host, imitated)
}

fn imitated(host: &str) -> Option<(&'static Brand, Lookalike)> {
    let host = host.trim_end_matches('.');
    if host.parse::<std::net::IpAddr>().is_ok() || brand_of_host(host).is_some() {
        return None;
    }
    let reg = registrable(host);
    let name = reg.split('.').next().unwrap_or(reg);
    let folded = skeleton(name);
    let words: Vec<String> = host
        .split(['.', '-', '_'])
        .filter(|word| word.len() >= 5)
        .map(skeleton)
        .collect();
    for n in BRAND_NAMES.iter() {
        if folded == n.folded || (n.near && n.real.len() >= 6 && one_edit(&folded, &n.folded)) {
            return Some((n.brand, Lookalike::Confusable));
        }
        if n.near && words.contains(&n.folded) {
            return Some((n.brand, Lookalike::Embedded));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable("a.b.paypal.com"), "paypal.com");
        assert_eq!(registrable("www.bbc.co.uk."), "bbc.co.uk");
        assert_eq!(registrable("x.bb.com.br"), "bb.com.br");
        assert_eq!(registrable("localhost"), "localhost");
        assert_eq!(registrable("evil.de"), "evil.de");
        assert_eq!(registrable("co.uk"), "co.uk");
    }

    #[test]
    fn brands_own_their_domains_in_any_tld() {
        assert_eq!(brand_of_host("www.paypal.de").unwrap().name, "PayPal");
        assert_eq!(brand_of_host("email.chase.com").unwrap().name, "Chase");
        assert_eq!(
            brand_of_host("login.microsoftonline.com").unwrap().name,
            "Microsoft"
        );
        assert!(brand_of_host("paypal.com.evil.example").is_none());
        assert!(brand_of_host("example.org").is_none());
    }

    #[test]
    fn skeletons_fold_confusables() {
        assert_eq!(skeleton("PayPa1"), skeleton("paypal"));
        assert_eq!(skeleton("rnicrosoft"), skeleton("microsoft"));
        assert_eq!(skeleton("раураl"), skeleton("paypal"));
        assert_ne!(skeleton("paypal"), skeleton("paypa"));
    }

    #[test]
    fn lookalikes_and_near_misses() {
        let kind = |h: &str| lookalike(h).map(|(b, k)| (b.name, k));
        assert_eq!(kind("paypa1.com"), Some(("PayPal", Lookalike::Confusable)));
        assert_eq!(
            kind("www.paypall.net"),
            Some(("PayPal", Lookalike::Confusable))
        );
        assert_eq!(
            kind("rnicrosoft.com"),
            Some(("Microsoft", Lookalike::Confusable))
        );
        assert_eq!(
            kind("paypal.com.secure-login.example"),
            Some(("PayPal", Lookalike::Embedded))
        );
        assert_eq!(
            kind("secure-netflix.example"),
            Some(("Netflix", Lookalike::Embedded))
        );
        // The brands' own hosts, unrelated hosts and short names are not look-alikes.
        for host in [
            "www.paypal.com",
            "email.paypal.de",
            "s3.amazonaws.com",
            "example.com",
            "pineapple.example",
            "chose.example",
            "ups-and-downs.example",
            "192.0.2.1",
            "googlegroups.com",
            "outlook.4team.biz",
            "lindows.com",
            "chase.rsc01.com",
        ] {
            assert_eq!(kind(host), None, "{host}");
        }
    }

    #[test]
    fn shorteners() {
        assert!(is_shortener("bit.ly"));
        assert!(is_shortener("www.tinyurl.com"));
        assert!(!is_shortener("bitly.example"));
    }

    #[test]
    fn edit_distance_is_bounded() {
        assert!(within_distance("paypall", "paypal", 1));
        assert!(!within_distance("paypxll", "paypal", 1));
        assert!(!within_distance(&"a".repeat(100), &"a".repeat(100), 1));
    }
}
