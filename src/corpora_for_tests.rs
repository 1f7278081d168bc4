//! Unit tests' access to the real corpora beside the repository (`../shared/corpora`,
//! see its README.txt): the files of one corpus folder, in a fixed order, and a fixed
//! sample of real spam and phishing decoded.

use std::path::{Path, PathBuf};

use crate::message::decoded::{self, Decoded, Want};

/// The files directly in `folder` (relative to `../shared/corpora`), sorted by name.
pub fn corpus_files(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// The first 700 messages of the spam and phishing corpora (`spamassassin-public/spam_2`,
/// `phishing-pot/email`) with their paths, decoded as `want` asks: real mail rich in
/// HTML, links and lures.
pub fn spam_and_phishing(want: Want) -> Vec<(PathBuf, Decoded)> {
    let parser = decoded::parser();
    ["spamassassin-public/spam_2", "phishing-pot/email"]
        .iter()
        .flat_map(|folder| corpus_files(folder).into_iter().take(700))
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let d = Decoded::parse(&parser, &bytes, &Default::default(), want);
            (path, d)
        })
        .collect()
}
