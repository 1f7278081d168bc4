//! The classifier's header features (`h:` prefix): which of a few top-level fields a
//! message carries and what they say in one word (the mail program, the priority, the
//! body's type and charset), and whether its Message-ID and Reply-To belong to the
//! sender's domain. Spam filters have always read these: a bulk sender's mailer, a
//! forged Message-ID, an "urgent" priority say more than most words.
//!
//! Only the fields of [`FIELDS`] are read, whatever else the caller decoded: training
//! and scoring must see the same tokens.

/// The header fields read (case-insensitive). `spam::wants` asks the decoder for them.
pub const FIELDS: [&str; 12] = [
    "x-mailer",
    "user-agent",
    "x-priority",
    "x-msmail-priority",
    "x-mimeole",
    "list-unsubscribe",
    "list-id",
    "precedence",
    "organization",
    "content-type",
    "message-id",
    "to",
];

/// Longest value word kept in a token.
const MAX_VALUE: usize = 16;

/// Whether the classifier reads this header field.
pub fn reads(name: &str) -> bool {
    FIELDS.iter().any(|f| name.eq_ignore_ascii_case(f))
}

/// Calls `sink` with the header tokens of a message. `headers`: (name, decoded value)
/// of the top-level fields, topmost first; `from` and `reply_to`: the first addresses.
pub fn header_tokens<'h>(
    headers: impl Iterator<Item = (&'h str, &'h str)>,
    from: Option<&str>,
    reply_to: Option<&str>,
    buf: &mut String,
    sink: &mut dyn FnMut(&str),
) {
    let from_domain = from.and_then(|f| f.rsplit_once('@')).map(|(_, d)| d);
    let mut seen = [false; FIELDS.len()];
    for (name, value) in headers {
        let Some(i) = FIELDS.iter().position(|f| name.eq_ignore_ascii_case(f)) else {
            continue;
        };
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let field = FIELDS[i];
        token(buf, &["h:", field], sink);
        match field {
            "x-mailer" | "user-agent" | "x-priority" | "x-msmail-priority" | "precedence" => {
                if let Some(word) = first_word(value) {
                    token(buf, &["h:", field, ":", &word], sink);
                }
            }
            "content-type" => content_type(value, buf, sink),
            "message-id" => {
                let domain = value
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .rsplit_once('@')
                    .map(|(_, d)| d);
                let same = match (domain, from_domain) {
                    (Some(m), Some(f)) => same_site(m, f),
                    _ => false,
                };
                sink(match (domain, same) {
                    (None, _) => "h:message-id:no_domain",
                    (Some(_), true) => "h:message-id:from_domain",
                    (Some(_), false) => "h:message-id:other_domain",
                });
            }
            "to" => sink(match value.matches('@').count() {
                0 => "h:to:no_address",
                1 => "h:to:one",
                2..=5 => "h:to:few",
                _ => "h:to:many",
            }),
            _ => {}
        }
    }
    for (i, field) in FIELDS.iter().enumerate() {
        if !seen[i] && matches!(*field, "message-id" | "to") {
            token(buf, &["h:no:", field], sink);
        }
    }
    if let (Some(r), Some(f)) = (reply_to, from_domain) {
        if let Some((_, r)) = r.rsplit_once('@') {
            if !same_site(r, f) {
                sink("h:reply-to:other_domain");
            }
        }
    }
}

/// The MIME type and charset of the top-level Content-Type.
fn content_type(value: &str, buf: &mut String, sink: &mut dyn FnMut(&str)) {
    let mut parts = value.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    if !mime.is_empty() && mime.len() <= 40 {
        token(buf, &["h:type:", &mime], sink);
    }
    for p in parts {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        if k.trim().eq_ignore_ascii_case("charset") {
            let v = v.trim().trim_matches('"').to_ascii_lowercase();
            if !v.is_empty() && v.len() <= 24 {
                token(buf, &["h:charset:", &v], sink);
            }
        }
    }
}

/// The first run of letters of a value, lower-cased, or its first digit (a priority).
fn first_word(value: &str) -> Option<String> {
    let start = value.find(|c: char| c.is_ascii_alphanumeric())?;
    let rest = &value[start..];
    if rest.as_bytes()[0].is_ascii_digit() {
        return Some(rest[..1].to_string());
    }
    let end = rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    Some(rest[..end.min(MAX_VALUE)].to_ascii_lowercase())
}

/// Whether two host names share their last two labels (`mail.x.example` and
/// `x.example`).
fn same_site(a: &str, b: &str) -> bool {
    let tail = |h: &str| -> String {
        let h = h.trim().trim_end_matches('.').to_ascii_lowercase();
        let mut labels = h.rsplitn(3, '.');
        let last = labels.next().unwrap_or("");
        match labels.next() {
            Some(second) => format!("{second}.{last}"),
            None => last.to_string(),
        }
    };
    !a.trim().is_empty() && tail(a) == tail(b)
}

/// One token from its pieces.
fn token(buf: &mut String, pieces: &[&str], sink: &mut dyn FnMut(&str)) {
    buf.clear();
    for p in pieces {
        buf.push_str(p);
    }
    sink(buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(
        headers: &[(&str, &str)],
        from: Option<&str>,
        reply_to: Option<&str>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut buf = String::new();
        header_tokens(
            headers.iter().map(|(n, v)| (*n, *v)),
            from,
            reply_to,
            &mut buf,
            &mut |t| out.push(t.to_string()),
        );
        out
    }

    #[test]
    fn mailer_priority_type_and_charset_become_one_word_tokens() {
        let t = collect(
            &[
                ("X-Mailer", "Microsoft Outlook Express 6.00.2600"),
                ("X-Priority", " 1 (Highest)"),
                ("Content-Type", "text/html; charset=\"Windows-1252\""),
                ("x-mailer", "a second one is not read"),
                ("Subject", "not a field the classifier reads"),
            ],
            Some("a@b.example"),
            None,
        );
        assert_eq!(
            t,
            [
                "h:x-mailer",
                "h:x-mailer:microsoft",
                "h:x-priority",
                "h:x-priority:1",
                "h:content-type",
                "h:type:text/html",
                "h:charset:windows-1252",
                "h:no:message-id",
                "h:no:to",
            ]
        );
    }

    #[test]
    fn message_id_and_reply_to_are_judged_against_the_sender_domain() {
        let from = Some("news@mail.shop.example");
        let same = collect(
            &[
                ("Message-ID", "<123.abc@smtp.shop.example>"),
                ("To", "x@y.example"),
            ],
            from,
            Some("help@shop.example"),
        );
        assert!(
            same.contains(&"h:message-id:from_domain".to_string()),
            "{same:?}"
        );
        assert!(same.contains(&"h:to:one".to_string()), "{same:?}");
        assert!(
            !same.iter().any(|t| t == "h:reply-to:other_domain"),
            "{same:?}"
        );
        let other = collect(
            &[("Message-ID", "<123.abc@bulk.invalid>"), ("To", "")],
            from,
            Some("collect@free.example"),
        );
        for want in [
            "h:message-id:other_domain",
            "h:to:no_address",
            "h:reply-to:other_domain",
        ] {
            assert!(
                other.iter().any(|t| t == want),
                "{want} missing from {other:?}"
            );
        }
        let bare = collect(&[("Message-ID", "no-at-sign")], from, None);
        assert!(
            bare.contains(&"h:message-id:no_domain".to_string()),
            "{bare:?}"
        );
    }

    #[test]
    fn many_recipients_and_long_mailer_names() {
        let to = "a@x.example, b@x.example, c@x.example, d@x.example, e@x.example, f@x.example";
        let t = collect(
            &[
                ("To", to),
                ("User-Agent", "Supercalifragilisticexpialidocious/1.0"),
            ],
            None,
            None,
        );
        assert!(t.contains(&"h:to:many".to_string()), "{t:?}");
        assert!(
            t.contains(&"h:user-agent:supercalifragili".to_string()),
            "{t:?}"
        );
    }
}
