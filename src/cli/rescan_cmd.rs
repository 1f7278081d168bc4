//! `mailsweep rescan`: policy, lists and keys loaded → plan → run → results window.

use std::process::ExitCode;

use super::args::RescanArgs;
use super::{finish, progress, results, scan_options, CliError};
use crate::pipeline::{self, Task};
use crate::risk::learn::Model;
use crate::risk::{Rescanner, RiskError};

pub fn rescan(args: &RescanArgs) -> Result<ExitCode, CliError> {
    // Bad policy, lists or keys stop the run before anything is read or written.
    let rescanner = Rescanner::load(
        args.policy.as_deref(),
        args.lists.as_deref(),
        args.dkim_keys.as_deref(),
        args.directory.as_deref(),
    )?;
    let rescanner = match (&args.model, args.no_classifier) {
        (_, true) => rescanner.without_classifier(),
        (Some(path), false) => rescanner.with_model(Model::load(path).map_err(RiskError::from)?),
        (None, false) => rescanner,
    };
    let options = scan_options(&args.corpus)?;
    let bar = progress::Bar::new();
    let prepared = pipeline::prepare(&options, &bar);
    bar.clear();
    let prepared = prepared?;
    if !args.corpus.json {
        let consulted = results::Consulted {
            policy: args.policy.as_ref().map(|p| p.display().to_string()),
            lists: args
                .lists
                .as_ref()
                .map(|d| format!("{} ({})", d.display(), rescanner.lists().summary())),
            dkim_keys: rescanner.dkim_keys().map(|k| format!("{} keys", k.len())),
        };
        print!("{}", results::rescan_plan(&prepared.plan(), &consulted));
        println!();
    }
    let run = prepared.run(Task::Rescan(&rescanner), &bar);
    bar.clear();
    let summary = run?;
    if args.corpus.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print!("{}", results::finished_window(&summary));
    }
    Ok(finish(&summary))
}
