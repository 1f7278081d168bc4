//! `mailsweep search`: values → compiled search → plan → run → results window (and the
//! notification mail).

use std::process::ExitCode;

use super::args::{KindArg, ResultArg, SearchArgs};
use super::{finish, progress, results, scan_options, CliError};
use crate::notify::{self, Notification};
use crate::pipeline::{self, SearchJob, Task};
use crate::search::{self, MatchOptions, ResultAction, SearchKind, Searcher, ValueSources};

pub fn search(args: &SearchArgs) -> Result<ExitCode, CliError> {
    let kind = search_kind(args.kind);
    if args.exact && kind != SearchKind::Headers {
        return Err(CliError::Usage(
            "--exact is only for a headers search".into(),
        ));
    }
    if args.whole_word && kind != SearchKind::Keywords {
        return Err(CliError::Usage(
            "--whole-word is only for a keywords search".into(),
        ));
    }
    if let Some(smtp) = &args.smtp {
        notify::parse_server(smtp).map_err(|e| CliError::Usage(e.to_string()))?;
    }
    if let Some(to) = &args.notify_email {
        notify::check_recipient(to).map_err(|e| CliError::Usage(e.to_string()))?;
    }
    let values = search::collect(&ValueSources {
        kind,
        cli: &args.value,
        csv: args.csv.as_deref(),
        files: &args.file,
    })?;
    let searcher = Searcher::new(
        kind,
        &values,
        MatchOptions {
            exact: args.exact,
            whole_word: args.whole_word,
        },
    )?;
    let result = result_action(args.result);
    let options = scan_options(&args.corpus)?;
    let bar = progress::Bar::new();
    let prepared = pipeline::prepare(&options, &bar);
    bar.clear();
    let prepared = prepared?;
    let action = format!("search {}", kind.as_str());
    if !args.corpus.json {
        print!(
            "{}",
            results::plan(&prepared.plan(), &action, result.as_str(), values.len())
        );
        println!();
    }
    let run = prepared.run(
        Task::Search(SearchJob {
            searcher: &searcher,
            result,
        }),
        &bar,
    );
    bar.clear();
    let summary = run?;
    let window = results::finished_window(&summary);
    if args.corpus.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print!("{window}");
    }
    if let (Some(to), Some(smtp)) = (&args.notify_email, &args.smtp) {
        let mail = Notification {
            smtp: smtp.clone(),
            from: format!("mailsweep@{}", hostname()),
            to: to.clone(),
            subject: format!(
                "mailsweep: {action} finished: {} of {} emails matched",
                summary.search.as_ref().map_or(0, |s| s.messages_matched),
                summary.messages
            ),
            body: window,
        };
        // The audit record is complete whatever happens to the mail: warn, don't fail.
        if let Err(e) = notify::send(&mail) {
            eprintln!("mailsweep: warning: notification to {to} not sent: {e}");
        }
    }
    Ok(finish(&summary))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

fn search_kind(kind: KindArg) -> SearchKind {
    match kind {
        KindArg::Links => SearchKind::Links,
        KindArg::Files => SearchKind::Files,
        KindArg::Sender => SearchKind::Sender,
        KindArg::Headers => SearchKind::Headers,
        KindArg::Keywords => SearchKind::Keywords,
    }
}

fn result_action(result: ResultArg) -> ResultAction {
    match result {
        ResultArg::Archive => ResultAction::Archive,
        ResultArg::Delete => ResultAction::Delete,
        ResultArg::Review => ResultAction::Review,
    }
}
