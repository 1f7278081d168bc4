//! The message's origin IP: the first hop outside our trusted relays, read from the
//! `Received` headers.
//!
//! Each relay adds its `Received` on top, so the headers are read top down: a hop whose
//! sending IP is one of our trusted relays, or internal, was handed on by a machine we
//! trust, and the first hop sent from anywhere else is where the message entered. Hops
//! below it were written by machines we do not trust (and may be forged), so they are
//! never read. A `Received` without a sending IP (`by host with LMTP`, local pickup)
//! says nothing about the path and is passed over.
//!
//! Internal (never an origin): RFC 1918 (`10/8`, `172.16/12`, `192.168/16`), loopback
//! (`127/8`, `::1`), link-local (`169.254/16`, `fe80::/10`), CGNAT (`100.64/10`), unique
//! local IPv6 (`fc00::/7`) and the unspecified address (`0.0.0.0/8`, `::`), also when
//! written IPv4-mapped (`::ffff:10.0.0.1`).
//!
//! The sending IP is read from the `from` clause (before `by`): first an IP in its
//! comments, which the receiving MTA wrote from the connection (`from helo (rdns
//! [1.2.3.4])` Postfix/Sendmail/Gmail, `from x ([1.2.3.4] helo=y)` Exim, `from X
//! (1.2.3.4)` Exchange, `(HELO x) (1.2.3.4)` qmail, `[IPv6:2001:db8::1]`); the HELO name
//! after `helo`/`helo=`/`ehlo` is the sender's claim and never read. Failing that, the
//! first address among the clause's words: the from-host when it is an address literal
//! (`from [1.2.3.4] (port=5 helo=x)`, Exim without reverse DNS), fetchmail's `from
//! pop.example [1.2.3.4] by localhost with POP3`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// Headers read at most: a message with more hops than this is read only this far.
const MAX_HOPS: usize = 100;

/// See the module documentation.
pub fn origin_ip(received: &[&str], trusted_relays: &[IpNet]) -> Option<IpAddr> {
    received
        .iter()
        .take(MAX_HOPS)
        .filter_map(|r| sending_ip(r))
        .find(|ip| !is_internal(*ip) && !trusted_relays.iter().any(|n| n.contains(ip)))
}

/// Whether `ip` is internal (see the module documentation).
pub fn is_internal(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(a) => is_internal_v4(a),
        IpAddr::V6(a) => is_internal_v6(a),
    }
}

fn is_internal_v4(a: Ipv4Addr) -> bool {
    let [first, second, ..] = a.octets();
    a.is_private()
        || a.is_loopback()
        || a.is_link_local()
        || first == 0
        || (first == 100 && (64..128).contains(&second))
}

fn is_internal_v6(a: Ipv6Addr) -> bool {
    let first = a.segments()[0];
    a.is_loopback()
        || a.is_unspecified()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// A piece of a `Received` value at parenthesis depth 0.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Word(&'a str),
    /// The text inside a top-level `( )`, nested parentheses included.
    Comment(&'a str),
}

/// The top-level words and comments of a `Received` value, up to the `;` before its
/// date. Unbalanced parentheses end the comment at the end of the value.
fn pieces(value: &str) -> Vec<Piece<'_>> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b';' => break,
            b'(' => {
                let start = i + 1;
                let mut depth = 1usize;
                i += 1;
                while i < bytes.len() && depth > 0 {
                    match bytes[i] {
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                let end = if depth == 0 { i - 1 } else { i };
                out.push(Piece::Comment(&value[start..end]));
            }
            b if b.is_ascii_whitespace() || b == b')' => i += 1,
            _ => {
                let start = i;
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !matches!(bytes[i], b'(' | b')' | b';')
                {
                    i += 1;
                }
                out.push(Piece::Word(&value[start..i]));
            }
        }
    }
    out
}

/// Words that end the `from` clause.
const CLAUSE_ENDS: [&str; 5] = ["by", "via", "with", "id", "for"];

/// The sending IP a `Received` value records, if any (see the module documentation).
pub fn sending_ip(value: &str) -> Option<IpAddr> {
    let pieces = pieces(value);
    let from = pieces
        .iter()
        .position(|p| matches!(p, Piece::Word(w) if w.eq_ignore_ascii_case("from")))?;
    let clause: Vec<&Piece> = pieces[from + 1..]
        .iter()
        .take_while(|p| {
            !matches!(p, Piece::Word(w) if CLAUSE_ENDS.iter().any(|e| w.eq_ignore_ascii_case(e)))
        })
        .collect();
    let in_comments = clause.iter().find_map(|p| match p {
        Piece::Comment(c) => ip_in_comment(c),
        Piece::Word(_) => None,
    });
    in_comments.or_else(|| {
        clause.iter().find_map(|p| match p {
            Piece::Word(w) => ip_literal(w),
            Piece::Comment(_) => None,
        })
    })
}

/// The first IP in a comment that is not the HELO name.
fn ip_in_comment(comment: &str) -> Option<IpAddr> {
    let mut words = comment
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .filter(|w| !w.is_empty());
    while let Some(word) = words.next() {
        let lower = word.to_ascii_lowercase();
        if lower == "helo" || lower == "ehlo" {
            words.next();
            continue;
        }
        if lower.starts_with("helo=") || lower.starts_with("ehlo=") {
            continue;
        }
        if let Some(ip) = ip_literal(word) {
            return Some(ip);
        }
    }
    None
}

/// An address as `Received` writes it: `1.2.3.4`, `[1.2.3.4]`, `[1.2.3.4]:25`,
/// `[IPv6:2001:db8::1]`, `2001:db8::1`, `[1.2.3.4].` (trailing punctuation), qmail's
/// `user@1.2.3.4` (the ident user at the address).
fn ip_literal(word: &str) -> Option<IpAddr> {
    let word = word.trim_end_matches(['.', ',']);
    let word = word.rsplit('@').next().unwrap_or(word);
    let inner = match word.strip_prefix('[') {
        Some(rest) => rest.split(']').next()?,
        None => word,
    };
    let inner = inner
        .strip_prefix("IPv6:")
        .or_else(|| inner.strip_prefix("ipv6:"))
        .unwrap_or(inner);
    inner.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn the_common_forms() {
        for (value, expected) in [
            // Postfix
            ("from mail.x.com (mail.x.com [198.51.100.7]) by mx.example.org (Postfix) with ESMTPS id 4ABC; Mon, 1 Jan 2024 00:00:00 +0000", "198.51.100.7"),
            ("from helo.x (unknown [IPv6:2001:db8::25]) by mx.example.org (Postfix) with ESMTP id X", "2001:db8::25"),
            // Sendmail, with the forged-HELO note
            ("from helo.x (rdns.x [198.51.100.7] (may be forged)) by mx.example.org (8.15.2/8.15.2) with ESMTP id x", "198.51.100.7"),
            // Gmail
            ("from mail.x.com (mail.x.com. [209.85.220.41]) by mx.google.com with ESMTPS id x for <a@b.c>", "209.85.220.41"),
            // Exim with and without reverse DNS
            ("from mail.x.com ([198.51.100.7]:50952 helo=claimed.example) by mx.example.org with esmtps (TLS1.3) (Exim 4.96) id 1q", "198.51.100.7"),
            ("from [198.51.100.7] (port=50952 helo=claimed.example) by mx.example.org with esmtp (Exim 4.96) id 1q", "198.51.100.7"),
            // Exchange / Microsoft 365
            ("from DM6PR01MB1234.prod.outlook.com (2603:10b6:5:1a0::12) by BN6PR01MB5678.prod.outlook.com (2603:10b6:404:1::3) with Microsoft SMTP Server", "2603:10b6:5:1a0::12"),
            ("from mail.x.com (203.0.113.9) by EX01.corp.example (10.0.0.5) with Microsoft SMTP Server id 15.1", "203.0.113.9"),
            // qmail
            ("from unknown (HELO mail.x.com) (203.0.113.9) by mx.example.org with SMTP; 1 Jan 2024", "203.0.113.9"),
            // an address-literal host and nothing in comments
            ("from [203.0.113.9] by mx.example.org with SMTP", "203.0.113.9"),
            ("from [IPv6:2001:db8::7] by mx.example.org", "2001:db8::7"),
            // fetchmail; qmail's ident user at the address
            ("from pop.example.net [198.51.100.3] by localhost with POP3 (fetchmail-5.9.0)", "198.51.100.3"),
            ("from unknown (HELO x) (user@198.51.100.4) by 0 with SMTP", "198.51.100.4"),
        ] {
            assert_eq!(sending_ip(value), ip(expected), "{value}");
        }
    }

    #[test]
    fn near_misses() {
        for value in [
            // No from clause: a hand-off inside one host.
            "by 2002:a05:6a10:1234::5 with SMTP id x; Mon, 1 Jan 2024",
            "(qmail 12345 invoked from network); 1 Jan 2024 00:00:00 -0000",
            "from userid 1000 by host.example with local",
            // The IP of `by` is not the sender's.
            "from mail.x.com by mx.example.org (198.51.100.1) with SMTP",
            // Only the HELO names an address: the sender's claim.
            "from unknown (HELO [203.0.113.9]) by mx.example.org with SMTP",
            "from x.example (helo=203.0.113.9) by mx.example.org",
            // An IP in the date part.
            "from x.example by mx.example.org; 1 Jan 2024 (203.0.113.9)",
            "",
            "from",
            "from (((((",
        ] {
            assert_eq!(sending_ip(value), None, "{value:?}");
        }
    }

    #[test]
    fn a_claimed_literal_host_gives_way_to_the_recorded_peer() {
        assert_eq!(
            sending_ip("from [203.0.113.9] (rdns.x [198.51.100.7]) by mx.example.org"),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn internal_addresses() {
        for internal in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "fc00::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in [
            "11.0.0.1",
            "172.32.0.1",
            "172.15.255.255",
            "192.169.0.1",
            "100.128.0.1",
            "100.63.255.255",
            "198.51.100.7",
            "2001:db8::1",
            "fec0::1",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn origin_skips_internal_and_trusted_hops_and_stops_at_the_first_other() {
        let chain = [
            "from mx1.corp.example (mx1.corp.example [10.0.0.5]) by store.corp.example with LMTP",
            "by mx1.corp.example with ESMTP (internal hand-off)",
            "from edge.corp.example (edge.corp.example [192.0.2.10]) by mx1.corp.example",
            "from mail.sender.example (mail.sender.example [198.51.100.7]) by edge.corp.example",
            "from forged.example (forged.example [203.0.113.66]) by mail.sender.example",
        ];
        let trusted: Vec<IpNet> = vec!["192.0.2.0/24".parse().unwrap()];
        assert_eq!(origin_ip(&chain, &trusted), ip("198.51.100.7"));
        assert_eq!(origin_ip(&chain, &[]), ip("192.0.2.10"));
        assert_eq!(origin_ip(&chain[..2], &[]), None);
        assert_eq!(origin_ip(&[], &[]), None);
    }
}
