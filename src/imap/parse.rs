//! Reading the untagged answers we ask for: CAPABILITY, SEARCH, LIST, FETCH, and the
//! response codes UIDVALIDITY and COPYUID (RFC 3501, 4315, 6851).
//!
//! A line is split into [`Tok`]ens (atoms, quoted strings, literals, parentheses);
//! brackets stay inside atoms (`BODY[]`, `[UIDVALIDITY`), which is all these answers need.
//! Anything we did not ask about (EXISTS, RECENT, FLAGS, unsolicited FETCH of flags) is
//! skipped by the callers.

use super::conn::{Line, Part};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Atom(String),
    Str(Vec<u8>),
    Open,
    Close,
}

/// Splits a response line into tokens. Errors on an unterminated quoted string.
pub fn tokens(line: &Line) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    for part in &line.parts {
        match part {
            Part::Literal(bytes) => out.push(Tok::Str(bytes.clone())),
            Part::Text(text) => tokenize_text(text, &mut out)?,
        }
    }
    Ok(out)
}

fn tokenize_text(text: &[u8], out: &mut Vec<Tok>) -> Result<(), String> {
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b' ' => i += 1,
            b'(' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'"' => {
                let mut s = Vec::new();
                i += 1;
                loop {
                    match text.get(i) {
                        None => return Err("unterminated quoted string".into()),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            s.push(*text.get(i + 1).ok_or("bad escape in quoted string")?);
                            i += 2;
                        }
                        Some(&b) => {
                            s.push(b);
                            i += 1;
                        }
                    }
                }
                i += 1;
                out.push(Tok::Str(s));
            }
            b'{' if text[i..].ends_with(b"}") => {
                // The literal's announcement; its bytes are the next part.
                i = text.len();
            }
            _ => {
                let start = i;
                while i < text.len() && !matches!(text[i], b' ' | b'(' | b')' | b'"') {
                    i += 1;
                }
                out.push(Tok::Atom(
                    String::from_utf8_lossy(&text[start..i]).into_owned(),
                ));
            }
        }
    }
    Ok(())
}

fn is_atom(tok: Option<&Tok>, word: &str) -> bool {
    matches!(tok, Some(Tok::Atom(a)) if a.eq_ignore_ascii_case(word))
}

/// `* CAPABILITY IMAP4rev1 MOVE UIDPLUS ...` → the upper-cased capability names.
pub fn capabilities(lines: &[Line]) -> Vec<String> {
    let mut caps = Vec::new();
    for line in lines {
        let Ok(toks) = tokens(line) else { continue };
        if is_atom(toks.get(1), "CAPABILITY") {
            caps.extend(toks[2..].iter().filter_map(|t| match t {
                Tok::Atom(a) => Some(a.to_ascii_uppercase()),
                _ => None,
            }));
        }
    }
    caps
}

/// `* SEARCH 4 9 12` → the numbers, ascending.
pub fn search(lines: &[Line]) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for line in lines {
        let toks = tokens(line)?;
        if is_atom(toks.get(1), "SEARCH") {
            for tok in &toks[2..] {
                match tok {
                    Tok::Atom(a) => out.push(a.parse().map_err(|_| format!("bad UID {a}"))?),
                    other => return Err(format!("unexpected {other:?} in SEARCH")),
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// One `* LIST (flags) "delim" name` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub delimiter: Option<u8>,
    pub name: Vec<u8>,
}

pub fn list(lines: &[Line]) -> Result<Vec<ListEntry>, String> {
    let mut out = Vec::new();
    for line in lines {
        let toks = tokens(line)?;
        if !is_atom(toks.get(1), "LIST") {
            continue;
        }
        let close = toks
            .iter()
            .position(|t| *t == Tok::Close)
            .ok_or("LIST without flags")?;
        let delimiter = match toks.get(close + 1) {
            Some(Tok::Str(d)) if d.len() == 1 => Some(d[0]),
            Some(Tok::Atom(a)) if a.eq_ignore_ascii_case("NIL") => None,
            other => return Err(format!("bad LIST delimiter {other:?}")),
        };
        let name = match toks.get(close + 2) {
            Some(Tok::Str(s)) => s.clone(),
            Some(Tok::Atom(a)) => a.clone().into_bytes(),
            other => return Err(format!("bad LIST name {other:?}")),
        };
        out.push(ListEntry { delimiter, name });
    }
    Ok(out)
}

/// What a `* n FETCH (UID u RFC822.SIZE s BODY[] {..})` answer told us.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fetched {
    pub uid: Option<u32>,
    pub size: Option<u64>,
    pub body: Option<Vec<u8>>,
}

/// Every FETCH answer on the lines (unsolicited flag updates come back with no body).
pub fn fetches(lines: &[Line]) -> Result<Vec<Fetched>, String> {
    let mut out = Vec::new();
    for line in lines {
        let toks = tokens(line)?;
        if !is_atom(toks.get(2), "FETCH") {
            continue;
        }
        if toks.get(3) != Some(&Tok::Open) {
            return Err("FETCH without a list".into());
        }
        let mut fetched = Fetched::default();
        let mut i = 4;
        while let Some(Tok::Atom(key)) = toks.get(i) {
            let key = key.to_ascii_uppercase();
            let value = toks.get(i + 1).ok_or("FETCH item without a value")?;
            match (key.as_str(), value) {
                ("UID", Tok::Atom(v)) => fetched.uid = v.parse().ok(),
                ("RFC822.SIZE", Tok::Atom(v)) => fetched.size = v.parse().ok(),
                ("BODY[]", Tok::Str(bytes)) => fetched.body = Some(bytes.clone()),
                _ => {}
            }
            i = skip_value(&toks, i + 1)?;
        }
        out.push(fetched);
    }
    Ok(out)
}

/// Index after the value at `i` (an atom, a string, or a parenthesised list).
fn skip_value(toks: &[Tok], mut i: usize) -> Result<usize, String> {
    if toks.get(i) != Some(&Tok::Open) {
        return Ok(i + 1);
    }
    let mut depth = 0usize;
    loop {
        match toks.get(i) {
            None => return Err("unbalanced parentheses in FETCH".into()),
            Some(Tok::Open) => depth += 1,
            Some(Tok::Close) => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The number in a `[UIDVALIDITY n]` code on any of the lines.
pub fn uidvalidity(lines: &[Line]) -> Option<u32> {
    lines.iter().find_map(|line| {
        let text = line.text();
        let rest = &text[text.find("[UIDVALIDITY ")? + "[UIDVALIDITY ".len()..];
        rest[..rest.find(']')?].trim().parse().ok()
    })
}

/// `[COPYUID validity source-set dest-set]` (RFC 4315) in `text`: the destination UID
/// when one message was copied or moved.
pub fn copyuid(text: &str) -> Option<u32> {
    let rest = &text[text.find("[COPYUID ")? + "[COPYUID ".len()..];
    let code = &rest[..rest.find(']')?];
    code.split(' ').nth(2)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(parts: &[&[u8]]) -> Line {
        Line {
            parts: parts
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    if i % 2 == 0 {
                        Part::Text(p.to_vec())
                    } else {
                        Part::Literal(p.to_vec())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn fetch_with_literal_body_and_flags() {
        let body: &[u8] = b"Subject: (x) \"q\"\r\n\r\n)))\r\n";
        let l = line(&[
            b"* 3 FETCH (UID 17 RFC822.SIZE 27 FLAGS (\\Seen (odd)) BODY[] {27}",
            body,
            b")",
        ]);
        let got = fetches(&[l]).unwrap();
        assert_eq!(
            got,
            [Fetched {
                uid: Some(17),
                size: Some(27),
                body: Some(body.to_vec())
            }]
        );
        let flags_only = line(&[b"* 4 FETCH (FLAGS (\\Deleted) UID 18)"]);
        assert_eq!(fetches(&[flags_only]).unwrap()[0].body, None);
    }

    #[test]
    fn search_list_codes() {
        assert_eq!(search(&[line(&[b"* SEARCH 9 4 12"])]).unwrap(), [4, 9, 12]);
        assert_eq!(search(&[line(&[b"* SEARCH"])]).unwrap(), Vec::<u32>::new());
        let l = list(&[
            line(&[b"* LIST (\\HasNoChildren) \".\" \"INBOX\""]),
            line(&[b"* LIST (\\Noselect) NIL {4}", b"A\"B ", b""]),
        ])
        .unwrap();
        assert_eq!(l[0].delimiter, Some(b'.'));
        assert_eq!(l[0].name, b"INBOX");
        assert_eq!(l[1].delimiter, None);
        assert_eq!(l[1].name, b"A\"B ");
        assert_eq!(
            uidvalidity(&[line(&[b"* OK [UIDVALIDITY 1700000001] UIDs valid"])]),
            Some(1_700_000_001)
        );
        assert_eq!(copyuid("[COPYUID 38505 304 3956] Done"), Some(3956));
        assert_eq!(copyuid("OK Done"), None);
    }
}
