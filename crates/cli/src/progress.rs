//! Progress bars for long jobs (indicatif), off with `--quiet` or when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicU64, Ordering};
use tandem_store::IngestProgress;

/// Bytes and records, rate and ETA for an ingest.
pub struct IngestBar {
    bar: ProgressBar,
    works: AtomicU64,
}

impl IngestBar {
    pub fn new(quiet: bool) -> IngestBar {
        let bar = if quiet {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        } else {
            ProgressBar::new(0)
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>9} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} · {msg} · ETA {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        IngestBar {
            bar,
            works: AtomicU64::new(0),
        }
    }
}

impl IngestProgress for IngestBar {
    fn start(&self, total_bytes: u64) {
        self.bar.set_length(total_bytes);
    }

    fn advance(&self, bytes: u64, works: u64) {
        self.bar.inc(bytes);
        let total = self.works.fetch_add(works, Ordering::Relaxed) + works;
        self.bar.set_message(format!("{total} works"));
    }

    fn phase(&self, name: &str) {
        self.bar.set_prefix(name.to_string());
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
