//! The progress bar on stderr (indicatif draws nothing when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pipeline::Progress;

pub struct Bar(ProgressBar);

impl Bar {
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>18} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        Self(bar)
    }

    pub fn clear(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, phase: &str, total: u64) {
        self.0.reset();
        self.0.set_length(total);
        self.0.set_message(phase.to_string());
    }

    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
}
