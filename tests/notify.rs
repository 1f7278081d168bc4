//! The notification mail's SMTP client against a scripted server: what goes over the
//! wire, and how refusals, a closed port, a silent relay and a hang-up are reported.
//! Offline: each test talks to an [`SmtpSink`] (or a listener of its own) on 127.0.0.1,
//! through the public API of `mailsweep::notify` only.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use mailsweep::notify::{send, send_with_timeout, Notification, NotifyError};

#[path = "common/smtp_sink.rs"]
mod smtp_sink;

use smtp_sink::{Received, Script, SmtpSink};

const SUBJECT: &str = "mailsweep: run finished — 3 hits in «Zürich» mailboxes";

fn notification(smtp: String, body: &str) -> Notification {
    Notification {
        smtp,
        from: "mailsweep@sweeper.example".into(),
        to: "SOC Team <soc@example.org>".into(),
        subject: SUBJECT.into(),
        body: body.into(),
    }
}

/// Sends `n` to a sink running `script`; returns the outcome and what the sink saw.
fn run(script: Script, body: &str) -> (Result<(), NotifyError>, Received) {
    let sink = SmtpSink::start(script).unwrap();
    let result = send_with_timeout(&notification(sink.server(), body), Duration::from_secs(10));
    (result, sink.finish())
}

/// The header block and the body of a message (split at the first empty line).
fn split(message: &[u8]) -> (String, Vec<u8>) {
    let at = message
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a blank line after the headers");
    let headers = String::from_utf8(message[..at + 2].to_vec()).unwrap();
    (headers, message[at + 4..].to_vec())
}

fn has_header(headers: &str, line: &str) -> bool {
    headers.split("\r\n").any(|l| l.eq_ignore_ascii_case(line))
}

#[test]
fn sends_a_non_ascii_mail_that_decodes_byte_exact() {
    let body = "Run 2026-11-22 finished.\n\
                .hidden starts with a dot\n\
                .\n\
                ..\n\
                Mailbox: Zürich/Posteingang — 3 hits\n\
                trailing spaces kept  \n\
                a long line: "
        .to_owned()
        + &"0123456789".repeat(12)
        + "\nend";
    let (result, got) = run(Script::default(), &body);
    result.unwrap();

    assert_eq!(got.hello.as_deref(), Some("sweeper.example"));
    assert_eq!(got.mail_from.as_deref(), Some("mailsweep@sweeper.example"));
    assert!(got.mail_params.is_empty(), "{:?}", got.mail_params);
    assert_eq!(got.rcpt_to, ["soc@example.org"]);
    assert!(got.quit, "the client says QUIT: {:?}", got.commands);
    assert!(!got.bare_lf, "every line ends in CRLF");
    let message = got.message.expect("DATA was sent");
    assert!(message.is_ascii(), "7bit/QP/RFC 2047: no 8BITMIME needed");

    let (headers, _) = split(&message);
    for line in [
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "Auto-Submitted: auto-generated",
        "From: mailsweep@sweeper.example",
    ] {
        assert!(has_header(&headers, line), "{line:?} in\n{headers}");
    }
    let subject = headers
        .split("\r\nSubject: ")
        .nth(1)
        .and_then(|rest| rest.split("\r\nDate: ").next())
        .expect("a Subject header");
    assert!(
        subject.contains("=?utf-8?b?") && subject.contains("3 hits in"),
        "RFC 2047 words for the non-ASCII words only:\n{headers}"
    );

    let parsed = mail_parser::MessageParser::default()
        .parse(&message)
        .expect("the message parses");
    assert_eq!(parsed.subject(), Some(SUBJECT));
    let from = parsed.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.address(), Some("mailsweep@sweeper.example"));
    let to = parsed.to().and_then(|a| a.first()).unwrap();
    assert_eq!(to.address(), Some("soc@example.org"));
    assert_eq!(to.name(), Some("SOC Team"));
    assert!(parsed.date().is_some());
    let id = parsed.message_id().expect("a Message-ID");
    assert!(id.ends_with("@sweeper.example"), "{id}");
    // The body, decoded: the text as given, in CRLF lines, with the final line break added.
    let expected = body.replace('\n', "\r\n") + "\r\n";
    assert_eq!(parsed.body_text(0).as_deref(), Some(expected.as_str()));
}

#[test]
fn ascii_body_goes_7bit_and_dot_stuffed_byte_exact() {
    let body = "3 messages matched.\n.hidden\n.\n..\nlast line\n";
    let (result, got) = run(Script::default(), body);
    result.unwrap();

    let raw = got.raw_data.unwrap();
    let raw = String::from_utf8(raw).unwrap();
    assert!(
        raw.ends_with("\r\n\r\n3 messages matched.\r\n..hidden\r\n..\r\n...\r\nlast line\r\n.\r\n"),
        "stuffed on the wire, one terminator, no extra empty line:\n{raw:?}"
    );
    let (headers, sent_body) = split(&got.message.unwrap());
    assert!(
        has_header(&headers, "Content-Transfer-Encoding: 7bit"),
        "{headers}"
    );
    assert_eq!(sent_body, body.replace('\n', "\r\n").as_bytes());
}

#[test]
fn recipient_refused_is_an_error_with_the_reply() {
    let script = Script {
        rcpt: "550 5.1.1 <soc@example.org>: Recipient address rejected: User unknown".into(),
        ..Script::default()
    };
    let (result, got) = run(script, "body\n");
    let err = result.unwrap_err();
    assert!(matches!(err, NotifyError::Rejected { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "SMTP server rejected RCPT TO <soc@example.org>: 550 5.1.1 <soc@example.org>: \
         Recipient address rejected: User unknown"
    );
    assert_eq!(got.message, None, "no DATA after a refused recipient");
    assert!(
        got.quit,
        "the client still says goodbye: {:?}",
        got.commands
    );
}

#[test]
fn multi_line_refusal_of_the_message_keeps_every_line() {
    let script = Script {
        end_of_data: "554-5.7.1 message refused\r\n554 5.7.1 policy: no robots".into(),
        ..Script::default()
    };
    let (result, got) = run(script, "body\n");
    let err = result.unwrap_err().to_string();
    assert!(
        err.starts_with("SMTP server rejected the message: 554 "),
        "{err}"
    );
    assert!(
        err.contains("message refused") && err.contains("policy: no robots"),
        "{err}"
    );
    assert!(got.message.is_some());
}

#[test]
fn sender_refused_names_mail_from() {
    let script = Script {
        mail: "451 4.3.0 try again later".into(),
        ..Script::default()
    };
    let (result, got) = run(script, "body\n");
    let err = result.unwrap_err().to_string();
    assert_eq!(
        err,
        "SMTP server rejected MAIL FROM <mailsweep@sweeper.example>: 451 4.3.0 try again later"
    );
    assert!(got.rcpt_to.is_empty());
}

#[test]
fn greeting_refused_and_ehlo_refused_are_told_apart() {
    let script = Script {
        greeting: Some("554 5.7.1 no service for you".into()),
        ..Script::default()
    };
    let (result, _) = run(script, "body\n");
    assert_eq!(
        result.unwrap_err().to_string(),
        "SMTP server rejected the connection: 554 5.7.1 no service for you"
    );

    let script = Script {
        ehlo: "502 5.5.1 EHLO not implemented".into(),
        ..Script::default()
    };
    let (result, got) = run(script, "body\n");
    let err = result.unwrap_err().to_string();
    assert!(
        err.starts_with("SMTP server rejected EHLO sweeper.example (and HELO is not tried): 502"),
        "{err}"
    );
    assert_eq!(got.mail_from, None);
}

#[test]
fn connection_refused_is_a_clear_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = listener.local_addr().unwrap().to_string();
    drop(listener);
    let err = send(&notification(server.clone(), "body\n")).unwrap_err();
    assert!(matches!(err, NotifyError::Connect { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("cannot connect to {server}: ")),
        "{text}"
    );
    assert!(text.to_lowercase().contains("refused"), "{text}");
}

#[test]
fn a_silent_server_times_out() {
    let sink = SmtpSink::start(Script {
        greeting: None,
        ..Script::default()
    })
    .unwrap();
    let started = Instant::now();
    let err = send_with_timeout(
        &notification(sink.server(), "body\n"),
        Duration::from_millis(500),
    )
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        err.to_string(),
        format!(
            "cannot connect to {}: no answer within 0.5 s",
            sink.server()
        )
    );
    sink.finish();
}

#[test]
fn a_server_closing_early_is_a_session_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = listener.local_addr().unwrap().to_string();
    let thread = std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Write};
        let (mut stream, _) = listener.accept().unwrap();
        stream.write_all(b"220 hi\r\n").unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap(); // EHLO
        stream.write_all(b"250 ok\r\n").unwrap();
        reader.read_line(&mut line).unwrap(); // MAIL FROM
                                              // and hang up
    });
    let err = send(&notification(server.clone(), "body\n")).unwrap_err();
    thread.join().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "SMTP session with {server} failed at MAIL FROM <mailsweep@sweeper.example>: \
             the server closed the connection"
        )
    );
}

#[test]
fn named_sender_and_non_ascii_recipient() {
    let sink = SmtpSink::start(Script::default()).unwrap();
    assert!(sink.addr().ip().is_loopback());
    let n = Notification {
        smtp: sink.server(),
        from: "Mailsweep on sweeper <mailsweep@sweeper.example>".into(),
        to: "soc@bücher.example".into(),
        subject: "plain".into(),
        body: "ok".into(),
    };
    send(&n).unwrap();
    let got = sink.finish();
    assert_eq!(got.mail_from.as_deref(), Some("mailsweep@sweeper.example"));
    assert_eq!(got.rcpt_to, ["soc@bücher.example"]);
    assert_eq!(got.mail_params, ["SMTPUTF8"]);
}

#[test]
fn non_ascii_address_needs_smtputf8() {
    let script = Script {
        ehlo: "250-sink.test\r\n250 8BITMIME".into(),
        ..Script::default()
    };
    let sink = SmtpSink::start(script).unwrap();
    let mut n = notification(sink.server(), "ok");
    n.to = "soc@bücher.example".into();
    let err = send(&n).unwrap_err();
    assert!(matches!(err, NotifyError::NeedsSmtpUtf8 { .. }), "{err:?}");
    let got = sink.finish();
    assert_eq!(got.mail_from, None);
}
