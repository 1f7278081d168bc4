//! A small, forgiving HTML reader for link extraction: attribute values of tags (any
//! quoting, case-insensitive names, entities decoded) and the document's text. Not a
//! full HTML parser: just enough tokenising to see what a mail client would link to,
//! including what Outlook reads inside conditional comments.

use std::borrow::Cow;

/// What the reader hands on: an attribute (name as written, decoded value) or a run of
/// decoded text. Tags separate text runs.
pub(super) enum Piece<'a> {
    Attribute { name: &'a str, value: Cow<'a, str> },
    Text(Cow<'a, str>),
}

/// Tags that do not break a word: a URL's text may run across them.
const INLINE_TAGS: [&str; 9] = ["a", "b", "i", "u", "em", "strong", "span", "font", "wbr"];

/// Tags whose content is raw text up to their end tag (no tags inside).
const RAW_TEXT_TAGS: [&str; 4] = ["script", "style", "textarea", "title"];

/// Reads `html`, calling `on` for each attribute and each text run, in document order.
/// Comments and other `<!…>` markup are read as text up to their first `>` and the
/// document goes on after it, so that links inside Outlook's `<!--[if mso]>` blocks (a
/// comment to a browser, markup to Outlook) are seen.
pub(super) fn read(html: &str, mut on: impl FnMut(Piece<'_>)) {
    let bytes = html.as_bytes();
    let mut text_start = 0;
    let mut i = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + offset;
        let next = bytes.get(lt + 1).copied();
        let is_tag = match next {
            Some(b) if b.is_ascii_alphabetic() || matches!(b, b'!' | b'?') => true,
            Some(b'/') => bytes.get(lt + 2).is_some_and(u8::is_ascii_alphabetic),
            _ => false,
        };
        if !is_tag {
            i = lt + 1;
            continue;
        }
        emit_text(&html[text_start..lt], &mut on);
        let (end, name) = match next {
            Some(b'!' | b'?') => {
                let gt = memchr::memchr(b'>', &bytes[lt..]).map_or(bytes.len(), |o| lt + o);
                // Markup, not part of the text before it.
                on(Piece::Text(Cow::Borrowed(" ")));
                emit_text(&html[lt + 2..gt], &mut on);
                ((gt + 1).min(bytes.len()), None)
            }
            Some(b'/') => {
                let end = memchr::memchr(b'>', &bytes[lt..]).map_or(bytes.len(), |o| lt + o + 1);
                (end, tag_name(&html[lt + 2..]))
            }
            _ => read_start_tag(html, lt, &mut on),
        };
        if !name.is_some_and(|n| INLINE_TAGS.iter().any(|t| t.eq_ignore_ascii_case(n))) {
            on(Piece::Text(Cow::Borrowed(" ")));
        }
        i = end;
        // The content of <script>, <style>… is text up to the matching end tag.
        if next.is_some_and(|b| b.is_ascii_alphabetic()) {
            if let Some(raw) =
                name.filter(|n| RAW_TEXT_TAGS.iter().any(|t| t.eq_ignore_ascii_case(n)))
            {
                let close = find_end_tag(&html[i..], raw).map_or(html.len(), |o| i + o);
                emit_text(&html[i..close], &mut on);
                i = close;
            }
        }
        text_start = i;
    }
    emit_text(&html[text_start..], &mut on);
}

fn emit_text<'a>(text: &'a str, on: &mut impl FnMut(Piece<'a>)) {
    if !text.is_empty() {
        on(Piece::Text(decode_entities(text)));
    }
}

fn tag_name(s: &str) -> Option<&str> {
    let end = s
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(s.len());
    (end > 0).then(|| &s[..end])
}

/// Where `</name` starts in `s` (ASCII case-insensitive).
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    // memchr for `<`, not memmem for `</`: a memmem searcher is built per call, and
    // this runs once per script or style element.
    while let Some(offset) = memchr::memchr(b'<', &bytes[from..]) {
        let at = from + offset;
        if bytes.get(at + 1) == Some(&b'/')
            && bytes
                .get(at + 2..at + 2 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Reads the start tag at `lt` (HTML5 tokeniser rules for attributes: double-quoted,
/// single-quoted or unquoted values, names up to whitespace, `/`, `>` or `=`). Returns
/// where the tag ends and its name.
fn read_start_tag<'a>(
    html: &'a str,
    lt: usize,
    on: &mut impl FnMut(Piece<'a>),
) -> (usize, Option<&'a str>) {
    let bytes = html.as_bytes();
    let name = tag_name(&html[lt + 1..]);
    let mut j = lt + 1 + name.map_or(0, str::len);
    loop {
        while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
            j += 1;
        }
        match bytes.get(j) {
            None => return (bytes.len(), name),
            Some(b'>') => return (j + 1, name),
            Some(_) => {}
        }
        let name_start = j;
        // The first character may be "=" (HTML5 keeps it in the name).
        j += 1;
        while j < bytes.len()
            && !matches!(bytes[j], b'=' | b'>' | b'/')
            && !bytes[j].is_ascii_whitespace()
        {
            j += 1;
        }
        let attr = &html[name_start..j];
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let value = if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let start = j + 1;
                    let end = memchr::memchr(q, &bytes[start..]).map_or(bytes.len(), |o| start + o);
                    j = (end + 1).min(bytes.len());
                    &html[start..end]
                }
                _ => {
                    let start = j;
                    while j < bytes.len() && bytes[j] != b'>' && !bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    &html[start..j]
                }
            }
        } else {
            ""
        };
        on(Piece::Attribute {
            name: attr,
            value: decode_entities(value),
        });
    }
}

/// Decodes HTML character references: numeric (`&#47;`, `&#x2F;`, with or without `;`)
/// and the named ones that matter in URLs. A name without `;` is decoded only for the
/// legacy few (`&amp` …) and not before a letter, digit or `=`, where browsers keep it
/// as text (so a query's `&lt=1` stays).
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match reference(after) {
            Some((decoded, used)) => {
                out.push_str(decoded.encode_utf8(&mut [0; 4]));
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference stands for (`s` is what follows `&`) and how many bytes
/// of `s` it used.
fn reference(s: &str) -> Option<(char, usize)> {
    let bytes = s.as_bytes();
    if let Some(num) = s.strip_prefix('#') {
        let (digits, radix, skip) = match num.as_bytes().first() {
            Some(b'x' | b'X') => (&num[1..], 16, 2),
            _ => (num, 10, 1),
        };
        let len = digits
            .bytes()
            .take_while(|b| char::from(*b).is_digit(radix))
            .count();
        if len == 0 {
            return None;
        }
        // Out-of-range and overlong numbers stand for U+FFFD, as in browsers.
        let c = u32::from_str_radix(&digits[..len.min(8)], radix)
            .ok()
            .filter(|_| len <= 8)
            .and_then(char::from_u32)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        let used = skip + len + usize::from(digits.as_bytes().get(len) == Some(&b';'));
        return Some((c, used));
    }
    let len = bytes
        .iter()
        .take(32)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = &s[..len];
    if bytes.get(len) == Some(&b';') {
        return named(name).map(|c| (c, len + 1));
    }
    // Legacy references without ";": only the longest known prefix, and not before
    // a character that makes it part of a word or a parameter name.
    let legacy = ["amp", "lt", "gt", "quot", "AMP", "LT", "GT", "QUOT", "nbsp"]
        .into_iter()
        .find(|l| name.starts_with(l))?;
    let follows = bytes.get(legacy.len()).copied();
    if follows.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'=') {
        return None;
    }
    named(legacy).map(|c| (c, legacy.len()))
}

fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "colon" => ':',
        "sol" => '/',
        "bsol" => '\\',
        "period" => '.',
        "comma" => ',',
        "quest" => '?',
        "equals" => '=',
        "num" => '#',
        "percnt" => '%',
        "commat" => '@',
        "lpar" => '(',
        "rpar" => ')',
        "lowbar" => '_',
        "excl" => '!',
        "dollar" => '$',
        "semi" => ';',
        "plus" => '+',
        "ast" => '*',
        "tilde" => '~',
        "Tab" => '\t',
        "NewLine" => '\n',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Attributes as "name=value" and text runs (trimmed, non-empty) as "text:…".
    fn pieces(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        read(html, |piece| match piece {
            Piece::Attribute { name, value } => out.push(format!("{name}={value}")),
            Piece::Text(text) if !text.trim().is_empty() => {
                out.push(format!("text:{}", text.trim()))
            }
            Piece::Text(_) => {}
        });
        out
    }

    #[test]
    fn attributes_in_every_quoting_style() {
        assert_eq!(
            pieces("<A HREF=\"https://a.example/1\" src='https://b.example/2' action=https://c.example/3>x</a>"),
            ["HREF=https://a.example/1", "src=https://b.example/2", "action=https://c.example/3", "text:x"]
        );
        assert_eq!(
            pieces("<a href = 'x y' checked data-x=1/>"),
            ["href=x y", "checked=", "data-x=1/"]
        );
    }

    #[test]
    fn entities_in_attributes_and_text_are_decoded() {
        assert_eq!(
            pieces("<a href=\"https:&#x2F;&#47;a.example/?a=1&amp;b=2&lt=3\">a&amp;b</a>"),
            ["href=https://a.example/?a=1&b=2&lt=3", "text:a&b"]
        );
    }

    #[test]
    fn conditional_comments_are_read_through() {
        assert_eq!(
            pieces("<!--[if mso]><v:roundrect href=\"https://mso.example/\"></v:roundrect><![endif]-->"),
            ["text:--[if mso]", "href=https://mso.example/", "text:[endif]--"]
        );
    }

    #[test]
    fn raw_text_elements_are_text_up_to_their_end_tag() {
        assert_eq!(
            pieces("<style>a{background:url(https://s.example/x.png)}</STYLE><p>t</p>"),
            ["text:a{background:url(https://s.example/x.png)}", "text:t"]
        );
        assert_eq!(
            pieces("<script>if (a<b) x='<a href=1>'</script>"),
            ["text:if (a<b) x='<a href=1>'"]
        );
    }

    #[test]
    fn a_lone_less_than_is_text_and_unterminated_tags_end_the_document() {
        assert_eq!(pieces("1 < 2 <b"), ["text:1 < 2"]);
        assert_eq!(
            pieces("<a href=\"https://a.example/"),
            ["href=https://a.example/"]
        );
    }

    #[test]
    fn inline_tags_do_not_split_words_block_tags_do() {
        let mut text = String::new();
        read("<p>https://a.example/<wbr>path</p><p>next</p>", |piece| {
            if let Piece::Text(t) = piece {
                text.push_str(&t);
            }
        });
        assert_eq!(text, " https://a.example/path  next ");
    }

    #[test]
    fn entity_decoding() {
        assert_eq!(decode_entities("no refs"), "no refs");
        assert_eq!(
            decode_entities("&#104;&#x74;&#X74;p&colon;&sol;&sol;"),
            "http://"
        );
        assert_eq!(decode_entities("&#47&#x2f;"), "//");
        assert_eq!(
            decode_entities("a&ampb &amp c&copy;d&#0;&#x110000;"),
            "a&ampb & c&copy;d\u{FFFD}\u{FFFD}"
        );
        assert_eq!(
            decode_entities("&Tab;&NewLine;&nbsp;&;&#;&"),
            "\t\n\u{A0}&;&#;&"
        );
    }
}
