//! `mailsweep review RUN -o report.html` end to end: a search and a rescan over a tiny
//! mbox holding a hostile message (script in the subject, body and a display name,
//! remote images and links to a listener on 127.0.0.1, `javascript:` links, an
//! attachment named like markup) beside benign ones; the report's content checked by
//! hand against the messages; the same run giving the same bytes; a changed mailbox
//! warned about; and the page opened in a real headless Chromium, which must render it
//! and must neither run a script nor make a single request.
//!
//! The browser part also proves it could fail: the same page with a script and an
//! image injected past the escaper is still inert (the Content-Security-Policy), and
//! without the policy the injected script runs and the listener is hit.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;

const BENIGN: &str = "From alice@example.com Tue Jan  2 10:00:00 2024
Received: from a.example (a.example [192.0.2.1]) by mx.example.com; Tue, 2 Jan 2024 10:00:01 +0000
Received: from laptop by a.example; Tue, 2 Jan 2024 10:00:00 +0000
Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=example.com
From: =?utf-8?q?Al=C3=AFce?= <alice@example.com>
To: bob@example.com
Subject: =?utf-8?q?Quarterly_invoice_=E2=80=93_r=C3=A9sum=C3=A9?=
Date: Tue, 2 Jan 2024 10:00:00 +0000
Message-ID: <benign@example.com>

Please find the quarterly Invoice attached.

";

const OTHER: &str = "From carol@example.com Wed Jan  3 10:00:00 2024
From: carol@example.com
To: bob@example.com
Subject: Lunch
Date: Wed, 3 Jan 2024 10:00:00 +0000
Message-ID: <lunch@example.com>

Nothing to see here.
";

/// The hostile message; `PORT` is the listener's.
fn crafted(port: u16) -> String {
    "From mallory@evil.example Mon Jan  1 00:00:00 2024
Return-Path: <mallory@evil.example>
Received: from evil.example (evil.example [203.0.113.9]) by mx.example.com; Mon, 1 Jan 2024 00:00:01 +0000
Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=evil.example
From: \"\\\"><script>document.title='PWNED'</script>\" <mallory@evil.example>
Reply-To: \"javascript:alert(document.domain)\" <reply@evil.example>
To: alice@example.com
Subject: <script>document.title='PWNED'</script> invoice overdue
Date: Mon, 1 Jan 2024 00:00:00 +0000
Message-ID: <crafted@evil.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=\"b1\"

--b1
Content-Type: text/html; charset=utf-8

<html><body><script>document.title='PWNED'</script><p>Your invoice is overdue:
<a href=\"javascript:document.title='PWNED'\">pay here</a>
<img src=\"http://127.0.0.1:PORT/body.png\">
<a href=\"http://127.0.0.1:PORT/link\">http://127.0.0.1:PORT/link</a></p></body></html>
--b1
Content-Type: text/html; name=\"<img src=x onerror=document.title='PWNED'>.html\"
Content-Disposition: attachment; filename=\"<img src=x onerror=document.title='PWNED'>.html\"

<html><body><script>document.title='PWNED'</script>
<form action=\"http://127.0.0.1:PORT/steal\"><input type=\"password\" name=\"p\"></form></body></html>
--b1--

"
    .replace("PORT", &port.to_string())
}

/// A listener on 127.0.0.1 that answers every request with an empty 404 and counts the
/// connections, until dropped.
struct Listener {
    port: u16,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Listener {
    fn start() -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("address").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, halt) = (connections.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !halt.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        count.fetch_add(1, Ordering::SeqCst);
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                        let mut request = [0u8; 4096];
                        let _ = stream.read(&mut request);
                        let _ = stream.write_all(
                            b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Listener {
            port,
            connections,
            stop,
            thread: Some(thread),
        }
    }

    /// Connections so far (after a pause for any straggler to arrive).
    fn connections(&self) -> usize {
        std::thread::sleep(Duration::from_millis(300));
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    mbox: PathBuf,
    audit: PathBuf,
    listener: Listener,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    let listener = Listener::start();
    let mbox = root.join("inbox.mbox");
    let text = [
        crafted(listener.port),
        BENIGN.to_string(),
        OTHER.to_string(),
    ]
    .concat();
    std::fs::write(&mbox, text).expect("write the mbox");
    Fixture {
        _dir: dir,
        audit: root.join("audit"),
        root,
        mbox,
        listener,
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 test paths")
}

/// Runs `mailsweep review` and returns (exit code, stdout, stderr, the report).
fn review(f: &Fixture, run: &str, name: &str) -> (i32, String, String, String) {
    let out = f.root.join(name);
    let output = mailsweep(&["review", run, "--out", s(&f.audit), "-o", s(&out)]);
    let report = std::fs::read_to_string(&out).unwrap_or_default();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        report,
    )
}

fn search_run(f: &Fixture) -> Run {
    let run = search(
        &f.audit,
        "keywords",
        &[
            s(&f.mbox),
            "--value",
            "invoice",
            "--value",
            "document.title",
        ],
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    run
}

fn run_id(run: &Run) -> String {
    run.json["run_id"].as_str().expect("run_id").to_string()
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?}")) + start.len();
    let to = text[from..].find(end).map_or(text.len(), |i| from + i);
    &text[from..to]
}

#[test]
fn search_report_content_escaping_and_determinism() {
    let f = fixture();
    let run = search_run(&f);
    let id = run_id(&run);
    let (code, stdout, stderr, html) = review(&f, &id[..12], "report.html");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("(2 emails to review)"), "{stdout}");

    // Summary: 3 emails scanned, 2 matched (the crafted and the benign one), 2 values.
    let summary = between(&html, "<section id=\"summary\">", "</section>");
    for row in [
        format!("<tr><th>Run</th><td>{id}</td></tr>"),
        "<tr><th>Action</th><td>search keywords</td></tr>".into(),
        "<tr><th>Emails scanned</th><td>3</td></tr>".into(),
        "<tr><th>Emails matched</th><td>2</td></tr>".into(),
        "<tr><th>Values searched</th><td>2</td></tr>".into(),
        "<tr><th>In the manifest</th><td>review 2</td></tr>".into(),
    ] {
        assert!(summary.contains(&row), "{row} not in {summary}");
    }
    // Indicators: "invoice" is in both subjects and both bodies (4 hits in 2 emails);
    // "document.title" in the crafted subject and attachment name (its body's script is
    // not text, its HTML part's link is not a keyword place): 2 hits in 1 email.
    let indicators = between(&html, "<section id=\"indicators\">", "</section>");
    assert!(indicators.contains("<tr><td>K1</td><td>keywords</td><td class=\"mono\">invoice</td><td class=\"mono\">invoice</td><td>cli</td><td class=\"n\">2</td><td class=\"n\">4</td>"), "{indicators}");
    assert!(indicators.contains("<tr><td>K2</td><td>keywords</td><td class=\"mono\">document.title</td><td class=\"mono\">document.title</td><td>cli</td><td class=\"n\">1</td><td class=\"n\">2</td>"), "{indicators}");

    // The crafted message comes first (manifest order), its strings escaped.
    let articles: Vec<&str> = html.split("<article>").skip(1).collect();
    assert_eq!(articles.len(), 2);
    let bad = articles[0];
    assert!(bad.starts_with(
        "\n<h4>1. &lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt; invoice overdue</h4>"
    ));
    assert!(bad.contains("<tr><th>From</th><td class=\"mono\">&quot;\\&quot;&gt;&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;&quot; &lt;mallory@evil.example&gt;</td></tr>"), "{bad}");
    assert!(bad.contains("<tr><th>Reply-To</th><td class=\"mono\">&quot;javascript:alert(document.domain)&quot; &lt;reply@evil.example&gt;</td></tr>"));
    assert!(bad.contains("<tr><th>Return-Path</th>"));
    assert!(bad.contains("<tr><th>Authentication-Results</th><td class=\"mono\">mx.example.com; spf=fail smtp.mailfrom=evil.example</td></tr>"));
    assert!(bad.contains("<summary>Received (1, newest first)</summary>"));
    assert!(bad.contains("<li><span class=\"mono\">&lt;img src=x onerror=document.title=&#39;PWNED&#39;&gt;.html</span> <span class=\"note\">text/html</span></li>"), "{bad}");
    // Snippets: the value marked, the rest escaped.
    assert!(bad.contains("<td class=\"snippet\">&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt; <mark>invoice</mark> overdue</td>"), "{bad}");
    assert!(bad.contains("<td class=\"snippet\">&lt;img src=x onerror=<mark>document.title</mark>=&#39;PWNED&#39;&gt;.html</td>"), "{bad}");
    assert!(bad.contains("<p class=\"ok\">Stored bytes verified"));

    // The benign message: RFC 2047 headers decoded, two Received folded away.
    let good = articles[1];
    assert!(
        good.starts_with("\n<h4>2. Quarterly invoice – résumé</h4>"),
        "{good}"
    );
    assert!(
        good.contains(
            "<tr><th>From</th><td class=\"mono\">Alïce &lt;alice@example.com&gt;</td></tr>"
        ),
        "{good}"
    );
    assert!(good
        .contains("<tr><th>Subject</th><td class=\"mono\">Quarterly invoice – résumé</td></tr>"));
    assert!(good.contains("<summary>Received (2, newest first)</summary>"));
    assert!(good.contains("<mark>Invoice</mark> attached."), "{good}");

    // Nothing that loads or runs, anywhere in the page: every tag is one of the few the
    // page is made of (no script, image, link, frame, form, object or style attribute
    // could come from a message: its `<` are all escaped).
    let allowed = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
        "h4", "h5", "p", "code", "section", "table", "tr", "th", "td", "article", "span",
        "details", "summary", "ol", "ul", "li", "mark", "strong", "footer",
    ];
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(
            allowed.contains(&name.as_str()),
            "tag <{name}> in the page: <{tag:.40}"
        );
    }
    assert!(!html.contains(" style=") && !html.contains(" href=") && !html.contains("<a "));
    assert!(!html.contains("\0"));
    assert_eq!(html.matches("<style>").count(), 1);

    // The policy: nothing loads, the style is allowed by its hash (checked with Python's
    // hashlib and base64, not our code).
    let csp = between(
        &html,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    );
    let csp = csp.replace("&#39;", "'");
    let style = between(&html, "<style>", "</style>");
    let python = Command::new("python3")
        .args([
            "-c",
            "import sys,hashlib,base64;print(base64.b64encode(hashlib.sha256(sys.stdin.buffer.read()).digest()).decode())",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().expect("stdin").write_all(style.as_bytes())?;
            child.wait_with_output()
        })
        .expect("python3 runs");
    let hash = String::from_utf8_lossy(&python.stdout).trim().to_string();
    assert_eq!(
        csp,
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'"
        )
    );

    // Determinism: the same run, the same bytes.
    let (_, _, _, again) = review(&f, &id, "again.html");
    assert_eq!(html, again);

    // The browser.
    browser_checks(
        &f,
        &f.root.join("report.html"),
        &id,
        &["&lt;script&gt;document.title='PWNED'&lt;/script&gt; <mark>invoice</mark> overdue"],
    );
}

#[test]
fn rescan_report_shows_verdicts_and_xray() {
    let f = fixture();
    // Rules only: the counts below are worked out from the rules, not the classifier.
    let run = rescan(&f.audit, &[s(&f.mbox), "--no-classifier"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let id = run_id(&run);
    let (code, _, stderr, html) = review(&f, &id, "rescan.html");
    assert_eq!(code, 0, "{stderr}");
    let summary = between(&html, "<section id=\"summary\">", "</section>");
    assert!(
        summary.contains("<tr><th>Action</th><td>rescan</td></tr>"),
        "{summary}"
    );
    assert!(
        summary.contains("<tr><th>Emails flagged</th><td>1</td></tr>"),
        "{summary}"
    );
    assert!(
        summary.contains("<tr><th>In the manifest</th><td>jail 1</td></tr>"),
        "{summary}"
    );
    let risks = between(&html, "<section id=\"risks\">", "</section>");
    assert!(
        risks
            .contains("<tr><th>Disposition</th><td>Jail 1 · Junk 0 · Review 0 · Stays 2</td></tr>"),
        "{risks}"
    );
    assert!(risks.contains("<tr><td>Unauthorized</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">0</td></tr>"), "{risks}");
    // Only the crafted message moves: jailed for its credential-form attachment
    // (Dangerous file, high) beside its failed SPF (Unauthorized, moderate).
    let articles: Vec<&str> = html.split("<article>").skip(1).collect();
    assert_eq!(articles.len(), 1);
    let bad = articles[0];
    assert!(bad.contains("<span class=\"action jail\">jail</span>"));
    assert!(
        bad.contains("<tr><th>Verdict</th><td>jail (risk level high, unknown sender)</td></tr>"),
        "{bad}"
    );
    assert!(bad.contains("<h5>X-ray</h5>"));
    assert!(
        bad.contains(
            "<p><strong>Unauthorized</strong></p>\n<ul>\n<li><code>[auth.spf_fail]</code> "
        ),
        "{bad}"
    );
    assert!(
        bad.contains("<p><strong>Dangerous file (dangerous result)</strong></p>"),
        "{bad}"
    );
    assert!(
        bad.contains("<code>[file.html_credential_form]</code> "),
        "{bad}"
    );
    // Evidence details quote the attachment name: escaped there too.
    assert!(!bad.contains("<img"));
    browser_checks(
        &f,
        &f.root.join("rescan.html"),
        &id,
        &["<h2>Risk categories</h2>"],
    );
}

#[test]
fn a_changed_mailbox_is_warned_about_and_its_headers_hidden() {
    let f = fixture();
    let run = search_run(&f);
    let id = run_id(&run);
    // Change one byte inside the crafted message (its Reply-To), keeping the size.
    let text = std::fs::read_to_string(&f.mbox).expect("read");
    std::fs::write(&f.mbox, text.replacen("reply@evil", "reply@EVIL", 1)).expect("write");
    let (code, _, stderr, html) = review(&f, &id, "changed.html");
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("1 of 2 emails changed since the run"),
        "{stderr}"
    );
    let articles: Vec<&str> = html.split("<article>").skip(1).collect();
    let bad = articles[0];
    assert!(
        bad.contains("<p class=\"warn\">WARNING: the mailbox changed since the run."),
        "{bad}"
    );
    assert!(
        !bad.contains("<h5>Headers</h5>") && !bad.contains("reply@"),
        "{bad}"
    );
    assert!(
        bad.contains("<tr><th>From (recorded)</th><td>mallory@evil.example</td></tr>"),
        "{bad}"
    );
    // The other message is untouched and still shown.
    assert!(articles[1].contains("Stored bytes verified"));
    // A mailbox gone: unreadable, warned.
    std::fs::remove_file(&f.mbox).expect("remove");
    let (code, _, _, html) = review(&f, &id, "gone.html");
    assert_eq!(code, 3);
    assert_eq!(
        html.matches("WARNING: the stored message cannot be read again")
            .count(),
        2
    );
}

#[test]
fn unknown_run_is_a_usage_error() {
    let f = fixture();
    let (code, _, stderr, _) = review(&f, "19990101", "none.html");
    assert_eq!(code, 2, "{stderr}");
    assert!(!f.root.join("none.html").exists());
}

// --- The browser ------------------------------------------------------------------------

/// Debian's Chromium, installed with apt-get when missing (CI runs as root);
/// `None` only when it cannot be installed.
fn chromium() -> Option<PathBuf> {
    let find = || {
        ["chromium", "chromium-browser"].iter().find_map(|name| {
            let out = Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .ok()?;
            let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
        })
    };
    if let Some(found) = find() {
        return Some(found);
    }
    eprintln!("chromium is missing: trying apt-get install -y chromium");
    let _ = Command::new("apt-get")
        .args(["install", "-y", "chromium"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    find()
}

/// Opens `page` in headless Chromium: (the DOM after load, Chromium's log).
fn render(browser: &Path, page: &Path, profile: &Path) -> (String, String) {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn title(dom: &str) -> &str {
    between(dom, "<title>", "</title>")
}

/// Lines of Chromium's log where the Content-Security-Policy blocked something.
fn csp_reports(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("Content Security Policy"))
        .collect()
}

/// `expected`: text the rendered DOM must hold (as Chromium serialises it).
fn browser_checks(f: &Fixture, page: &Path, run_id: &str, expected: &[&str]) {
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED the browser check: chromium is not installed and `apt-get install -y chromium` failed");
        return;
    };
    let profile = tempfile::tempdir().expect("profile dir");
    let expected_title = format!("mailsweep review: {run_id}");

    // 1. The report renders; nothing runs, nothing loads, and the policy had nothing
    //    to block (our own style included: its hash is right).
    let (dom, log) = render(&browser, page, profile.path());
    assert_eq!(title(&dom), expected_title);
    assert!(dom.contains("<h2>Run summary</h2>"), "{dom}");
    for text in expected {
        assert!(dom.contains(text), "{text:?} not rendered: {dom}");
    }
    assert!(
        dom.contains("&lt;img src=x onerror=document.title='PWNED'&gt;.html"),
        "{dom}"
    );
    let lower = dom.to_ascii_lowercase();
    for tag in ["<script", "<img", "<a ", "<form", "<iframe"] {
        assert!(!lower.contains(tag), "{tag} element in the rendered DOM");
    }
    assert!(!title(&dom).contains("PWNED"));
    assert_eq!(csp_reports(&log), Vec::<&str>::new(), "{log}");
    assert_eq!(f.listener.connections(), 0, "the report made a request");

    // 2. Defence in depth: markup injected past the escaper is still inert.
    let html = std::fs::read_to_string(page).expect("read the report");
    let port = f.listener.port;
    let injection = format!(
        "<script>document.title='PWNED'</script><img src=\"http://127.0.0.1:{port}/injected.png\"><style>body{{background:url(http://127.0.0.1:{port}/bg.png)}}</style><footer>"
    );
    let injected = f.root.join("injected.html");
    std::fs::write(&injected, html.replacen("<footer>", &injection, 1)).expect("write");
    let (dom, log) = render(&browser, &injected, profile.path());
    assert_eq!(title(&dom), expected_title, "an injected script ran");
    assert!(
        csp_reports(&log).len() >= 2,
        "the policy blocked nothing: {log}"
    );
    assert_eq!(f.listener.connections(), 0, "an injected image loaded");

    // 3. The harness can see a script run and a request made: without the policy, the
    //    injected script changes the title and the image reaches the listener.
    let csp_meta = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        between(
            &html,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"",
            "\""
        )
    );
    let open = f.root.join("no-policy.html");
    let without = html
        .replacen(&csp_meta, "", 1)
        .replacen("<footer>", &injection, 1);
    assert!(!without.contains("Content-Security-Policy"));
    std::fs::write(&open, without).expect("write");
    let (dom, _) = render(&browser, &open, profile.path());
    assert_eq!(
        title(&dom),
        "PWNED",
        "the control page's script did not run"
    );
    assert!(
        f.listener.connections() >= 1,
        "the control page made no request"
    );
}
