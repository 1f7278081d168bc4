//! Refanging values as responders paste them: threat reports and tickets "defang"
//! indicators (`hxxps://evil[.]example`, `user[@]evil.example`) so nobody clicks them,
//! and a search has to undo that before it can match the real link or address.

/// Bracketed forms and what they stand for. `://` comes before `:` so `[://]` is read
/// whole. Every bracket style takes every form: reports mix them freely, and none of
/// these inner texts is an ordinary bracketed word.
const BRACKETED: [(&str, &str); 7] = [
    ("://", "://"),
    (".", "."),
    ("dot", "."),
    ("@", "@"),
    ("at", "@"),
    (":", ":"),
    ("/", "/"),
];

/// Defanged schemes and their real spelling, longest first so `hxxps` is not read as
/// `hxxp` followed by a stray `s`.
const SCHEMES: [(&str, &str); 6] = [
    ("hxxps", "https"),
    ("h**ps", "https"),
    ("fxps", "ftps"),
    ("hxxp", "http"),
    ("h**p", "http"),
    ("fxp", "ftp"),
];

/// Undoes the usual defanging: `hxxp`/`hXXp`/`hxxps`/`h**p`/`fxp` → `http`/`https`/`ftp`,
/// `[.]` `(.)` `{.}` `[dot]` `(dot)` `{dot}` → `.`, `[@]` `(@)` `[at]` `(at)` `{at}` → `@`,
/// `[:]` → `:`, `[://]` `[:]//` → `://`, `[/]` → `/`, and `\.` → `.`. Letter forms are
/// case-insensitive (`[DOT]`, `HXXPS`); the three bracket styles are interchangeable for
/// every form. Everything else is left as it is, ordinary brackets included
/// (`[URGENT] invoice`).
///
/// A defanged scheme is only restored where it starts a word and is followed by `:`, so a
/// word that merely begins with `fxp` stays as written.
pub fn refang(value: &str) -> String {
    restore_schemes(&remove_brackets(value))
}

/// Replaces the bracketed forms and `\.`.
fn remove_brackets(value: &str) -> String {
    replace_where(value, |bytes, i| match bytes[i] {
        b'\\' if bytes.get(i + 1) == Some(&b'.') => Some((2, ".")),
        open @ (b'[' | b'(' | b'{') => bracketed_at(&bytes[i + 1..], closing(open)),
        _ => None,
    })
}

/// Copies `value`, replacing the `(length, replacement)` that `found(bytes, i)` reports
/// at each position. Matches are only ever ASCII bytes, so slicing `value` at them never
/// splits a character.
fn replace_where(
    value: &str,
    found: impl Fn(&[u8], usize) -> Option<(usize, &'static str)>,
) -> String {
    let bytes = value.as_bytes();
    let mut out = String::with_capacity(value.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match found(bytes, i) {
            Some((len, replacement)) => {
                out.push_str(&value[copied..i]);
                out.push_str(replacement);
                i += len;
                copied = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&value[copied..]);
    out
}

fn closing(open: u8) -> u8 {
    match open {
        b'[' => b']',
        b'(' => b')',
        _ => b'}',
    }
}

/// The length (brackets included) and replacement of a bracketed form whose inner text
/// starts `rest`, if `rest` holds one closed by `close`.
fn bracketed_at(rest: &[u8], close: u8) -> Option<(usize, &'static str)> {
    BRACKETED.iter().find_map(|&(inner, replacement)| {
        let n = inner.len();
        (rest.len() > n && rest[..n].eq_ignore_ascii_case(inner.as_bytes()) && rest[n] == close)
            .then_some((n + 2, replacement))
    })
}

/// Restores defanged schemes at the start of a word, followed by `:`.
fn restore_schemes(value: &str) -> String {
    replace_where(value, |bytes, i| {
        let word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        word_start.then(|| scheme_at(&bytes[i..])).flatten()
    })
}

/// The length and real spelling of a defanged scheme that starts `rest` and is followed
/// by `:`.
fn scheme_at(rest: &[u8]) -> Option<(usize, &'static str)> {
    SCHEMES.iter().find_map(|&(defanged, real)| {
        let n = defanged.len();
        (rest.len() > n && rest[..n].eq_ignore_ascii_case(defanged.as_bytes()) && rest[n] == b':')
            .then_some((n, real))
    })
}

#[cfg(test)]
mod tests {
    use super::refang;

    #[test]
    fn restores_defanged_links() {
        assert_eq!(
            refang("hxxps://evil[.]example/login"),
            "https://evil.example/login"
        );
        assert_eq!(refang("hXXp://1.2.3[.]4"), "http://1.2.3.4");
        assert_eq!(refang("h**p://evil.example"), "http://evil.example");
        assert_eq!(refang("h**ps://evil.example"), "https://evil.example");
        assert_eq!(refang("HXXPS://evil.example"), "https://evil.example");
        assert_eq!(
            refang("fxp://files.evil.example"),
            "ftp://files.evil.example"
        );
        assert_eq!(refang("hxxp[://]evil.example"), "http://evil.example");
        assert_eq!(refang("hxxps[:]//evil.example"), "https://evil.example");
        assert_eq!(
            refang("hxxp://evil.example[/]path"),
            "http://evil.example/path"
        );
        assert_eq!(refang(r"evil\.example"), "evil.example");
    }

    #[test]
    fn restores_defanged_domains_and_addresses() {
        assert_eq!(refang("evil[.]example"), "evil.example");
        assert_eq!(refang("evil(.)example{.}com"), "evil.example.com");
        assert_eq!(
            refang("evil[dot]example(DOT)com{Dot}org"),
            "evil.example.com.org"
        );
        assert_eq!(refang("user[@]evil.example"), "user@evil.example");
        assert_eq!(refang("user(@)evil.example"), "user@evil.example");
        assert_eq!(refang("user(at)evil(dot)example"), "user@evil.example");
        assert_eq!(refang("user[AT]evil{at}x"), "user@evil@x");
    }

    #[test]
    fn leaves_everything_else_alone() {
        assert_eq!(refang("[URGENT] invoice"), "[URGENT] invoice");
        assert_eq!(
            refang("https://good.example/a(b)"),
            "https://good.example/a(b)"
        );
        // Unclosed or mismatched brackets are not a defanged form.
        assert_eq!(refang("evil[.example"), "evil[.example");
        assert_eq!(refang("evil[.)example"), "evil[.)example");
        assert_eq!(refang("[data]"), "[data]");
        // A scheme-like word needs to start a word and be followed by `:`.
        assert_eq!(refang("fxpdata"), "fxpdata");
        assert_eq!(refang("hxxp"), "hxxp");
        assert_eq!(refang("ahxxp://x"), "ahxxp://x");
        // Non-ASCII text around a form survives byte-exact.
        assert_eq!(refang("ünï[.]cødé"), "ünï.cødé");
        assert_eq!(refang(""), "");
    }
}
