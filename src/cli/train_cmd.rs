//! `mailsweep train`: labelled messages → token sets (in parallel, kept in input order)
//! → `risk::learn::train` → the model file. Reads mbox files, one-message files and
//! folders of them; a message's split is judged on the SHA-256 of its stored bytes, as
//! `messages.parquet` records it. With `--validate`, cross-validation instead of a model:
//! ham flagged and class caught per threshold, and (`--scores`) each held-out message's
//! scores as CSV.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::args::{SplitArg, TrainArgs};
use super::CliError;
use crate::corpus::mbox;
use crate::message::decoded::TextField;
use crate::risk::learn::{self, train, Class, LearnError};
use crate::risk::spam::{self, RuleSignals};
use crate::risk::RiskError;

/// Files in corpus folders that are not messages.
const NOT_MAIL: [&str; 4] = [
    "SOURCE.txt",
    "labels.txt",
    "SELECTED_FILES.txt",
    "README.txt",
];

/// A labelled message.
struct Example {
    class: Class,
    /// Where it is: its file and its place in the file (0 for a one-message file).
    file: usize,
    index: usize,
    sha256: [u8; 32],
    /// Its From address and subject, decoded: to recognise it in `--scores`.
    from: Option<String>,
    subject: Option<String>,
    tokens: Vec<String>,
    /// Its spam rule signals, to validate the score the rescan computes.
    rules: RuleSignals,
}

impl Example {
    /// Its `--validate` fold: by the hash's second byte (the first picks the split).
    fn fold(&self) -> u8 {
        self.sha256[1] % FOLDS
    }
}

/// A message scored in cross-validation: the example it is, the class probabilities,
/// the spam score and the model's features in it.
struct Held<'a> {
    p: [f32; 3],
    spam_score: f32,
    features: usize,
    example: &'a Example,
}

pub fn train(args: &TrainArgs) -> Result<ExitCode, CliError> {
    let mut sources: Vec<(Class, PathBuf)> = Vec::new();
    for (class, paths) in [
        (Class::Ham, &args.ham),
        (Class::Spam, &args.spam),
        (Class::Phishing, &args.phishing),
    ] {
        sources.extend(paths.iter().map(|p| (class, p.clone())));
    }
    for file in &args.labels {
        sources.extend(read_labels(file)?);
    }
    if sources.is_empty() {
        return Err(CliError::Usage(
            "give --ham/--spam/--phishing paths or --labels".into(),
        ));
    }
    if args.features == 0 {
        return Err(CliError::Usage("--features must be at least 1".into()));
    }
    let mut files: Vec<(Class, PathBuf)> = Vec::new();
    for (class, path) in sources {
        let mut found = Vec::new();
        walk(&path, &mut found).map_err(|source| io(&path, source))?;
        files.extend(found.into_iter().map(|f| (class, f)));
    }
    let per_file: Vec<Result<Vec<Example>, CliError>> = files
        .par_iter()
        .enumerate()
        .map(|(file, (class, path))| {
            let data = std::fs::read(path).map_err(|source| io(path, source))?;
            Ok(messages(&data)
                .into_iter()
                .enumerate()
                // Hashed once: the hash picks the split, the fold, and names the row.
                .map(|(index, (stored, is_mbox))| {
                    (
                        index,
                        stored,
                        is_mbox,
                        <[u8; 32]>::from(Sha256::digest(stored)),
                    )
                })
                .filter(|(_, stored, is_mbox, sha256)| {
                    in_split(sha256, args.split) && !(*is_mbox && is_pseudo(stored))
                })
                .map(|(index, stored, is_mbox, sha256)| {
                    let view = mbox::parsed_view(stored, is_mbox);
                    let decoded = learn::decode(&view.unquoted());
                    Example {
                        class: *class,
                        file,
                        index,
                        sha256,
                        from: learn::from_of(&decoded).map(String::from),
                        subject: decoded
                            .texts
                            .iter()
                            .find(|t| t.field == TextField::Subject)
                            .map(|t| t.text.clone()),
                        tokens: learn::message_tokens(&decoded),
                        rules: RuleSignals::of(&decoded),
                    }
                })
                .collect())
        })
        .collect();
    let mut all = Vec::new();
    for r in per_file {
        all.extend(r?);
    }
    let settings = train::Settings {
        features: args.features,
        epochs: args.epochs,
        l2: args.l2,
        ..train::Settings::default()
    };
    if args.validate {
        // Opened before the folds are trained: a path that cannot be written fails at once.
        let scores = match &args.scores {
            Some(out) => Some((
                out,
                csv::Writer::from_path(out).map_err(|e| write_err(out, e))?,
            )),
            None => None,
        };
        let held = validate(&all, &settings)?;
        if let Some((out, writer)) = scores {
            write_scores(out, writer, &held, &files)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let examples: Vec<(Class, Vec<String>)> =
        all.into_iter().map(|e| (e.class, e.tokens)).collect();
    let mut counts = [0usize; 3];
    for (c, _) in &examples {
        counts[*c as usize] += 1;
    }
    let model = train::train(&examples, &settings).map_err(RiskError::from)?;
    let bytes = model.to_bytes();
    let Some(output) = &args.output else {
        return Err(CliError::Usage("--output is required".into()));
    };
    std::fs::write(output, &bytes).map_err(|source| CliError::Write {
        path: output.clone(),
        source,
    })?;
    println!(
        "trained on {} messages (ham {}, spam {}, phishing {}); {} features; {} bytes → {}",
        examples.len(),
        counts[0],
        counts[1],
        counts[2],
        model.len(),
        bytes.len(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Folds of the cross-validation: a message's fold is its hash's second byte mod this.
const FOLDS: u8 = 3;

/// Cross-validates on the train split: for each of [`FOLDS`] folds (by the hash's second
/// byte) trains on the others and scores the fold's messages. Reports, over every
/// message scored so, how much ham and how much of the class each threshold on the spam
/// and phishing probabilities, and on the spam score (the rescan's: not-ham probability
/// plus the rule signals), would flag: how the shipped thresholds are chosen without the
/// test split. Returns the held-out messages' scores, in input order.
fn validate<'a>(all: &'a [Example], settings: &train::Settings) -> Result<Vec<Held<'a>>, CliError> {
    let mut held: Vec<Held> = Vec::with_capacity(all.len());
    let mut unjudged = 0;
    for fold in 0..FOLDS {
        let fit: Vec<(Class, Vec<String>)> = all
            .iter()
            .filter(|e| e.fold() != fold)
            .map(|e| (e.class, e.tokens.clone()))
            .collect();
        let model = train::train(&fit, settings).map_err(RiskError::from)?;
        held.extend(all.iter().filter(|e| e.fold() == fold).map(|e| {
            let ids = model.ids(&e.tokens);
            // As the rescan: too few of the model's features, no verdict from it
            // (scored as ham; the rules alone).
            let p = if learn::judges(ids.len()) {
                model.probabilities(&ids).0
            } else {
                unjudged += 1;
                [1.0, 0.0, 0.0]
            };
            Held {
                p,
                spam_score: e.rules.score(1.0 - p[0]),
                features: ids.len(),
                example: e,
            }
        }));
    }
    held.sort_by_key(|h| (h.example.file, h.example.index));
    println!(
        "{FOLDS}-fold cross-validation on {} messages (each scored by a model that did not see it)",
        held.len()
    );
    println!(
        "{unjudged} of them show fewer than {} of the model's features: no verdict from it, \
         scored as ham (as the rescan does)",
        learn::MIN_FEATURES
    );
    let steps = [0.3f32, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99];
    for class in [Class::Spam, Class::Phishing] {
        let name = class.as_str();
        println!("{name} probability ≥ t: ham flagged, {name} caught");
        thresholds(&held, class, &steps, |h| h.p[class as usize]);
    }
    println!("not-ham probability (1 - ham) ≥ t: ham flagged, spam caught");
    thresholds(&held, Class::Spam, &steps, |h| 1.0 - h.p[0]);
    println!("spam score (the rescan's: not-ham and rule signals) ≥ t: ham flagged, spam caught");
    thresholds(&held, Class::Spam, &steps, |h| h.spam_score);
    Ok(held)
}

/// `--scores`: one CSV row per held-out message, in input order. `flagged_spam` and
/// `flagged_phishing` say what the rescan's thresholds make of the scores (Spam or
/// worse; Phishing or Possible phishing from the classifier).
fn write_scores(
    out: &Path,
    mut w: csv::Writer<std::fs::File>,
    held: &[Held],
    files: &[(Class, PathBuf)],
) -> Result<(), CliError> {
    w.write_record([
        "path",
        "message",
        "sha256",
        "label",
        "from",
        "subject",
        "ham",
        "spam",
        "phishing",
        "spam_score",
        "features",
        "flagged_spam",
        "flagged_phishing",
    ])
    .map_err(|e| write_err(out, e))?;
    for h in held {
        w.write_record([
            files[h.example.file].1.display().to_string(),
            h.example.index.to_string(),
            hex::encode(h.example.sha256),
            h.example.class.as_str().to_string(),
            h.example.from.clone().unwrap_or_default(),
            h.example.subject.clone().unwrap_or_default(),
            format!("{:.4}", h.p[0]),
            format!("{:.4}", h.p[1]),
            format!("{:.4}", h.p[2]),
            format!("{:.4}", h.spam_score),
            h.features.to_string(),
            (h.spam_score >= spam::SPAM).to_string(),
            (h.p[2] >= spam::POSSIBLE_PHISHING).to_string(),
        ])
        .map_err(|e| write_err(out, e))?;
    }
    w.flush().map_err(|source| CliError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    println!("held-out scores: {}", out.display());
    Ok(())
}

fn write_err(path: &Path, e: csv::Error) -> CliError {
    CliError::Write {
        path: path.to_path_buf(),
        source: e.into(),
    }
}

/// One line per threshold: how much of the held-out ham and of `class` scores ≥ it.
fn thresholds(held: &[Held], class: Class, steps: &[f32], score: impl Fn(&Held) -> f32) {
    let count = |c: Class| held.iter().filter(|h| h.example.class == c).count().max(1);
    let (ham, pos) = (count(Class::Ham), count(class));
    for &t in steps {
        let at = |c: Class| {
            held.iter()
                .filter(|h| h.example.class == c && score(h) >= t)
                .count()
        };
        let (fp, tp) = (at(Class::Ham), at(class));
        println!(
            "  t {t:.2}: ham {:.2}% ({fp}), caught {:.2}% ({tp})",
            100.0 * fp as f64 / ham as f64,
            100.0 * tp as f64 / pos as f64
        );
    }
}

fn io(path: &Path, source: std::io::Error) -> CliError {
    CliError::Risk(RiskError::Model(LearnError::Io {
        path: path.into(),
        source,
    }))
}

/// `LABEL,PATH` or `LABEL PATH` lines; `#` starts a comment.
fn read_labels(file: &Path) -> Result<Vec<(Class, PathBuf)>, CliError> {
    let text = std::fs::read_to_string(file).map_err(|source| io(file, source))?;
    let base = file.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (label, path) = line
            .split_once(',')
            .or_else(|| line.split_once(char::is_whitespace))
            .ok_or_else(|| {
                CliError::Usage(format!("{}:{}: want LABEL,PATH", file.display(), n + 1))
            })?;
        let class = Class::parse(label.trim()).ok_or_else(|| {
            CliError::Usage(format!(
                "{}:{}: label {:?} is not ham, spam or phishing",
                file.display(),
                n + 1,
                label.trim()
            ))
        })?;
        out.push((class, base.join(path.trim())));
    }
    Ok(out)
}

/// Every file under `path` (itself if a file), sorted, corpus notes left out.
fn walk(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        std::fs::metadata(path)?;
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for e in entries {
        let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || NOT_MAIL.contains(&name) {
            continue;
        }
        walk(&e, out)?;
    }
    Ok(())
}

/// The stored messages of a file: the ranges of an mbox, or the whole file.
fn messages(data: &[u8]) -> Vec<(&[u8], bool)> {
    if mbox::holds_several_messages(data) {
        mbox::split(data)
            .into_iter()
            .map(|r| (&data[r], true))
            .collect()
    } else {
        vec![(data, false)]
    }
}

/// UW-IMAP's folder-internal-data pseudo-message, which scans leave out too.
fn is_pseudo(stored: &[u8]) -> bool {
    let view = mbox::parsed_view(stored, true);
    mbox::is_uw_imap_pseudo_message(view.envelope.as_ref(), &view.bytes)
}

/// The fixed split, by a message's SHA-256: test when its first byte is below 0x55.
fn in_split(sha256: &[u8; 32], split: SplitArg) -> bool {
    let test = sha256[0] < 0x55;
    match split {
        SplitArg::All => true,
        SplitArg::Test => test,
        SplitArg::Train => !test,
    }
}
