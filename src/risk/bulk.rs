//! Bulk: header evidence that a message comes from a mass mailing (the seed: "source
//! and/or contents are from a mass mailing"), a mailing list, a newsletter or an
//! e-mail service provider's campaign.
//!
//! Any one signal raises Bulk, a mailing-list post from a colleague included: it reached
//! the mailbox through a list server, which is what Bulk tells a responder, and Bulk's
//! default level is Low (an insight). The signals' scores say how sure each is: an
//! unsubscribe link or a feedback-loop id is only ever added by a mass mailer; a
//! `Precedence: list` or a long recipient list can be a person's doing.
//!
//! Rules (category Bulk unless said):
//! - `bulk.list_unsubscribe` (0.9): List-Unsubscribe (RFC 2369; one-click RFC 8058 named);
//! - `bulk.feedback_id` (0.9): Feedback-ID, the feedback-loop id bulk senders add;
//! - `bulk.list_id` (0.8): List-Id (RFC 2919) or another list manager's field (List-Post,
//!   Mailman's X-BeenThere, ezmlm's and eGroups' Mailing-List, X-Mailing-List...);
//! - `bulk.esp_header` (0.8): an e-mail service provider's or campaign tool's field
//!   (X-Mailgun-*, X-SES-*, X-SG-EID, X-MC-User...), or an X-Mailer naming a bulk
//!   mailer (Accucast, Lyris ListManager, MailChimp...);
//! - `bulk.precedence` (0.8 bulk or junk, 0.7 list): the Precedence field, except on an
//!   automatic reply (Auto-Submitted: auto-replied), which some responders mark bulk
//!   so that other responders do not answer it;
//! - `bulk.many_recipients` (0.6): [`MANY_RECIPIENTS`] or more To and Cc addresses;
//! - `bulk.script_mailer` (insight, raises nothing): an X-Mailer of a scripting library
//!   (PHPMailer, PHP's mail()). Web forms, shops and password resets send one message at
//!   a time with these, and so do phishing kits: not a mass mailing by itself, but worth
//!   a line in the X-ray.

use crate::message::decoded::HeaderText;

use super::{Category, Evidence};

/// To and Cc addresses from which a message counts as a mass mailing. A meeting or a
/// project thread rarely reaches 25 people by name; a mailing sent with everybody in
/// To does.
pub const MANY_RECIPIENTS: usize = 25;

/// Characters of a header value quoted in a detail.
const DETAIL_CHARS: usize = 100;

/// Header fields of mailing-list managers (lower case).
const LIST_FIELDS: [&str; 11] = [
    "list-id",
    "list-post",
    "list-help",
    "list-subscribe",
    "x-beenthere",
    "mailing-list",
    "x-mailing-list",
    "x-list-host",
    "x-list-manager",
    "x-listprocessor-version",
    "x-ml-name",
];

/// Field-name prefixes (lower case) of e-mail service providers and campaign tools, and
/// who uses them. Transactional mail sent through these (receipts, password resets)
/// raises Bulk too: the message came from a mass-mailing service.
const ESP_PREFIXES: [(&str, &str); 17] = [
    ("x-mailgun-", "Mailgun"),
    ("x-ses-", "Amazon SES"),
    ("x-sg-eid", "SendGrid"),
    ("x-sg-id", "SendGrid"),
    ("x-sendgrid", "SendGrid"),
    ("x-mc-user", "Mailchimp"),
    ("x-mandrill-", "Mandrill"),
    ("x-mailchimp", "Mailchimp"),
    ("x-campaign", "a campaign tool"),
    ("x-rpcampaign", "Return Path"),
    ("x-csa-complaints", "Certified Senders Alliance"),
    ("x-marketo", "Marketo"),
    ("x-sfmc", "Salesforce Marketing Cloud"),
    ("x-msfbl", "SparkPost / Message Systems"),
    ("x-mailjet", "Mailjet"),
    ("x-sib-", "Brevo (Sendinblue)"),
    ("x-emarsys", "Emarsys"),
];

/// Words of X-Mailer values (lower case) that name bulk mailers and list servers.
const BULK_MAILERS: [&str; 29] = [
    "accucast",
    "listmanager",
    "lyris",
    "mailchimp",
    "mailgun",
    "sendgrid",
    "sendinblue",
    "mailjet",
    "constant contact",
    "createsend",
    "campaign monitor",
    "exacttarget",
    "stormpost",
    "quicksender",
    "group mail",
    "groupmail",
    "atlas mailer",
    "mailwizz",
    "interspire",
    "phplist",
    "acymailing",
    "mailpoet",
    "mass mail",
    "massmail",
    "bulk mail",
    "bulkmail",
    "targetmail",
    "groups message poster",
    "gammadyne",
];

/// X-Mailer words of scripting libraries: one message at a time, or thousands.
const SCRIPT_MAILERS: [&str; 2] = ["phpmailer", "php/"];

/// Header fields bulk reads (case-insensitive). Called for every field of every message:
/// no allocation.
pub fn wants(name: &str) -> bool {
    [
        "list-unsubscribe",
        "list-unsubscribe-post",
        "feedback-id",
        "precedence",
        "auto-submitted",
        "x-mailer",
    ]
    .iter()
    .chain(&LIST_FIELDS)
    .any(|f| name.eq_ignore_ascii_case(f))
        || esp_of(name).is_some()
}

/// `headers`: top-level header fields, topmost first, values decoded (see
/// [`crate::message::decoded::decode_unstructured`]); `recipients`: To + Cc addresses.
/// Adds at most one evidence per rule.
pub fn check(headers: &[HeaderText], recipients: usize, out: &mut Vec<Evidence>) {
    let field = |wanted: &str| headers.iter().find(|h| h.name.eq_ignore_ascii_case(wanted));
    if let Some(unsubscribe) = field("list-unsubscribe").filter(|h| !h.value.is_empty()) {
        let one_click = field("list-unsubscribe-post")
            .is_some_and(|h| h.value.to_ascii_lowercase().contains("one-click"));
        out.push(list_unsubscribe(unsubscribe, one_click));
    }
    if let Some(feedback) = field("feedback-id") {
        let detail = format!(
            "Feedback-ID {} (a bulk sender's feedback-loop id)",
            quoted(&feedback.value)
        );
        out.push(raise("bulk.feedback_id", detail, 0.9));
    }
    // In the order of LIST_FIELDS: List-Id names the list best.
    if let Some(list) = LIST_FIELDS.iter().find_map(|f| field(f)) {
        let detail = format!(
            "{}: {} (a mailing-list manager)",
            list.name,
            quoted(&list.value)
        );
        out.push(raise("bulk.list_id", detail, 0.8));
    }
    if let Some(evidence) = esp_header(headers) {
        out.push(evidence);
    }
    let auto_reply = field("auto-submitted")
        .is_some_and(|h| h.value.to_ascii_lowercase().starts_with("auto-replied"));
    if let Some(evidence) = field("precedence")
        .filter(|_| !auto_reply)
        .and_then(precedence)
    {
        out.push(evidence);
    }
    if recipients >= MANY_RECIPIENTS {
        let detail = format!(
            "{recipients} To and Cc addresses (from {MANY_RECIPIENTS} counts as a mass mailing)"
        );
        out.push(raise("bulk.many_recipients", detail, 0.6));
    }
    if let Some(mailer) = field("x-mailer").filter(|h| names_any(&h.value, &SCRIPT_MAILERS)) {
        let detail = format!(
            "X-Mailer {}: a scripting library (web forms, notifications; also phishing kits), not a mass mailer by itself",
            quoted(&mailer.value)
        );
        out.push(Evidence::insight("bulk.script_mailer", detail));
    }
}

fn raise(rule: &'static str, detail: String, score: f32) -> Evidence {
    Evidence {
        score,
        ..Evidence::raise(Category::Bulk, rule, detail)
    }
}

fn list_unsubscribe(field: &HeaderText, one_click: bool) -> Evidence {
    let kind = if one_click {
        "with one-click List-Unsubscribe-Post"
    } else {
        "an unsubscribe link"
    };
    let detail = format!("List-Unsubscribe {} ({kind})", quoted(&field.value));
    raise("bulk.list_unsubscribe", detail, 0.9)
}

/// The first ESP field, or else an X-Mailer naming a bulk mailer.
fn esp_header(headers: &[HeaderText]) -> Option<Evidence> {
    let esp = headers.iter().find_map(|h| {
        let who = esp_of(&h.name)?;
        Some(format!("{} header ({who})", h.name))
    });
    let mailer = || {
        headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("x-mailer"))
            .find(|h| names_any(&h.value, &BULK_MAILERS))
            .map(|h| format!("X-Mailer {} (a bulk mailer)", quoted(&h.value)))
    };
    let detail = esp.or_else(mailer)?;
    Some(raise("bulk.esp_header", detail, 0.8))
}

/// `Precedence: bulk`, `junk` or `list` (its first word; other values such as
/// `first-class` or `normal` say nothing).
fn precedence(field: &HeaderText) -> Option<Evidence> {
    let word = field.value.split_whitespace().next()?.to_ascii_lowercase();
    let score = match word.as_str() {
        "bulk" | "junk" => 0.8,
        "list" => 0.7,
        _ => return None,
    };
    let detail = format!("Precedence: {}", quoted(&field.value));
    Some(raise("bulk.precedence", detail, score))
}

/// The provider whose field `name` is (case-insensitive).
fn esp_of(name: &str) -> Option<&'static str> {
    ESP_PREFIXES
        .iter()
        .find(|(prefix, _)| {
            name.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        })
        .map(|(_, who)| *who)
}

fn names_any(value: &str, words: &[&str]) -> bool {
    let value = value.to_lowercase();
    words.iter().any(|w| value.contains(w))
}

/// A header value for a detail: at most [`DETAIL_CHARS`] characters, quoted with
/// `{:?}` (header values can hold control characters).
fn quoted(value: &str) -> String {
    let mut short: String = value.chars().take(DETAIL_CHARS).collect();
    if short.len() < value.len() {
        short.push('…');
    }
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(text: &str) -> Vec<HeaderText> {
        text.lines()
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                HeaderText {
                    name: name.to_string(),
                    value: value.trim().to_string(),
                }
            })
            .collect()
    }

    /// Rule ids raised (or noted), sorted, for headers and a recipient count.
    fn rules(text: &str, recipients: usize) -> Vec<&'static str> {
        let fields = headers(text);
        let mut out = Vec::new();
        check(&fields, recipients, &mut out);
        let mut ids: Vec<_> = out.iter().map(|e| e.rule).collect();
        ids.sort();
        ids
    }

    #[test]
    fn a_newsletter_raises_every_signal_it_carries() {
        let text = "List-Unsubscribe: <https://esp.example/u/123>, <mailto:u@esp.example>\n\
                    List-Unsubscribe-Post: List-Unsubscribe=One-Click\n\
                    Feedback-ID: 123:campaign:esp\n\
                    X-SES-Outgoing: 2024.01.01-54.240.0.1\n\
                    Precedence: bulk";
        let fields = headers(text);
        let mut out = Vec::new();
        check(&fields, 1, &mut out);
        let ids: Vec<_> = out.iter().map(|e| (e.rule, e.score)).collect();
        assert_eq!(
            ids,
            [
                ("bulk.list_unsubscribe", 0.9),
                ("bulk.feedback_id", 0.9),
                ("bulk.esp_header", 0.8),
                ("bulk.precedence", 0.8),
            ]
        );
        assert!(out.iter().all(|e| e.category == Some(Category::Bulk)));
        assert!(out[0].detail.contains("one-click"), "{}", out[0].detail);
        assert_eq!(out[2].detail, "X-SES-Outgoing header (Amazon SES)");
    }

    #[test]
    fn a_mailing_list_post_is_bulk_on_its_own() {
        let mailman = "List-Help: <mailto:dev-request@lists.example?subject=help>\n\
                       List-Id: Developers <dev.lists.example>\n\
                       X-BeenThere: dev@lists.example";
        let fields = headers(mailman);
        let mut out = Vec::new();
        check(&fields, 2, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, "bulk.list_id");
        assert!(
            out[0].detail.starts_with("List-Id: \"Developers"),
            "{}",
            out[0].detail
        );
        assert_eq!(rules("Precedence: list", 1), ["bulk.precedence"]);
        assert_eq!(
            rules("Mailing-List: contact ezmlm-help@lists.example", 1),
            ["bulk.list_id"]
        );
    }

    #[test]
    fn esp_fields_and_bulk_mailers() {
        for name in [
            "X-Mailgun-Sid",
            "x-sg-eid",
            "X-MC-User",
            "X-Campaign-Id",
            "X-CSA-Complaints",
            "X-MSFBL",
            "X-SFMC-Stack",
        ] {
            assert!(wants(name), "{name}");
            assert_eq!(
                rules(&format!("{name}: abc"), 1),
                ["bulk.esp_header"],
                "{name}"
            );
        }
        assert_eq!(
            rules("X-Mailer: Accucast (http://www.accucast.com)", 1),
            ["bulk.esp_header"]
        );
        assert_eq!(
            rules("X-Mailer: Lyris ListManager Web Interface", 1),
            ["bulk.esp_header"]
        );
    }

    #[test]
    fn wants_every_field_the_rules_read() {
        for name in [
            "List-Unsubscribe",
            "list-unsubscribe-post",
            "FEEDBACK-ID",
            "Precedence",
            "Auto-Submitted",
            "X-Mailer",
            "List-Id",
            "X-BeenThere",
            "Mailing-List",
        ] {
            assert!(wants(name), "{name}");
        }
        for name in [
            "Subject",
            "From",
            "To",
            "Received",
            "X-Mailer-Version",
            "List",
        ] {
            assert!(!wants(name), "{name}");
        }
    }

    #[test]
    fn many_recipients_from_the_threshold() {
        assert!(rules("", MANY_RECIPIENTS - 1).is_empty());
        assert_eq!(rules("", MANY_RECIPIENTS), ["bulk.many_recipients"]);
    }

    #[test]
    fn near_misses_raise_nothing() {
        // An ordinary reply to a few people from a desktop client.
        let reply = "X-Mailer: Microsoft Outlook 16.0\nSubject: Re: budget";
        assert!(rules(reply, 4).is_empty());
        for value in ["first-class", "normal", "urgent", ""] {
            assert!(
                rules(&format!("Precedence: {value}"), 1).is_empty(),
                "{value}"
            );
        }
        // An out-of-office reply that marks itself bulk so responders ignore it.
        let vacation = "Auto-Submitted: auto-replied (vacation)\nPrecedence: bulk";
        assert!(rules(vacation, 1).is_empty());
        assert!(rules("List-Unsubscribe:", 1).is_empty());
        // Names that merely resemble the ESP ones, and mailers that are not bulk.
        assert!(!wants("X-Session-Id") && !wants("X-Mc") && !wants("X-Sesame"));
        assert!(rules("X-Mailer: Apple Mail (2.482)", 1).is_empty());
        assert!(rules("X-Mailer: Microsoft CDO for Windows 2000", 1).is_empty());
    }

    #[test]
    fn script_mailers_are_an_insight_only() {
        let text = "X-Mailer: PHPMailer 6.8.0 (https://github.com/PHPMailer/PHPMailer)";
        let fields = headers(text);
        let mut out = Vec::new();
        check(&fields, 1, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].rule, out[0].category), ("bulk.script_mailer", None));
    }

    #[test]
    fn details_are_quoted_and_short() {
        let long = format!("List-Id: <{}\u{7}>", "x".repeat(500));
        let mut out = Vec::new();
        check(&headers(&long), 1, &mut out);
        assert!(out[0].detail.len() < 200, "{}", out[0].detail);
        let mut out = Vec::new();
        check(&headers("List-Id: a\u{7}b"), 1, &mut out);
        assert!(out[0].detail.contains("\\u{7}"), "{}", out[0].detail);
    }
}
