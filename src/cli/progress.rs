//! Progress on stderr while ingest reads, only when stderr is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::observer::Observer;

pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new(visible: bool) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(0),
            if visible {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        if let Ok(style) =
            ProgressStyle::with_template("{msg:10} [{bar:30}] {bytes}/{total_bytes} ({eta})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar }
    }

    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Progress {
    fn start_reading(&self, total_bytes: u64) {
        self.bar.set_length(total_bytes);
        self.bar.set_message("reading");
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn finish_reading(&self) {
        self.bar.set_position(self.bar.length().unwrap_or(0));
    }

    fn stage(&self, name: &str) {
        self.bar.set_message(name.to_string());
    }
}
