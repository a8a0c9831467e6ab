//! Progress on stderr while ingest reads, only when stderr is a terminal; with
//! `--verbose`, how long each stage took (reading, checks, rendering, signing).

use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::observer::Observer;

pub struct Progress {
    bar: ProgressBar,
    /// The stage under way and when it began, when stage times are shown.
    stage: Option<Mutex<(String, Instant)>>,
}

impl Progress {
    pub fn new(visible: bool, stage_times: bool) -> Self {
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
        Progress {
            bar,
            stage: stage_times.then(|| Mutex::new(("reading".to_string(), Instant::now()))),
        }
    }

    pub fn clear(&self) {
        self.bar.finish_and_clear();
        self.next_stage("");
    }

    /// Prints how long the stage under way took (`--verbose`), and starts `name`.
    fn next_stage(&self, name: &str) {
        let Some(stage) = &self.stage else { return };
        let mut stage = stage
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !stage.0.is_empty() {
            let took = stage.1.elapsed().as_secs_f64();
            self.bar
                .suspend(|| eprintln!("auditpack: {} took {took:.2} s", stage.0));
        }
        *stage = (name.to_string(), Instant::now());
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
        self.next_stage(name);
    }
}
