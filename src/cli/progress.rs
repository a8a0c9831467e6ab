//! Progress on stderr while ingest reads, only when stderr is a terminal; with
//! `--verbose`, how long each stage took (reading, checks, rendering, signing).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::observer::Observer;

pub struct Progress {
    bar: ProgressBar,
    /// Per input kind: files, bytes and rows read so far, shown beside the bar.
    read: Mutex<BTreeMap<String, (u64, u64, u64)>>,
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
        if let Ok(style) = ProgressStyle::with_template(
            "{prefix:10} [{bar:30}] {bytes}/{total_bytes} ({eta})\n{msg}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress {
            bar,
            read: Mutex::new(BTreeMap::new()),
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
        self.bar.set_prefix("reading");
    }

    fn file_read(&self, kind: &str, bytes: u64, rows: u64) {
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = read.entry(kind.to_string()).or_default();
        *entry = (entry.0 + 1, entry.1 + bytes, entry.2 + rows);
        let shown: Vec<String> = read
            .iter()
            .map(|(kind, (files, bytes, rows))| {
                format!(
                    "  {kind:<18} {files:>6} files {:>12} {:>14} rows",
                    indicatif::HumanBytes(*bytes).to_string(),
                    indicatif::HumanCount(*rows).to_string()
                )
            })
            .collect();
        self.bar.set_message(shown.join("\n"));
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn finish_reading(&self) {
        self.bar.set_position(self.bar.length().unwrap_or(0));
    }

    fn stage(&self, name: &str) {
        self.bar.set_prefix(name.to_string());
        self.next_stage(name);
    }
}
