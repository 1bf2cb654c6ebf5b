//! `tandem synth`: write a deterministic synthetic OpenAlex-shaped world (the demo's and the
//! benchmarks' input).

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::PathBuf;
use tandem_synth::{Config, Detail, Progress};

/// Arguments of `tandem synth`.
#[derive(clap::Args, Debug)]
#[command(
    about = "Write a synthetic OpenAlex-shaped world (snapshot layout) for trying Tandem and for benchmarks",
    long_about = "Write a synthetic, OpenAlex-shaped snapshot: data/works/updated_date=*/part_*.gz (gzip JSON Lines, \
                  current work schema), data/institutions, data/merged_ids and manifests. The world has the 24 \
                  Russell Group members, their lineage children, other UK institutions and partners in 43 countries, \
                  with a country mix calibrated on OpenAlex's 2023 counts. The same seed and options give \
                  byte-identical files. Ingest it with `tandem ingest openalex DIR --store STORE`.\n\n\
                  The world is synthetic: its figures illustrate Tandem, they are not facts about any university."
)]
pub struct SynthArgs {
    /// Number of distinct works.
    #[arg(long, default_value_t = 200_000)]
    pub works: u64,
    /// Seed of every random choice; the same seed gives the same bytes.
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// Output folder: it becomes an OpenAlex snapshot root and must not already hold `data/`.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Publication years, as YYYY-YYYY or YYYY.
    #[arg(long, default_value = "2019-2024", value_name = "YEARS")]
    pub years: String,
    /// Works per part file.
    #[arg(long, default_value_t = 20_000)]
    pub works_per_part: u64,
    /// Part files per updated_date partition.
    #[arg(long, default_value_t = 2)]
    pub parts_per_partition: u64,
    /// Leave out bulky fields the store does not keep (abstracts, references, concepts), for very
    /// large benchmark worlds.
    #[arg(long)]
    pub lean: bool,
    /// Share of works whose lead institution is a Russell Group member. The default makes a UK-centred
    /// world (every figure has thousands of papers); about 0.02 is a world-scale store, in which the
    /// group is a small part of all works. Other UK institutions lead 12/58 as many.
    #[arg(long, default_value_t = 0.58)]
    pub group_share: f64,
    /// gzip level, 0-9.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=9))]
    pub compression: u32,
    /// Write only parts A..B (end exclusive, numbered from 0 across partitions), as A-B: builds a
    /// very large world in slices that are ingested one after another.
    #[arg(long, value_name = "A-B")]
    pub parts: Option<String>,
    /// Also write the figures the generator knows by construction (JSON) to this file.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_years(text: &str) -> anyhow::Result<(u16, u16)> {
    let parse = |s: &str| -> anyhow::Result<u16> {
        s.trim()
            .parse::<u16>()
            .with_context(|| format!("--years {text:?}: expected YYYY or YYYY-YYYY"))
    };
    let (first, last) = match text.split_once('-') {
        Some((a, b)) => (parse(a)?, parse(b)?),
        None => {
            let y = parse(text)?;
            (y, y)
        }
    };
    if first > last || !(1900..=2100).contains(&first) || last > 2100 {
        bail!("--years {text:?}: expected a first year not after the last, between 1900 and 2100");
    }
    Ok((first, last))
}

fn parse_parts(text: &str) -> anyhow::Result<(u64, u64)> {
    let (a, b) = text
        .split_once('-')
        .with_context(|| format!("--parts {text:?}: expected A-B, e.g. 0-50"))?;
    let a: u64 = a
        .trim()
        .parse()
        .with_context(|| format!("--parts {text:?}: {a:?} is not a number"))?;
    let b: u64 = b
        .trim()
        .parse()
        .with_context(|| format!("--parts {text:?}: {b:?} is not a number"))?;
    if a >= b {
        bail!("--parts {text:?}: the end must be after the start");
    }
    Ok((a, b))
}

/// An indicatif bar over work records.
struct SynthBar {
    bar: ProgressBar,
}

impl Progress for SynthBar {
    fn start(&self, records: u64) {
        self.bar.set_length(records);
    }
    fn advance(&self, records: u64, _bytes: u64) {
        self.bar.inc(records);
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Runs `tandem synth`.
pub fn run(args: SynthArgs) -> anyhow::Result<()> {
    let years = parse_years(&args.years)?;
    let only_parts = args.parts.as_deref().map(parse_parts).transpose()?;
    let config = Config {
        works: args.works,
        seed: args.seed,
        years,
        works_per_part: args.works_per_part,
        parts_per_partition: args.parts_per_partition,
        compression: args.compression,
        group_lead_share: args.group_share,
        detail: if args.lean {
            Detail::Lean
        } else {
            Detail::Full
        },
        only_parts,
        threads: args.threads.unwrap_or(0),
        ..Config::default()
    };
    let bar = if args.quiet {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "synth [{bar:30}] {human_pos}/{human_len} works · {per_sec} · ETA {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let progress = SynthBar { bar };
    let summary = tandem_synth::generate(&config, &args.out, &progress)
        .with_context(|| format!("cannot write the synthetic world to {}", args.out.display()))?;
    if let Some(path) = &args.truth {
        let text = serde_json::to_string_pretty(&summary.truth)
            .context("cannot serialise the ground truth")?;
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !args.quiet {
        eprintln!(
            "Wrote {} work records ({} distinct works, {} older versions, {} merged ids) to {}: {:.1} MB of JSON, {:.1} MB gzip.",
            summary.work_records,
            summary.distinct_works,
            summary.upserted,
            summary.merged,
            args.out.display(),
            summary.json_bytes as f64 / 1e6,
            summary.compressed_bytes as f64 / 1e6,
        );
        eprintln!(
            "The world is synthetic. Ingest it with: tandem ingest openalex {} --store STORE",
            args.out.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_parts_parse_or_explain() {
        assert_eq!(parse_years("2019-2024").unwrap(), (2019, 2024));
        assert_eq!(parse_years("2023").unwrap(), (2023, 2023));
        assert!(parse_years("2024-2019").is_err());
        assert!(
            parse_years("soon")
                .unwrap_err()
                .to_string()
                .contains("YYYY")
        );
        assert_eq!(parse_parts("0-50").unwrap(), (0, 50));
        assert!(parse_parts("5-5").is_err());
        assert!(parse_parts("x-5").is_err());
    }
}
