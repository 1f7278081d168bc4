//! The one way text gets into a report: [`Html`] takes markup only as `&'static str`
//! (our own literals) and everything else through [`Html::text`], which escapes it for
//! both HTML text and quoted attribute values. A string from a message therefore cannot
//! reach the page unescaped: the type does not allow it.
//!
//! Escaping, beyond the five HTML-significant characters:
//! - C0 controls (NUL included) show as their Unicode Control Pictures (`␀`, `␛`…) and
//!   DEL as `␡`, C1 controls as U+FFFD: a responder sees that a control was there, and
//!   the HTML parser never meets a character it would drop or treat specially;
//! - bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)
//!   show as `[U+202E]`: a right-to-left override cannot disguise `exe.pdf` or reorder a
//!   line of the report;
//! - U+2028 and U+2029 become character references, so the file's bytes never hold a
//!   raw line or paragraph separator;
//! - tab, LF and CR stay (whitespace to HTML).
//!
//! Invalid UTF-8 never reaches here: the tables hold UTF-8, and stored bytes are made
//! text lossily (U+FFFD) before they are shown (`stored.rs`).

/// An HTML document being written.
#[derive(Debug, Default)]
pub struct Html {
    out: String,
}

impl Html {
    /// Our own markup.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Any text, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.out, text);
        self
    }

    /// A number (digits need no escaping).
    pub fn num(&mut self, n: impl Into<i128>) -> &mut Self {
        self.out.push_str(&n.into().to_string());
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Appends `text` escaped for HTML text and double- or single-quoted attribute values.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{0}'..='\u{1f}' => out.push(control_picture(c)),
            '\u{7f}' => out.push('\u{2421}'),
            '\u{80}'..='\u{9f}' => out.push('\u{fffd}'),
            '\u{2028}' => out.push_str("&#x2028;"),
            '\u{2029}' => out.push_str("&#x2029;"),
            '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("[U+{:04X}]", u32::from(c)));
            }
            _ => out.push(c),
        }
    }
}

/// U+2400 + the control's code (`␀` for NUL, `␛` for ESC).
fn control_picture(c: char) -> char {
    char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escape(text: &str) -> String {
        let mut out = String::new();
        escape_into(&mut out, text);
        out
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape(r#"<script>alert('x')</script> & "q""#),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        // An attribute break-out attempt stays inside the value.
        assert_eq!(
            escape(r#""><img src=x onerror=alert(1)>"#),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        // Already-escaped text is escaped again, not trusted.
        assert_eq!(escape("&lt;b&gt;"), "&amp;lt;b&amp;gt;");
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(escape("a\0b"), "a\u{2400}b");
        assert_eq!(escape("\u{1b}[31m"), "\u{241b}[31m");
        assert_eq!(escape("\u{7f}\u{85}\u{9f}"), "\u{2421}\u{fffd}\u{fffd}");
        assert_eq!(escape("a\tb\r\nc"), "a\tb\r\nc");
        assert_eq!(escape("x\u{2028}y\u{2029}"), "x&#x2028;y&#x2029;");
    }

    #[test]
    fn bidi_controls_are_named() {
        assert_eq!(escape("invoice\u{202e}fdp.exe"), "invoice[U+202E]fdp.exe");
        assert_eq!(escape("\u{2066}a\u{2069}"), "[U+2066]a[U+2069]");
        assert_eq!(escape("\u{200f}"), "[U+200F]");
    }

    #[test]
    fn output_never_holds_a_raw_markup_or_control_character() {
        let hostile: String = (0u32..0x3000)
            .filter_map(char::from_u32)
            .chain("<>&\"'".chars())
            .collect();
        let escaped = escape(&hostile);
        for c in escaped.chars() {
            assert!(!"<>\"'".contains(c), "raw {c:?}");
            assert!(
                !c.is_control() || "\t\n\r".contains(c),
                "raw control {:?}",
                c
            );
            assert!(!matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}'
            ));
        }
        // Every `&` starts one of our references.
        for (i, _) in escaped.match_indices('&') {
            let rest = &escaped[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x2028;", "&#x2029;"]
                    .iter()
                    .any(|r| rest.starts_with(r)),
                "{rest:.10}"
            );
        }
    }

    #[test]
    fn the_builder_escapes_text_and_keeps_markup() {
        let mut h = Html::default();
        h.raw("<p>").text("<b>").num(42u8).raw("</p>");
        assert_eq!(h.finish(), "<p>&lt;b&gt;42</p>");
    }
}
