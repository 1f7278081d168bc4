//! Notify: the plain-text summary mail sent over SMTP when a run ends
//! (`--notify-email ADDR --smtp HOST:PORT`).
//!
//! [`send`] hands one [`Notification`] to an SMTP relay over plain TCP: greeting, `EHLO`,
//! `MAIL FROM`, `RCPT TO`, `DATA`, `QUIT`, each reply checked. Every step has a timeout
//! (connect, read, write: [`TIMEOUT`]), so an unreachable or silent relay costs the run at
//! most that long per step, never a hang (name resolution is the system resolver's, with
//! its own timeouts).
//!
//! Out of scope for now: TLS (`STARTTLS`, implicit TLS on 465) and `AUTH`. The relay must
//! accept mail from this host without them, as an internal relay or a local MTA does.
//! Also not done: falling back to `HELO` when a server refuses `EHLO` (RFC 5321 says a
//! client *should*; every relay in use today speaks `EHLO`), so such a server gives a
//! [`NotifyError::Rejected`] that says so.
//!
//! The message: `Date`, `From`, `To`, `Subject` (RFC 2047-encoded when it is not ASCII),
//! `Message-ID` (on the sender's domain), `MIME-Version: 1.0`,
//! `Content-Type: text/plain; charset=utf-8`, `Auto-Submitted: auto-generated` (RFC 3834:
//! no vacation replies to a robot), and `Content-Transfer-Encoding: 7bit` when the body is
//! plain ASCII with short lines, `quoted-printable` otherwise, so no relay needs 8BITMIME.
//! The body is sent as lines: every line break becomes CRLF and a missing final one is
//! added; a line that starts with "." is dot-stuffed on the wire (RFC 5321 4.5.2).
//!
//! Why `lettre` and not an SMTP client of our own: the rule is that a well-kept crate made
//! for the job beats code we write unless it is too heavy or wrong. `lettre` (0.11, MIT) is
//! the Rust mail crate; with only its `smtp-transport` and `builder` features it brings no
//! TLS crate, no async runtime and no ICU4X (its `idna`/`url` are the ones we already build,
//! on the light `idna_adapter`). It and its new dependencies are 8 small crates, 7.6 s of
//! compiler time in our tree (10.4 s alone and cold; `nom` 3.5 s, `lettre` 2.4 s, the rest
//! under 1 s each), built beside `parquet` (25 s) rather than after it. What we would
//! otherwise write and keep correct: multi-line and over-long replies, dot-stuffing, header
//! folding, RFC 2047 words, quoted-printable, address syntax and IDN domains. We use its
//! [`SmtpConnection`] step by step (not `SmtpTransport::send`) so that an error names the
//! command the server refused.

use std::collections::hash_map::RandomState;
use std::error::Error as _;
use std::hash::{BuildHasher, Hasher};
use std::net::Ipv6Addr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lettre::message::header::{
    ContentTransferEncoding, ContentType, HeaderName, HeaderValue, MIME_VERSION_1_0,
};
use lettre::message::{Body, Mailbox, MessageBuilder};
use lettre::transport::smtp::client::SmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailParameter};
use lettre::Address;

#[cfg(test)]
mod tests;

/// How long connecting, and then each read or write, may take before [`send`] gives up.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// One mail to send: where to, from whom, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The relay, "HOST:PORT" (see [`parse_server`]).
    pub smtp: String,
    /// The sender, "addr@domain" or "Name <addr@domain>"; also the envelope sender.
    /// Its domain names this host in `EHLO` and in the `Message-ID`, so the caller's
    /// default `mailsweep@<hostname>` is the right thing.
    pub from: String,
    /// The recipient, "addr@domain" or "Name <addr@domain>".
    pub to: String,
    /// The subject, any Unicode.
    pub subject: String,
    /// The plain-text body, any Unicode; line breaks may be LF or CRLF.
    pub body: String,
}

/// Why a notification was not sent.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The `--smtp` value is not "HOST:PORT".
    #[error("bad SMTP server \"{value}\": {reason} (expected HOST:PORT, e.g. smtp.example:25 or [::1]:2525)")]
    BadServer { value: String, reason: String },
    /// The sender or recipient is not a mail address.
    #[error("bad {role} address \"{value}\": {reason}")]
    BadAddress {
        /// "sender" or "recipient".
        role: &'static str,
        value: String,
        reason: String,
    },
    /// The mail could not be put together (not expected once the addresses parse).
    #[error("cannot build the notification mail: {0}")]
    Message(String),
    /// No SMTP session: name resolution, the TCP connection, or the wait for the greeting
    /// failed.
    #[error("cannot connect to {server}: {reason}")]
    Connect { server: String, reason: String },
    /// The server answered a step with a 4xx or 5xx reply; `reply` is its code and text.
    #[error("SMTP server rejected {step}: {reply}")]
    Rejected {
        server: String,
        /// What was refused, e.g. "RCPT TO <x@example.org>" or "the message".
        step: String,
        reply: String,
    },
    /// The session broke off (closed connection, timeout, garbled reply) at `step`.
    #[error("SMTP session with {server} failed at {step}: {reason}")]
    Session {
        server: String,
        step: String,
        reason: String,
    },
    /// An address is not ASCII and the server does not offer SMTPUTF8 (RFC 6531).
    #[error("SMTP server {server} cannot take the non-ASCII address <{address}> (no SMTPUTF8)")]
    NeedsSmtpUtf8 { server: String, address: String },
}

/// Checks a recipient address before anything runs (a run that ends with a mail that
/// cannot be addressed should fail at the start, not after hours).
pub fn check_recipient(value: &str) -> Result<(), NotifyError> {
    parse_mailbox("recipient", value).map(|_| ())
}

/// Sends `n` (see the module doc for what goes over the wire).
pub fn send(n: &Notification) -> Result<(), NotifyError> {
    send_with_timeout(n, TIMEOUT)
}

/// [`send`] with `timeout` for connecting and for each read or write instead of
/// [`TIMEOUT`]. For callers that cannot wait a minute on a silent relay: the tests in
/// `tests/notify.rs` use half a second to see the timeout error without slowing the suite.
pub fn send_with_timeout(n: &Notification, timeout: Duration) -> Result<(), NotifyError> {
    let (host, port) = parse_server(&n.smtp)?;
    let from = parse_mailbox("sender", &n.from)?;
    let to = parse_mailbox("recipient", &n.to)?;
    let mut message = build_message(n, &from, &to)?;
    // lettre ends DATA with "\r\n.\r\n"; the first CRLF is the last line's own (RFC 5321
    // 4.1.1.4), so leave it off the message or the relay would see an extra empty line.
    if message.ends_with(b"\r\n") {
        message.truncate(message.len() - 2);
    }

    let server = n.smtp.as_str();
    let hello = ClientId::Domain(ascii_domain(from.email.domain()));
    let mut conn =
        SmtpConnection::connect((host.as_str(), port), Some(timeout), &hello, None, None).map_err(
            |e| match reply_of(&e) {
                Some((500 | 501 | 502 | 504, reply)) => NotifyError::Rejected {
                    server: server.to_owned(),
                    step: format!("EHLO {hello} (and HELO is not tried)"),
                    reply,
                },
                Some((_, reply)) => NotifyError::Rejected {
                    server: server.to_owned(),
                    step: "the connection".to_owned(),
                    reply,
                },
                None => NotifyError::Connect {
                    server: server.to_owned(),
                    reason: describe(&e, timeout),
                },
            },
        )?;

    let result = transaction(&mut conn, server, &from.email, &to.email, &message, timeout);
    if result.is_ok() {
        // The relay has taken the mail; a failed goodbye changes nothing.
        let _ = conn.quit();
    } else {
        conn.abort();
    }
    result
}

/// MAIL FROM, RCPT TO, DATA and the message, on an open session.
fn transaction(
    conn: &mut SmtpConnection,
    server: &str,
    from: &Address,
    to: &Address,
    message: &[u8],
    timeout: Duration,
) -> Result<(), NotifyError> {
    let fail = |step: String, e: lettre::transport::smtp::Error| match reply_of(&e) {
        Some((_, reply)) => NotifyError::Rejected {
            server: server.to_owned(),
            step,
            reply,
        },
        None => NotifyError::Session {
            server: server.to_owned(),
            step,
            reason: describe(&e, timeout),
        },
    };

    let mut mail_options = Vec::new();
    for address in [from, to] {
        if !address.to_string().is_ascii() {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Err(NotifyError::NeedsSmtpUtf8 {
                    server: server.to_owned(),
                    address: address.to_string(),
                });
            }
            if mail_options.is_empty() {
                mail_options.push(MailParameter::SmtpUtfEight);
            }
        }
    }
    conn.command(Mail::new(Some(from.clone()), mail_options))
        .map_err(|e| fail(format!("MAIL FROM <{from}>"), e))?;
    conn.command(Rcpt::new(to.clone(), Vec::new()))
        .map_err(|e| fail(format!("RCPT TO <{to}>"), e))?;
    conn.command(Data).map_err(|e| fail("DATA".to_owned(), e))?;
    conn.message(message)
        .map_err(|e| fail("the message".to_owned(), e))?;
    Ok(())
}

/// Parses "HOST:PORT" (also "[::1]:2525"); a bad value is a [`NotifyError::BadServer`]
/// naming it.
///
/// HOST is a DNS name (an internationalised one comes back in its ASCII form), an IPv4
/// address, or an IPv6 address in brackets; the host returned is ready for
/// `ToSocketAddrs` (no brackets). PORT is 1 to 65535 and must be given: SMTP relays listen
/// on 25, 587 or a port of their own, and a guess would hide a typo.
pub fn parse_server(s: &str) -> Result<(String, u16), NotifyError> {
    let bad = |reason: &str| NotifyError::BadServer {
        value: s.to_owned(),
        reason: reason.to_owned(),
    };
    if s.is_empty() {
        return Err(bad("empty"));
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (inside, after) = rest
            .split_once(']')
            .ok_or_else(|| bad("no closing \"]\" after the IPv6 address"))?;
        let ip: Ipv6Addr = inside
            .parse()
            .map_err(|_| bad(&format!("\"{inside}\" is not an IPv6 address")))?;
        let port = after
            .strip_prefix(':')
            .ok_or_else(|| bad("no \":PORT\" after the address"))?;
        (ip.to_string(), port)
    } else {
        let (host, port) = s
            .rsplit_once(':')
            .ok_or_else(|| bad("no \":PORT\" (relays listen on 25, 587 or their own port)"))?;
        if host.contains(':') {
            return Err(bad("an IPv6 address needs brackets, as in [::1]:25"));
        }
        if host.is_empty() {
            return Err(bad("no host before the \":\""));
        }
        let host = match url::Host::parse(host) {
            Ok(url::Host::Domain(d)) => d,
            Ok(url::Host::Ipv4(ip)) => ip.to_string(),
            Ok(url::Host::Ipv6(_)) => return Err(bad("an IPv6 address needs brackets")),
            Err(e) => return Err(bad(&format!("bad host \"{host}\": {e}"))),
        };
        (host, port)
    };
    if port.is_empty() {
        return Err(bad("no port after the \":\""));
    }
    match port.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad(&format!("\"{port}\" is not a port (1 to 65535)"))),
        Ok(port) => Ok((host, port)),
    }
}

fn parse_mailbox(role: &'static str, value: &str) -> Result<Mailbox, NotifyError> {
    let bad = |reason: String| NotifyError::BadAddress {
        role,
        value: value.to_owned(),
        reason,
    };
    // lettre's parser takes one whole mailbox: a list, trailing words or a comment fail.
    value
        .trim()
        .parse()
        .map_err(|e: lettre::address::AddressError| {
            bad(format!(
                "{e} (give one address, as a@b.example or Name <a@b.example>)"
            ))
        })
}

fn build_message(n: &Notification, from: &Mailbox, to: &Mailbox) -> Result<Vec<u8>, NotifyError> {
    let mut text = n.body.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    // 7bit when the body allows it, else quoted-printable: readable in the raw mail and
    // fine on relays without 8BITMIME. (lettre's own pick may be base64.)
    let body = match Body::new_with_encoding(text, ContentTransferEncoding::SevenBit) {
        Ok(body) => body,
        Err(bytes) => {
            let text = String::from_utf8(bytes).expect("a String comes back as it went in");
            Body::new_with_encoding(text, ContentTransferEncoding::QuotedPrintable)
                .map_err(|_| NotifyError::Message("quoted-printable refused the body".into()))?
        }
    };
    let auto_submitted = HeaderValue::new(
        HeaderName::new_from_ascii_str("Auto-Submitted"),
        "auto-generated".to_owned(),
    );
    let message = MessageBuilder::new()
        .from(from.clone())
        .to(to.clone())
        .subject(n.subject.as_str())
        .date_now()
        .message_id(Some(message_id(&ascii_domain(from.email.domain()))))
        .header(MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        .raw_header(auto_submitted)
        .body(body)
        .map_err(|e| NotifyError::Message(e.to_string()))?;
    Ok(message.formatted())
}

/// The domain of a mail address as EHLO and Message-ID want it: ASCII (punycode for an
/// internationalised name); an address literal such as "[192.0.2.1]" stays as it is.
fn ascii_domain(domain: &str) -> String {
    if domain.is_ascii() {
        return domain.to_owned();
    }
    match url::Host::parse(domain) {
        Ok(url::Host::Domain(d)) => d,
        _ => "localhost".to_owned(),
    }
}

/// A fresh `<…@domain>`: time, process, a counter and per-process randomness.
fn message_id(domain: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(count);
    let random = hasher.finish();
    format!(
        "<{nanos:x}.{:x}.{count:x}.{random:016x}@{domain}>",
        std::process::id()
    )
}

/// The code and text of a negative reply, e.g. (550, "550 5.1.1 no such user").
fn reply_of(e: &lettre::transport::smtp::Error) -> Option<(u16, String)> {
    let code = e.status()?;
    let text = e.source().map(|s| s.to_string()).unwrap_or_default();
    let code_text = code.to_string();
    let reply = if text.is_empty() {
        code_text.clone()
    } else {
        format!("{code_text} {text}")
    };
    Some((code_text.parse().unwrap_or(0), reply))
}

/// What went wrong below the SMTP replies: the innermost cause, with timeouts said plainly.
fn describe(e: &lettre::transport::smtp::Error, timeout: Duration) -> String {
    let mut innermost: &dyn std::error::Error = e;
    let mut cause = e.source();
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                return format!("no answer within {} s", timeout.as_secs_f64());
            }
        }
        innermost = c;
        cause = c.source();
    }
    match innermost.to_string() {
        s if s == "incomplete response" => "the server closed the connection".to_owned(),
        s => s,
    }
}
