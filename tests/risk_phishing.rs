//! Phishing over a fixed slice of real corpora, through the whole rescan as `mailsweep
//! rescan` runs it: phishing-pot is often flagged Phishing or Possible phishing, the
//! SpamAssassin ham (easy and hard) almost never. The shares were measured once on this
//! slice (see each bound); the bounds leave a little room around them. The slice is
//! fixed (names in sorted order) so the test stays well under 30 s in debug builds.

mod common;

use std::path::{Path, PathBuf};

use mailsweep::corpus::mbox::parsed_view;
use mailsweep::message::inventory;
use mailsweep::risk::contacts::Contacts;
use mailsweep::risk::{Category, MessageFacts, Rescanner};

/// The first `n` files of a corpus folder, by name.
fn slice(folder: &str, n: usize) -> Vec<PathBuf> {
    let dir: PathBuf = common::corpora().join(folder);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "SOURCE.txt"))
        .collect();
    paths.sort();
    paths.truncate(n);
    paths
}

/// The phishing rules that raised a category for one message (empty: not flagged).
fn flagged(rescanner: &Rescanner, path: &Path) -> Vec<&'static str> {
    let stored = std::fs::read(path).unwrap();
    let view = parsed_view(&stored, false);
    let inv = inventory(&view.bytes, None, None);
    let contacts = Contacts::default();
    let assessment = rescanner.assess(&MessageFacts {
        bytes: &view.bytes,
        owner: None,
        from: inv.from_address.as_deref(),
        from_name: inv.from_name.as_deref(),
        subject: inv.subject.as_deref(),
        envelope_sender: None,
        recipients: inv.to.len() + inv.cc.len(),
        may_have_files: !inv.attachments.is_empty() || inv.may_have_parts,
        date: inv.date,
        contacts: &contacts,
        filing: Default::default(),
    });
    assessment
        .verdict
        .evidence
        .iter()
        .filter(|e| {
            matches!(
                e.category,
                Some(Category::Phishing | Category::PossiblePhishing)
            ) && e.rule.starts_with("phish.")
        })
        .map(|e| e.rule)
        .collect()
}

/// Measured 51.7% (155 of 300).
const PHISH_FLOOR: f64 = 0.48;
/// Measured 0.89% (4 of 450: hard_ham's newsletters, Lockergnome naming Apple beside an
/// off-site form, an IP-literal link with a text showing another host).
const HAM_CEILING: f64 = 0.012;

fn share(rescanner: &Rescanner, paths: &[PathBuf]) -> f64 {
    let hits = paths
        .iter()
        .filter(|p| !flagged(rescanner, p).is_empty())
        .count();
    hits as f64 / paths.len() as f64
}

#[test]
fn phishing_pot_is_often_flagged_ham_almost_never() {
    let rescanner = Rescanner::load(None, None, None, None).unwrap();
    let phish = slice("phishing-pot/email", 300);
    let ham: Vec<PathBuf> = slice("spamassassin-public/easy_ham", 300)
        .into_iter()
        .chain(slice("spamassassin-public/hard_ham", 150))
        .collect();
    let phish_share = share(&rescanner, &phish);
    let ham_share = share(&rescanner, &ham);
    eprintln!(
        "phishing-pot slice: {:.1}% flagged; ham slice: {:.2}% flagged",
        100.0 * phish_share,
        100.0 * ham_share
    );
    assert!(phish_share >= PHISH_FLOOR, "{phish_share}");
    assert!(ham_share <= HAM_CEILING, "{ham_share}");
}

/// A known credential phish from the slice is Phishing by its rules, not by chance.
#[test]
fn a_brand_lure_from_an_unrelated_domain_is_phishing() {
    let rescanner = Rescanner::load(None, None, None, None).unwrap();
    let phish = slice("phishing-pot/email", 300);
    let strong = phish
        .iter()
        .filter(|p| {
            let stored = std::fs::read(p).unwrap();
            let view = parsed_view(&stored, false);
            let inv = inventory(&view.bytes, None, None);
            inv.from_name
                .as_deref()
                .is_some_and(|n| n.to_lowercase().contains("microsoft"))
        })
        .map(|p| flagged(&rescanner, p))
        .collect::<Vec<_>>();
    assert!(!strong.is_empty(), "the slice holds Microsoft lures");
    let with_brand = strong
        .iter()
        .filter(|rules| rules.contains(&"phish.brand_mismatch"))
        .count();
    assert!(
        with_brand * 10 >= strong.len() * 8,
        "{with_brand} of {}: {strong:?}",
        strong.len()
    );
}
