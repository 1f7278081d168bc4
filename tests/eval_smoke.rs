//! Evaluation smoke test: the shipped model on a small fixed slice of the TEST split
//! (the first 100 SpamAssassin ham, 100 SpamAssassin spam and 50 phishing-pot messages
//! of the test split, by file name), through the whole rescan. Floors well below the
//! full evaluation's figures (docs/eval.md): it fails when accuracy collapses, not
//! when it drifts.

mod common;

use std::path::Path;

use sha2::{Digest, Sha256};

use mailsweep::corpus::mbox;
use mailsweep::risk::contacts::Contacts;
use mailsweep::risk::lists::Lists;
use mailsweep::risk::policy::Policy;
use mailsweep::risk::{Category, MessageFacts, Rescanner};

/// The first `n` messages of a folder (sorted by name) that are in the test split.
fn test_slice(dir: &Path, n: usize) -> Vec<Vec<u8>> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .filter(|b| Sha256::digest(b)[0] < 0x55)
        .take(n)
        .collect()
}

fn categories(r: &Rescanner, stored: &[u8]) -> Vec<Category> {
    let view = mbox::parsed_view(stored, false);
    let bytes = view.unquoted();
    let contacts = Contacts::default();
    let facts = MessageFacts {
        bytes: &bytes,
        owner: None,
        from: None,
        from_name: None,
        subject: None,
        envelope_sender: None,
        recipients: 1,
        may_have_files: true,
        date: None,
        contacts: &contacts,
        filing: Default::default(),
    };
    r.assess(&facts)
        .verdict
        .raised
        .iter()
        .map(|x| x.category)
        .collect()
}

#[test]
fn the_shipped_model_holds_its_floors_on_a_test_slice() {
    let corpora = common::corpora();
    let r = Rescanner::new(Policy::default(), Lists::empty(), None);
    let spam_or_worse =
        |c: &[Category]| c.contains(&Category::Spam) || c.contains(&Category::ObviousSpam);
    let phishing =
        |c: &[Category]| c.contains(&Category::Phishing) || c.contains(&Category::PossiblePhishing);
    let sa = corpora.join("spamassassin-public");
    let ham = test_slice(&sa.join("easy_ham"), 100);
    let spam = test_slice(&sa.join("spam_2"), 100);
    let phish = test_slice(&corpora.join("phishing-pot/email"), 50);
    assert_eq!((ham.len(), spam.len(), phish.len()), (100, 100, 50));

    let ham_cats: Vec<_> = ham.iter().map(|m| categories(&r, m)).collect();
    let ham_spam = ham_cats.iter().filter(|c| spam_or_worse(c)).count();
    let ham_phish = ham_cats.iter().filter(|c| phishing(c)).count();
    let spam_hit = spam
        .iter()
        .filter(|m| spam_or_worse(&categories(&r, m)))
        .count();
    let phish_hit = phish
        .iter()
        .filter(|m| phishing(&categories(&r, m)))
        .count();
    eprintln!(
        "ham flagged spam {ham_spam}/100, phishing {ham_phish}/100; spam caught \
         {spam_hit}/100; phishing caught {phish_hit}/50"
    );
    assert!(ham_spam <= 2, "{ham_spam} of 100 ham flagged Spam or worse");
    assert!(ham_phish <= 2, "{ham_phish} of 100 ham flagged phishing");
    assert!(spam_hit >= 90, "only {spam_hit} of 100 spam caught");
    assert!(phish_hit >= 44, "only {phish_hit} of 50 phishing caught");
}
