//! A scripted SMTP server for tests: one connection on 127.0.0.1, std only.
//!
//! Shared by `tests/notify.rs` (the SMTP client) and `tests/search_cli.rs` (the mail a
//! search sends); each includes it with `#[path = "common/smtp_sink.rs"] mod smtp_sink;`.
//!
//! ```ignore
//! let sink = SmtpSink::start(Script::default())?;    // listening on 127.0.0.1:<free port>
//! send(&Notification { smtp: sink.server(), .. })?;  // the client under test
//! let got = sink.finish();                           // what the client sent
//! assert_eq!(got.rcpt_to, ["soc@example.org"]);
//! ```
//!
//! It takes one client, answers from a [`Script`] (by default: greeting 220, a multi-line
//! 250 to EHLO, 250 to MAIL/RCPT, 354 to DATA, 250 after the data, 221 to QUIT) and
//! records the session in [`Received`]: the envelope, the message with dot-stuffing undone,
//! the raw DATA bytes as they came, every command line, and whether any line ended in a
//! bare LF. A reply is the text written back, CRLF added; a multi-line one is written
//! with "\r\n" between its lines ("250-one\r\n250 two"). It gives up on a client silent
//! for [`SmtpSink::READ_TIMEOUT`], so a broken client fails a test instead of hanging it.
#![allow(dead_code)] // each test binary uses its own subset

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

/// The replies the server gives. `None` for `greeting`: say nothing at all (a hung relay).
#[derive(Debug, Clone)]
pub struct Script {
    pub greeting: Option<String>,
    pub ehlo: String,
    pub helo: String,
    pub mail: String,
    pub rcpt: String,
    pub data: String,
    pub end_of_data: String,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            greeting: Some("220 sink.test ESMTP scripted sink".into()),
            ehlo: "250-sink.test greets you\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n\
                   250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8"
                .into(),
            helo: "250 sink.test".into(),
            mail: "250 2.1.0 sender ok".into(),
            rcpt: "250 2.1.5 recipient ok".into(),
            data: "354 end data with <CR><LF>.<CR><LF>".into(),
            end_of_data: "250 2.0.0 queued as 4711".into(),
        }
    }
}

/// What the client did, in order of the session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// Every line the client sent outside DATA, without its line end.
    pub commands: Vec<String>,
    /// The EHLO (or HELO) argument.
    pub hello: Option<String>,
    /// The MAIL FROM address, without angle brackets.
    pub mail_from: Option<String>,
    /// Parameters after MAIL FROM:<…>, e.g. "SMTPUTF8".
    pub mail_params: Vec<String>,
    /// Each RCPT TO address, accepted or not, without angle brackets.
    pub rcpt_to: Vec<String>,
    /// The message: DATA lines up to the lone ".", dot-stuffing undone, CRLFs kept.
    pub message: Option<Vec<u8>>,
    /// The DATA bytes as they came, stuffed, with the final ".\r\n".
    pub raw_data: Option<Vec<u8>>,
    /// Whether the client said QUIT.
    pub quit: bool,
    /// Whether any line ended in LF without CR (an SMTP client must send CRLF).
    pub bare_lf: bool,
}

/// The running server; [`SmtpSink::finish`] joins it and gives the [`Received`].
pub struct SmtpSink {
    addr: SocketAddr,
    thread: JoinHandle<io::Result<Received>>,
}

impl SmtpSink {
    /// How long the server waits for a line from the client.
    pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

    /// Binds 127.0.0.1:0 and serves one connection on a thread.
    pub fn start(script: Script) -> io::Result<SmtpSink> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let thread = std::thread::spawn(move || {
            let (stream, _) = listener.accept()?;
            serve(stream, &script)
        });
        Ok(SmtpSink { addr, thread })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// "127.0.0.1:PORT", as `--smtp` takes it.
    pub fn server(&self) -> String {
        self.addr.to_string()
    }

    /// Waits for the session to end; panics if the server thread failed.
    pub fn finish(self) -> Received {
        match self.thread.join() {
            Ok(Ok(received)) => received,
            Ok(Err(e)) => panic!("SMTP sink failed: {e}"),
            Err(_) => panic!("SMTP sink thread panicked"),
        }
    }
}

fn serve(stream: TcpStream, script: &Script) -> io::Result<Received> {
    stream.set_read_timeout(Some(SmtpSink::READ_TIMEOUT))?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    let mut got = Received::default();
    let mut reply = |text: &str| -> io::Result<()> {
        out.write_all(text.as_bytes())?;
        out.write_all(b"\r\n")?;
        out.flush()
    };

    let Some(greeting) = &script.greeting else {
        // Hold the connection, say nothing, until the client gives up and closes.
        let mut sink = Vec::new();
        let _ = io::copy(&mut input, &mut sink);
        return Ok(got);
    };
    reply(greeting)?;

    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(got); // closed without QUIT
        }
        let text = strip_line_end(&line, &mut got.bare_lf);
        let text = String::from_utf8_lossy(text).into_owned();
        got.commands.push(text.clone());
        let verb = text
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let arg = text.get(verb.len()..).unwrap_or_default().trim().to_owned();
        match verb.as_str() {
            "EHLO" => {
                got.hello = Some(arg);
                reply(&script.ehlo)?;
            }
            "HELO" => {
                got.hello = Some(arg);
                reply(&script.helo)?;
            }
            "MAIL" => {
                let (address, params) = path_of(&text);
                got.mail_from = address;
                got.mail_params = params;
                reply(&script.mail)?;
            }
            "RCPT" => {
                if let (Some(address), _) = path_of(&text) {
                    got.rcpt_to.push(address);
                }
                reply(&script.rcpt)?;
            }
            "DATA" => {
                reply(&script.data)?;
                if !script.data.starts_with("354") {
                    continue;
                }
                let (message, raw) = read_data(&mut input, &mut got.bare_lf)?;
                got.message = Some(message);
                got.raw_data = Some(raw);
                reply(&script.end_of_data)?;
            }
            "RSET" | "NOOP" => reply("250 2.0.0 ok")?,
            "QUIT" => {
                got.quit = true;
                reply("221 2.0.0 bye")?;
                return Ok(got);
            }
            _ => reply("500 5.5.2 command not recognized")?,
        }
    }
}

/// The line without its CRLF (or bare LF, which is noted).
fn strip_line_end<'a>(line: &'a [u8], bare_lf: &mut bool) -> &'a [u8] {
    if let Some(text) = line.strip_suffix(b"\r\n") {
        text
    } else if let Some(text) = line.strip_suffix(b"\n") {
        *bare_lf = true;
        text
    } else {
        line
    }
}

/// "MAIL FROM:<a@b> SMTPUTF8" → (Some("a@b"), ["SMTPUTF8"]).
fn path_of(command: &str) -> (Option<String>, Vec<String>) {
    let Some(open) = command.find('<') else {
        return (None, Vec::new());
    };
    let Some(close) = command[open..].find('>').map(|i| open + i) else {
        return (None, Vec::new());
    };
    let params = command[close + 1..]
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    (Some(command[open + 1..close].to_owned()), params)
}

/// DATA lines up to a lone "." (RFC 5321 4.1.1.4); a leading "." is dropped from the others
/// (4.5.2). Returns (message, raw bytes).
fn read_data(input: &mut impl BufRead, bare_lf: &mut bool) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut message = Vec::new();
    let mut raw = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "client closed inside DATA",
            ));
        }
        raw.extend_from_slice(&line);
        let mut lf = false;
        let text = strip_line_end(&line, &mut lf);
        *bare_lf |= lf;
        if text == b"." {
            return Ok((message, raw));
        }
        let text = text.strip_prefix(b".").unwrap_or(text);
        message.extend_from_slice(text);
        message.extend_from_slice(b"\r\n");
    }
}
