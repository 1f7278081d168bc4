//! RFC 8601 `Authentication-Results` (and the same payload in ARC-Authentication-Results)
//! read into values, plus the tokenizer the other authentication headers share.
//!
//! The grammar: `authserv-id [version] ( "; none" / 1*( ";" method[/version]=result
//! [reason=value] *(ptype.property=value) ) )`, keywords case-insensitive, CFWS
//! (comments, nested, with quoted pairs) allowed between any two tokens, values tokens or
//! quoted strings (`local-part@domain` in properties). Real headers break it, so the
//! reader is lenient and reads what it can:
//! - no authserv-id at all (Exchange Online writes `spf=pass (...) smtp.mailfrom=x;...`):
//!   the first segment is read as a result;
//! - a bare `key=value` after a result (Microsoft's `action=quarantine`) is kept as a
//!   property with an empty ptype; a bare key that is a registered method name (`spf`,
//!   `dkim`, ...) starts a new result, for writers that forget the `;`;
//! - a segment that does not start with `method=result` (`header.From=x;` in some test
//!   tools) and stray words are skipped and reported in [`AuthResults::skipped`];
//! - an unterminated comment or quoted string runs to the end of the value.
//!
//! Comments are kept per result (`dmarc=fail (p=REJECT ...)` carries the policy there)
//! but never read as results: `spf=pass (not spf=fail)` is a pass. No recursion, one
//! pass over the text: hostile input costs time linear in its length.

use std::borrow::Cow;

/// One lexical token of a structured header value. Its text borrows from the value
/// unless a quoted pair had to be undone: a header of a dozen results, each with a
/// comment, used to cost an allocation per token and a `push` per character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok<'a> {
    /// A run of characters that are not whitespace, `(`, `"`, `;` or `=`.
    Word(Cow<'a, str>),
    /// A quoted string, quotes removed and quoted pairs undone.
    Quoted(Cow<'a, str>),
    /// A comment's text, outer parentheses removed (inner ones kept), trimmed.
    Comment(Cow<'a, str>),
    Semi,
    Eq,
}

/// A token and whether CFWS (whitespace or a comment) comes right before it: a value
/// such as `"first last"@example.com` is its adjacent tokens joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token<'a> {
    pub(super) tok: Tok<'a>,
    pub(super) spaced: bool,
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// Splits a header value into tokens, in one pass without recursion.
pub(super) fn lex(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut spaced = false;
    while let Some((at, c)) = chars.next() {
        let tok = match c {
            c if c.is_whitespace() => {
                spaced = true;
                continue;
            }
            '(' => Tok::Comment(comment_text(text, &mut chars)),
            '"' => Tok::Quoted(quoted_text(text, &mut chars)),
            ';' => Tok::Semi,
            '=' => Tok::Eq,
            _ => {
                let end = loop {
                    match chars.peek() {
                        Some(&(i, c))
                            if c.is_whitespace() || matches!(c, '(' | '"' | ';' | '=') =>
                        {
                            break i
                        }
                        Some(_) => {
                            chars.next();
                        }
                        None => break text.len(),
                    }
                };
                Tok::Word(Cow::Borrowed(&text[at..end]))
            }
        };
        let is_comment = matches!(tok, Tok::Comment(_));
        tokens.push(Token { tok, spaced });
        // A comment is CFWS: what follows it is separate from what preceded it.
        spaced = is_comment;
    }
    tokens
}

/// The rest of a comment whose `(` was consumed: nesting counted, not recursed.
fn comment_text<'a>(text: &'a str, chars: &mut Chars<'a>) -> Cow<'a, str> {
    let mut depth = 1usize;
    let (body, quoted_pairs) = enclosed(text, chars, |c| match c {
        '(' => {
            depth += 1;
            false
        }
        ')' => {
            depth -= 1;
            depth == 0
        }
        _ => false,
    });
    match unquoted(body, quoted_pairs) {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
    }
}

/// The rest of a quoted string whose `"` was consumed.
fn quoted_text<'a>(text: &'a str, chars: &mut Chars<'a>) -> Cow<'a, str> {
    let (body, quoted_pairs) = enclosed(text, chars, |c| c == '"');
    unquoted(body, quoted_pairs)
}

/// Consumes up to and including the character `closes` accepts (outside a quoted pair),
/// or to the end of the value. Returns what came before it and whether a quoted pair
/// (`\x`) is in it.
fn enclosed<'a>(
    text: &'a str,
    chars: &mut Chars<'a>,
    mut closes: impl FnMut(char) -> bool,
) -> (&'a str, bool) {
    let start = chars.peek().map_or(text.len(), |&(i, _)| i);
    let mut quoted_pairs = false;
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            quoted_pairs = true;
            chars.next();
        } else if closes(c) {
            return (&text[start..i], quoted_pairs);
        }
    }
    (&text[start..], quoted_pairs)
}

/// `body` with each quoted pair `\x` made `x` (a lone `\` at the end dropped).
fn unquoted(body: &str, quoted_pairs: bool) -> Cow<'_, str> {
    if !quoted_pairs {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A `ptype.property=value` (ptype `smtp`, `header`, `policy`, ...), or a bare
/// `key=value` extension (ptype empty: Microsoft's `action=`). Names lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    pub ptype: String,
    pub property: String,
    pub value: String,
}

/// One `method=result` statement and what qualifies it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResInfo {
    /// Lowercased (`spf`, `dkim`, `dmarc`, `arc`, `compauth`, ...).
    pub method: String,
    pub method_version: Option<String>,
    /// Lowercased (`pass`, `fail`, `softfail`, ...).
    pub result: String,
    pub reason: Option<String>,
    pub props: Vec<Prop>,
    /// Comments inside this statement, in order (`p=REJECT sp=REJECT dis=NONE`).
    pub comments: Vec<String>,
}

impl ResInfo {
    /// The value of `ptype.property` (names compared case-insensitively).
    pub fn prop(&self, ptype: &str, property: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|p| {
                p.ptype.eq_ignore_ascii_case(ptype) && p.property.eq_ignore_ascii_case(property)
            })
            .map(|p| p.value.as_str())
    }

    /// `method=result reason="..." ptype.property=value ...` without the comments, values
    /// quoted (and escaped) where they hold spaces, quotes or control characters.
    pub fn summary(&self) -> String {
        let mut text = self.method.clone();
        if let Some(version) = &self.method_version {
            text.push('/');
            text.push_str(&shown(version));
        }
        text.push('=');
        text.push_str(&shown(&self.result));
        if let Some(reason) = &self.reason {
            text.push_str(" reason=");
            text.push_str(&shown(reason));
        }
        for prop in &self.props {
            text.push(' ');
            if !prop.ptype.is_empty() {
                text.push_str(&shown(&prop.ptype));
                text.push('.');
            }
            text.push_str(&shown(&prop.property));
            text.push('=');
            text.push_str(&shown(&prop.value));
        }
        text
    }
}

/// A value as it may be printed on one line: `{:?}`-quoted when it is empty or holds
/// whitespace, quotes, semicolons or control characters.
pub(super) fn shown(value: &str) -> String {
    let plain = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | ';' | '\\'));
    if plain {
        value.to_string()
    } else {
        format!("{value:?}")
    }
}

/// A parsed Authentication-Results payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthResults {
    /// `None` when the writer left it out (Exchange Online).
    pub authserv_id: Option<String>,
    pub version: Option<String>,
    /// `; none`: the server made no checks.
    pub no_result: bool,
    pub results: Vec<ResInfo>,
    /// Text that could not be read as a result, as found (segments and stray words).
    pub skipped: Vec<String>,
}

/// Method names of the IANA registry (and Microsoft's `compauth`): a bare `name=value`
/// with one of these names starts a result even where a `;` is missing.
const METHODS: [&str; 15] = [
    "arc",
    "auth",
    "bimi",
    "compauth",
    "dkim",
    "dkim-adsp",
    "dkim-atps",
    "dmarc",
    "dnswl",
    "domainkeys",
    "iprev",
    "rrvs",
    "sender-id",
    "smime",
    "spf",
];

/// Reads an Authentication-Results value; `None` when nothing in it is readable (empty,
/// or neither an authserv-id nor a single result).
pub fn parse(value: &str) -> Option<AuthResults> {
    let tokens = lex(value);
    let segments: Vec<&[Token]> = tokens.split(|t| t.tok == Tok::Semi).collect();
    let parsed = parse_payload(&segments);
    let readable = parsed.authserv_id.is_some() || parsed.no_result || !parsed.results.is_empty();
    readable.then_some(parsed)
}

/// Reads an ARC-Authentication-Results value: `i=N; ` then an Authentication-Results
/// payload. `None` without a readable instance number.
pub fn parse_arc(value: &str) -> Option<(u32, AuthResults)> {
    let tokens = lex(value);
    let segments: Vec<&[Token]> = tokens.split(|t| t.tok == Tok::Semi).collect();
    let (first, rest) = segments.split_first()?;
    let instance = match words(first).as_slice() {
        [Tok::Word(key), Tok::Eq, Tok::Word(n)] if key.eq_ignore_ascii_case("i") => {
            n.parse().ok()?
        }
        _ => return None,
    };
    Some((instance, parse_payload(rest)))
}

/// The tokens of a segment without its comments.
fn words<'t>(segment: &'t [Token<'t>]) -> Vec<&'t Tok<'t>> {
    segment
        .iter()
        .map(|t| &t.tok)
        .filter(|t| !matches!(t, Tok::Comment(_)))
        .collect()
}

/// `authserv-id [version]` then the result segments.
fn parse_payload(segments: &[&[Token]]) -> AuthResults {
    let mut out = AuthResults::default();
    let Some((first, rest)) = segments.split_first() else {
        return out;
    };
    let first_words = words(first);
    if first_words.contains(&&Tok::Eq) {
        // No authserv-id: the first segment already is a result (Exchange Online).
        parse_segment(first, &mut out);
    } else {
        read_authserv_id(&first_words, &mut out);
    }
    for segment in rest {
        parse_segment(segment, &mut out);
    }
    out
}

fn read_authserv_id(first: &[&Tok], out: &mut AuthResults) {
    let mut rest = first.iter();
    out.authserv_id = match rest.next() {
        Some(Tok::Quoted(id)) if !id.is_empty() => Some(id.to_string()),
        Some(Tok::Word(id)) if is_token(id) => Some(id.to_string()),
        Some(other) => {
            out.skipped.push(tok_text(other));
            None
        }
        None => None,
    };
    if let Some(Tok::Word(v)) = rest.clone().next() {
        if v.bytes().all(|b| b.is_ascii_digit()) {
            out.version = Some(v.to_string());
            rest.next();
        }
    }
    let junk: Vec<String> = rest.map(|t| tok_text(t)).collect();
    if !junk.is_empty() {
        out.skipped.push(junk.join(" "));
    }
}

/// An RFC 2045 token: no tspecials (a stray `)` or `@` is not an authserv-id).
fn is_token(word: &str) -> bool {
    !word.is_empty() && !word.contains(|c: char| "()<>@,;:\\\"/[]?=".contains(c) || c.is_control())
}

/// How a token reads back as text (for what was skipped).
fn tok_text(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => w.to_string(),
        Tok::Quoted(q) => format!("{q:?}"),
        Tok::Comment(c) => format!("({c})"),
        Tok::Semi => ";".into(),
        Tok::Eq => "=".into(),
    }
}

/// A cursor over one segment's tokens.
struct Cursor<'t> {
    tokens: &'t [Token<'t>],
    at: usize,
}

impl<'t> Cursor<'t> {
    fn peek(&self) -> Option<&'t Token<'t>> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<&'t Token<'t>> {
        let token = self.tokens.get(self.at);
        self.at += usize::from(token.is_some());
        token
    }

    /// Moves past comments, handing their text to `keep`.
    fn skip_comments(&mut self, keep: &mut Vec<String>) {
        while let Some(Token {
            tok: Tok::Comment(c),
            ..
        }) = self.peek()
        {
            keep.push(c.to_string());
            self.at += 1;
        }
    }

    /// After a key: `[CFWS] "=" [CFWS] value`, the value being the next token and the
    /// tokens glued to it (`"a b"@example.com`, a base64 `abc==`). `None` (and nothing
    /// consumed) when no `=` follows.
    fn assignment(&mut self, comments: &mut Vec<String>) -> Option<String> {
        let start = self.at;
        let mut seen = Vec::new();
        self.skip_comments(&mut seen);
        if self.peek().map(|t| &t.tok) != Some(&Tok::Eq) {
            self.at = start;
            return None;
        }
        self.next();
        self.skip_comments(&mut seen);
        comments.append(&mut seen);
        let mut value = String::new();
        let mut first = true;
        while let Some(token) = self.peek() {
            let glued = first || !token.spaced;
            match &token.tok {
                Tok::Word(w) | Tok::Quoted(w) if glued => value.push_str(w),
                Tok::Eq if glued && !first => value.push('='),
                _ => break,
            }
            first = false;
            self.next();
        }
        Some(value)
    }
}

/// Reads one `;`-separated segment into results (more than one where a `;` is missing).
fn parse_segment(segment: &[Token], out: &mut AuthResults) {
    let mut cursor = Cursor {
        tokens: segment,
        at: 0,
    };
    let mut current: Option<ResInfo> = None;
    let mut comments = Vec::new();
    let mut junk: Vec<String> = Vec::new();
    while let Some(token) = cursor.next() {
        match &token.tok {
            Tok::Comment(c) => comments.push(c.to_string()),
            Tok::Word(key) => match cursor.assignment(&mut comments) {
                Some(value) => {
                    let started = statement(&mut current, key, value, &mut junk);
                    if let Some(done) = started {
                        push_result(done, &mut comments, out);
                    }
                }
                None if current.is_none() && key.eq_ignore_ascii_case("none") => {
                    out.no_result = true;
                }
                None => junk.push(key.to_string()),
            },
            other => junk.push(tok_text(other)),
        }
    }
    if let Some(done) = current {
        push_result(done, &mut comments, out);
    }
    if !junk.is_empty() {
        out.skipped.push(junk.join(" "));
    }
}

/// Applies `key=value` to the statement being read. Returns the previous statement when
/// `key` starts a new one.
fn statement(
    current: &mut Option<ResInfo>,
    key: &str,
    value: String,
    junk: &mut Vec<String>,
) -> Option<ResInfo> {
    let lower = key.to_ascii_lowercase();
    let Some(info) = current.as_mut() else {
        if lower.contains('.') {
            // A property with no method before it: not a result.
            junk.push(format!("{key}={}", shown(&value)));
        } else {
            *current = Some(new_result(&lower, &value));
        }
        return None;
    };
    if lower == "reason" {
        info.reason = Some(value);
    } else if let Some((ptype, property)) = lower.split_once('.') {
        info.props.push(Prop {
            ptype: ptype.to_string(),
            property: property.to_string(),
            value,
        });
    } else if METHODS.contains(&method_name(&lower)) {
        return current.replace(new_result(&lower, &value));
    } else {
        info.props.push(Prop {
            ptype: String::new(),
            property: lower,
            value,
        });
    }
    None
}

/// `dkim/1` → `dkim`.
fn method_name(key: &str) -> &str {
    key.split_once('/').map_or(key, |(name, _)| name)
}

fn new_result(method: &str, result: &str) -> ResInfo {
    let (name, version) = match method.split_once('/') {
        Some((name, version)) => (name, Some(version.to_string())),
        None => (method, None),
    };
    ResInfo {
        method: name.to_string(),
        method_version: version,
        result: result.to_ascii_lowercase(),
        ..ResInfo::default()
    }
}

fn push_result(mut info: ResInfo, comments: &mut Vec<String>, out: &mut AuthResults) {
    info.comments.append(comments);
    out.results.push(info);
}
