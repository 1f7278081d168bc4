//! Unit tests' access to the real corpora beside the repository (`../shared/corpora`,
//! see its README.txt): the files of one corpus folder, in a fixed order.

use std::path::{Path, PathBuf};

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
