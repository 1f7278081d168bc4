use std::path::PathBuf;

use super::*;

fn parse(text: &str) -> Policy {
    Policy::parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// The line and problem of a policy that must be refused.
fn refused(text: &str) -> (usize, Problem) {
    match Policy::parse(text, "test.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(PolicyError::At {
            origin,
            line,
            problem,
        }) => {
            assert_eq!(origin, "test.toml");
            (line, problem)
        }
        Err(e) => panic!("unexpected error {e}"),
    }
}

fn policy_testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/risk/policy")
}

const ALICE: &str = "alice@example.com";
const NEWS: &str = "news@shop.example";

#[test]
fn empty_policy_is_the_documented_defaults() {
    let policy = parse("");
    for c in Category::ALL {
        assert_eq!(policy.level(c, Some(ALICE), Some(NEWS)), c.default_level());
        assert_eq!(Policy::default().level(c, None, None), c.default_level());
    }
    assert!(policy.trusted_authserv_ids().is_empty());
    assert!(policy.trusted_relays().is_empty());
    assert_eq!(policy.standing(Some(ALICE), Some(NEWS)), Standing::Unlisted);
}

#[test]
fn policy_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<Policy>();
}

/// Every combination of the three layers setting Bulk (to distinct levels): the most
/// specific layer present wins, and absent layers fall through.
#[test]
fn most_specific_layer_wins() {
    // (organisation, user, sender of user) -> expected for ALICE receiving from NEWS.
    type Row = (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Level,
    );
    let table: [Row; 8] = [
        (None, None, None, Level::Low), // Bulk's default
        (Some("high"), None, None, Level::High),
        (None, Some("moderate"), None, Level::Moderate),
        (None, None, Some("high"), Level::High),
        (Some("high"), Some("moderate"), None, Level::Moderate),
        (Some("high"), None, Some("low"), Level::Low),
        (None, Some("high"), Some("moderate"), Level::Moderate),
        (Some("moderate"), Some("high"), Some("low"), Level::Low),
    ];
    for (org, user, sender, expected) in table {
        let mut text = String::new();
        if let Some(l) = org {
            text += &format!("[organisation.levels]\nbulk = {l:?}\n");
        }
        text += &format!("[users.{ALICE:?}]\n");
        if let Some(l) = user {
            text += &format!("[users.{ALICE:?}.levels]\nbulk = {l:?}\n");
        }
        if let Some(l) = sender {
            text += &format!("[users.{ALICE:?}.senders.{NEWS:?}.levels]\nbulk = {l:?}\n");
        }
        let policy = parse(&text);
        let got = policy.level(Category::Bulk, Some(ALICE), Some(NEWS));
        assert_eq!(got, expected, "{org:?} {user:?} {sender:?}");
        // Another sender of the same user skips the sender layer; another user, and
        // an unknown owner, see only the organisation's.
        let user_level = user
            .or(org)
            .map_or(Level::Low, |l| Level::parse(l).unwrap());
        let org_level = org.map_or(Level::Low, |l| Level::parse(l).unwrap());
        let other_sender = policy.level(Category::Bulk, Some(ALICE), Some("x@y.example"));
        assert_eq!(other_sender, user_level);
        let no_sender = policy.level(Category::Bulk, Some(ALICE), None);
        assert_eq!(no_sender, user_level);
        let other_user = policy.level(Category::Bulk, Some("bob@example.com"), Some(NEWS));
        assert_eq!(other_user, org_level);
        assert_eq!(policy.level(Category::Bulk, None, Some(NEWS)), org_level);
        // Untouched categories keep their defaults.
        let spam = policy.level(Category::Spam, Some(ALICE), Some(NEWS));
        assert_eq!(spam, Category::Spam.default_level());
    }
}

#[test]
fn owners_and_senders_compare_case_insensitively() {
    let policy =
        parse("[users.\"Alice@Example.COM\".senders.\"@Shop.Example\".levels]\nbulk = \"high\"\n");
    let level = policy.level(
        Category::Bulk,
        Some("ALICE@example.com"),
        Some("News@SHOP.example"),
    );
    assert_eq!(level, Level::High);
}

#[test]
fn the_closest_sender_section_wins() {
    let policy = parse(&format!(
        "[users.{ALICE:?}.senders.\"@example.net\".levels]\nbulk = \"moderate\"\n\
         [users.{ALICE:?}.senders.\"@mail.example.net\".levels]\nbulk = \"high\"\n\
         [users.{ALICE:?}.senders.\"boss@mail.example.net\".levels]\nspam = \"low\"\n"
    ));
    let level = |c, s| policy.level(c, Some(ALICE), Some(s));
    assert_eq!(level(Category::Bulk, "a@example.net"), Level::Moderate);
    assert_eq!(level(Category::Bulk, "a@mail.example.net"), Level::High);
    // The address section sets only Spam: Bulk comes from the closest domain section.
    assert_eq!(level(Category::Spam, "boss@mail.example.net"), Level::Low);
    assert_eq!(level(Category::Bulk, "boss@mail.example.net"), Level::High);
    assert_eq!(level(Category::Spam, "a@mail.example.net"), Level::Moderate);
    assert_eq!(level(Category::Bulk, "a@notexample.net"), Level::Low);
}

#[test]
fn dangerous_results_change_only_in_admin_users() {
    let admin = parse(&format!(
        "[users.{ALICE:?}]\nset_by_admin = true\n\
         [users.{ALICE:?}.levels]\npossible_phishing = \"low\"\n\
         [users.{ALICE:?}.senders.{NEWS:?}.levels]\nphishing = \"moderate\"\n"
    ));
    assert_eq!(
        admin.level(Category::PossiblePhishing, Some(ALICE), None),
        Level::Low
    );
    assert_eq!(
        admin.level(Category::Phishing, Some(ALICE), Some(NEWS)),
        Level::Moderate
    );
    assert_eq!(
        admin.level(Category::Phishing, Some(ALICE), None),
        Level::High
    );

    let dangerous = Problem::DangerousNotAdmin {
        category: "possible_phishing",
    };
    let in_org = "[organisation]\ntrusted_relays = []\n\n[organisation.levels]\n\
                  bulk = \"high\"\npossible_phishing = \"low\"\n";
    assert_eq!(refused(in_org), (6, dangerous.clone()));
    let not_admin = format!(
        "[users.{ALICE:?}]\nallow_senders = []\n[users.{ALICE:?}.levels]\n\
         possible_phishing = \"low\"\n"
    );
    assert_eq!(refused(&not_admin), (4, dangerous.clone()));
    let admin_false = format!(
        "[users.{ALICE:?}]\nset_by_admin = false\n\
         [users.{ALICE:?}.senders.{NEWS:?}.levels]\nspam = \"low\"\n\
         possible_phishing = \"low\"\n"
    );
    assert_eq!(refused(&admin_false), (5, dangerous));
    // Naming a dangerous result at its default is still changing it outside an admin's
    // section: refused, so the file says only what it may.
    let at_default = "[organisation.levels]\nphishing = \"high\"\n";
    let phishing = Problem::DangerousNotAdmin {
        category: "phishing",
    };
    assert_eq!(refused(at_default), (2, phishing));
}

#[test]
fn virus_is_always_high() {
    let admin_low = format!(
        "[users.{ALICE:?}]\nset_by_admin = true\n[users.{ALICE:?}.levels]\n\
         spam = \"low\"\nvirus = \"low\"\n"
    );
    assert_eq!(
        refused(&admin_low),
        (5, Problem::VirusNotHigh("low".into()))
    );
    let sender = format!(
        "[users.{ALICE:?}]\nset_by_admin = true\n\n\
         [users.{ALICE:?}.senders.{NEWS:?}.levels]\nvirus = \"Moderate\"\n"
    );
    assert_eq!(
        refused(&sender),
        (5, Problem::VirusNotHigh("Moderate".into()))
    );
    let org = "[organisation.levels]\nvirus = \"low\"\n";
    assert_eq!(refused(org), (2, Problem::VirusNotHigh("low".into())));
    let high = parse(&format!(
        "[users.{ALICE:?}]\nset_by_admin = true\n[users.{ALICE:?}.levels]\nvirus = \"high\"\n"
    ));
    assert_eq!(high.level(Category::Virus, Some(ALICE), None), Level::High);
}

#[test]
fn syntax_errors_name_their_line() {
    let (line, problem) = refused("[organisation]\nallow_senders = [\"a@b.example\"\n\n");
    assert!(line >= 2, "line {line}");
    assert!(matches!(problem, Problem::Toml(_)));
    let (line, _) = refused("[organisation]\n\nblock_senders = \"x@y.example\"\n");
    assert_eq!(line, 3, "a string where a list is expected");
    let (line, _) = refused("[organisation]\ntrusted_relays = []\nbogus = 1\n");
    assert_eq!(line, 3, "unknown key");
    let (line, _) = refused("[organisation]\n[organization.levels]\nbulk = \"low\"\n");
    assert_eq!(line, 2, "unknown table");
    let (line, _) = refused(&format!("[users.{ALICE:?}]\nset_by_admin = \"yes\"\n"));
    assert_eq!(line, 2);
    let (line, _) = refused("[organisation.levels]\nbulk = \"low\"\nbulk = \"high\"\n");
    assert_eq!(line, 3, "duplicate key");
}

#[test]
fn unknown_categories_and_levels_are_refused() {
    let text = "[organisation.levels]\nbulk = \"low\"\nbulkk = \"low\"\n";
    assert_eq!(refused(text), (3, Problem::UnknownCategory("bulkk".into())));
    let text = "[organisation.levels]\nbulk = \"severe\"\n";
    assert_eq!(refused(text), (2, Problem::BadLevel("severe".into())));
    let (line, problem) = refused("[organisation.levels]\n\nbulk = 3\n");
    assert_eq!(line, 3);
    assert!(matches!(problem, Problem::Toml(_)));
}

#[test]
fn the_first_problem_in_the_file_is_reported() {
    // Users are visited in key order (bob before zed); the error on zed's line comes
    // first in the file and is the one reported.
    let text = "[users.\"zed@example.com\".levels]\nbulk = \"nope\"\n\
                [users.\"bob@example.com\".levels]\nspam = \"nope\"\n";
    assert_eq!(refused(text), (2, Problem::BadLevel("nope".into())));
}

#[test]
fn addresses_and_networks_are_checked() {
    let text = "[organisation]\nallow_senders = [\n  \"@good.example\",\n  \"bad.example\",\n]\n";
    let (line, problem) = refused(text);
    assert_eq!(line, 4);
    assert!(matches!(problem, Problem::BadPattern { .. }), "{problem}");
    let (line, problem) = refused("[users.\"@example.com\"]\nset_by_admin = true\n");
    assert_eq!(line, 1);
    assert!(matches!(problem, Problem::BadUser { .. }), "{problem}");
    let text = format!("[users.{ALICE:?}.senders.\"shop\".levels]\nbulk = \"low\"\n");
    assert!(matches!(refused(&text), (1, Problem::BadPattern { .. })));
    let text = "[users.\"a@x.example\"]\n[users.\"A@X.example\"]\n";
    assert!(matches!(refused(text), (2, Problem::Duplicate { .. })));
    let text = "[organisation]\ntrusted_relays = [\"10.0.0.0/8\", \"10.1.2.3/8\"]\n";
    let (line, problem) = refused(text);
    assert_eq!(line, 2);
    assert_eq!(
        problem.to_string(),
        "\"10.1.2.3/8\" has bits set past its prefix: did you mean 10.0.0.0/8?"
    );
    let text = "[organisation]\n\ntrusted_relays = [\"mx.example.com\"]\n";
    assert_eq!(
        refused(text),
        (3, Problem::BadRelay("mx.example.com".into()))
    );
    let text = "[organisation]\ntrusted_authserv_ids = [\"mx example\"]\n";
    assert_eq!(
        refused(text),
        (2, Problem::BadAuthservId("mx example".into()))
    );
}

#[test]
fn relays_and_authserv_ids_are_read() {
    let policy = parse(
        "[organisation]\ntrusted_authserv_ids = [\"MX.Example.com\"]\n\
         trusted_relays = [\"10.0.0.0/8\", \"203.0.113.5\", \"2001:db8::/32\"]\n",
    );
    assert_eq!(policy.trusted_authserv_ids(), ["mx.example.com"]);
    let relays: Vec<String> = policy
        .trusted_relays()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(relays, ["10.0.0.0/8", "203.0.113.5/32", "2001:db8::/32"]);
}

#[test]
fn standing_block_beats_allow_beats_trusted_and_user_lists_add() {
    let policy = parse(&format!(
        "[organisation]\n\
         trusted_contacts = [\"@partner.example\"]\n\
         allow_senders = [\"@news.example\"]\n\
         block_senders = [\"@bad.example\", \"offers@news.example\"]\n\
         [users.{ALICE:?}]\n\
         trusted_contacts = [\"friend@home.example\"]\n\
         allow_senders = [\"ceo@bad.example\", \"@partner.example\"]\n\
         block_senders = [\"pest@partner.example\"]\n"
    ));
    let alice = |s| policy.standing(Some(ALICE), Some(s));
    let bob = |s| policy.standing(Some("bob@example.com"), Some(s));
    // Organisation lists apply to everybody.
    assert_eq!(bob("x@bad.example"), Standing::Blocked);
    assert_eq!(bob("x@sub.bad.example"), Standing::Blocked);
    assert_eq!(bob("Offers@News.Example"), Standing::Blocked);
    assert_eq!(bob("daily@news.example"), Standing::Allowed);
    assert_eq!(bob("x@partner.example"), Standing::Trusted);
    assert_eq!(bob("friend@home.example"), Standing::Unlisted);
    assert_eq!(bob("x@notbad.example"), Standing::Unlisted);
    // A user's lists add to them; a user's allow does not undo the organisation's block.
    assert_eq!(alice("friend@home.example"), Standing::Trusted);
    assert_eq!(alice("ceo@bad.example"), Standing::Blocked);
    assert_eq!(alice("x@partner.example"), Standing::Allowed);
    assert_eq!(alice("pest@partner.example"), Standing::Blocked);
    assert_eq!(policy.standing(Some(ALICE), None), Standing::Unlisted);
    assert_eq!(
        policy.standing(None, Some("x@bad.example")),
        Standing::Blocked
    );
    assert_eq!(
        policy.standing(None, Some("friend@home.example")),
        Standing::Unlisted
    );
}

#[test]
fn the_example_policy_parses_and_says_what_it_means() {
    let policy =
        Policy::load(&policy_testdata().join("example.toml")).unwrap_or_else(|e| panic!("{e}"));
    let alice = Some("alice@example.com");
    let bob = Some("bob@example.com");
    let bank = Some("statements@bank.example");
    assert_eq!(policy.trusted_authserv_ids().len(), 2);
    assert_eq!(policy.trusted_relays().len(), 3);
    assert_eq!(policy.level(Category::Bulk, None, None), Level::Moderate);
    assert_eq!(policy.level(Category::Bulk, bob, None), Level::Low);
    assert_eq!(
        policy.level(Category::PossiblePhishing, alice, None),
        Level::High
    );
    assert_eq!(
        policy.level(Category::PossiblePhishing, alice, bank),
        Level::Low
    );
    assert_eq!(
        policy.level(Category::PossiblePhishing, bob, bank),
        Level::Moderate
    );
    assert_eq!(
        policy.level(Category::Spam, bob, Some("x@shop.example")),
        Level::Low
    );
    assert_eq!(policy.level(Category::Virus, alice, bank), Level::High);
    assert_eq!(
        policy.standing(bob, Some("x@casino-bonus.example")),
        Standing::Blocked
    );
    assert_eq!(
        policy.standing(bob, Some("x@chess-club.example")),
        Standing::Allowed
    );
    assert_eq!(
        policy.standing(alice, Some("x@chess-club.example")),
        Standing::Unlisted
    );
    assert_eq!(
        policy.standing(alice, Some("cfo@subsidiary.example")),
        Standing::Trusted
    );
}

/// The example in docs/policy.md is the example file, byte for byte.
#[test]
fn the_documentation_shows_the_example() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(policy_testdata().join("example.toml")).unwrap();
    let docs = std::fs::read_to_string(root.join("docs/policy.md")).unwrap();
    assert!(
        docs.contains(&format!("```toml\n{example}```")),
        "docs/policy.md differs from example.toml"
    );
}

/// The documentation's table of categories gives every category with its default level
/// and whether it is spam-like, as the code has them.
#[test]
fn the_documentation_lists_the_defaults() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/policy.md")).unwrap();
    for c in Category::ALL {
        let spam_like = if c.spam_like() { "yes" } else { "" };
        let row = format!(
            "| `{}` | {} | {} | {spam_like} |",
            c.as_str(),
            c.label(),
            c.default_level()
        );
        assert!(docs.contains(&row), "docs/policy.md lacks {row:?}");
    }
}

/// Each bad-*.toml file says on its first line where it must fail:
/// `# refused at line N: <part of the message>`.
#[test]
fn bad_policy_files_are_refused_at_their_line() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(policy_testdata())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("bad-"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .unwrap()
            .strip_prefix("# refused at line ")
            .unwrap();
        let (line, message) = expect.split_once(": ").unwrap();
        let error = Policy::load(&path).expect_err(&path.display().to_string());
        let shown = error.to_string();
        let prefix = format!("{}:{line}: ", path.display());
        assert!(shown.starts_with(&prefix), "{shown}");
        assert!(shown.contains(message), "{shown}");
    }
}

#[test]
fn missing_file_names_the_path() {
    let path = policy_testdata().join("no-such-policy.toml");
    let error = Policy::load(&path).unwrap_err();
    assert!(matches!(error, PolicyError::Read { .. }));
    assert!(error.to_string().starts_with(&path.display().to_string()));
}
