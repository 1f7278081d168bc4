use url::Url;

use super::origin;
use crate::corpora_for_tests::corpus_files;
use crate::search::links::urls_in_text;

/// What the rules read of a link: its scheme and host, as the whole link parses.
fn read_whole(link: &str) -> Option<(String, Option<String>)> {
    let url = Url::parse(link).ok()?;
    Some((url.scheme().to_string(), url.host_str().map(str::to_string)))
}

fn read_origin(link: &str) -> Option<(String, Option<String>)> {
    let url = Url::parse(&origin(link)).ok()?;
    Some((url.scheme().to_string(), url.host_str().map(str::to_string)))
}

#[test]
fn the_origin_parses_to_the_scheme_and_host_of_the_whole_link() {
    let links = [
        "http://example.com/a/b?c=d#e",
        "HTTPS://WWW.Example.COM./x",
        "http://user:pass@host.example:8080/p",
        "http://good.example#@evil.example",
        "http://good.example?next=http://evil.example/",
        "http://good.example\\@evil.example/",
        "http:\\\\evil.example\\path",
        "http:evil.example/no-slashes",
        "http:///three.example/",
        "http://[2001:db8::1]:443/x",
        "http://192.0.2.1/login",
        "http://0xC0.0.2.1/",
        "http://%65vil.example/",
        "http://xn--pypal-4ve.com/",
        "http://päypal.example/",
        "http://exa mple.com/",
        "http://bad port.example:99999/",
        "http://host.example:/",
        "http://",
        "http:",
        "https://a.example?q",
        "https://a.example#frag",
        "  http://lead.example/",
        "http://ex\tample.com/",
        "http:\n//newline.example/",
        "mailto:someone@example.com?subject=hi",
        "javascript:alert('//x')",
        "www.example.com:8080/x",
        "ftp://files.example/pub",
        "no scheme at all",
        "http://user@/path",
        "http://a.example/%%%zz",
    ];
    for link in links {
        assert_eq!(read_origin(link), read_whole(link), "{link:?}");
    }
}

/// Every bare URL of real mail reads the same: the bodies of the phishing corpus, where
/// links are long, odd and hostile.
#[test]
fn real_links_read_the_same_as_parsed_whole() {
    let mut compared = 0;
    for file in corpus_files("phishing-pot/email").iter().take(1500) {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        for link in urls_in_text(&text) {
            assert_eq!(
                read_origin(&link),
                read_whole(&link),
                "{link:?} in {file:?}"
            );
            compared += 1;
        }
    }
    assert!(compared > 5_000, "only {compared} links compared");
}

/// An href is read as browsers read it, without its tabs and newlines; one without any
/// is read as written.
#[test]
fn hrefs_are_read_without_tabs_and_newlines() {
    use crate::message::decoded::{Decoded, Html};
    let html = "<a href=\"http://ex\tam\r\nple.com/a\nb\">x</a> \
                <a href=\"https://plain.example/p?q=1\">y</a>";
    let d = Decoded {
        html: vec![Html {
            attachment: false,
            path: "1".into(),
            html: html.into(),
        }],
        ..Decoded::default()
    };
    let links = super::Links::read(&d);
    let urls: Vec<&str> = links.urls.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        urls,
        ["http://example.com/ab", "https://plain.example/p?q=1"]
    );
    assert_eq!(links.hosts(), ["example.com", "plain.example"]);
}
