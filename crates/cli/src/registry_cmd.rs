//! `tandem registry import`: a ROR dump into an on-disk registry.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use tandem_registry::{ImportProgress, Registry};

#[derive(Subcommand)]
pub enum RegistryCommand {
    /// Import ROR data dumps (schema v2 or v1; JSON, JSON Lines, gzip or ROR's zip) into a registry.
    Import(ImportArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    /// ROR dump files. Several files make one registry; a ROR id seen again replaces the earlier record.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The registry folder (created if missing; an existing registry in it is replaced).
    #[arg(long, value_name = "DIR")]
    pub registry: PathBuf,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// How many rejected records to list (all are counted).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub show_rejects: usize,
}

pub fn run(command: RegistryCommand) -> anyhow::Result<ExitCode> {
    match command {
        RegistryCommand::Import(args) => import(args),
    }
}

fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let mut total_bytes = 0;
    for file in &args.files {
        let meta =
            std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
        if meta.is_dir() {
            bail!(
                "{} is a folder; give the ROR dump file (.json, .jsonl, .gz or .zip)",
                file.display()
            );
        }
        total_bytes += meta.len();
    }
    let bar = if args.quiet {
        ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new(total_bytes)
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix:>9} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} · {msg} · ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix("reading");

    let started = Instant::now();
    let paths: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
    let imported = tandem_registry::import_files(&paths, |p: ImportProgress| {
        bar.set_position(p.bytes);
        bar.set_message(format!("{} records", p.records));
    });
    let imported = match imported {
        Ok(imported) => imported,
        Err(e) => {
            bar.abandon();
            return Err(e).context("import failed; the registry is unchanged");
        }
    };
    let read_time = started.elapsed();
    bar.set_prefix("writing");
    imported.registry.save(&args.registry).with_context(|| {
        format!(
            "could not write the registry into {}",
            args.registry.display()
        )
    })?;
    let import_time = started.elapsed();
    bar.finish_and_clear();
    let meta = imported.registry.meta().clone();
    drop(imported.registry);

    let loaded = Instant::now();
    let registry =
        Registry::load(&args.registry).context("the registry just written does not load")?;
    let load_time = loaded.elapsed();
    let index_bytes = std::fs::metadata(Registry::index_path(&args.registry))
        .map(|m| m.len())
        .unwrap_or(0);
    drop(registry);

    println!("Registry {}", args.registry.display());
    println!("  organisations     {:>9}", meta.organizations);
    println!("    active          {:>9}", meta.active);
    println!(
        "    inactive        {:>9}  (resolvable, marked inactive)",
        meta.inactive
    );
    println!(
        "    withdrawn       {:>9}  (resolvable, marked withdrawn; never matched)",
        meta.withdrawn
    );
    println!(
        "  records read      {:>9}  ({} schema v2, {} schema v1)",
        meta.records_v2 + meta.records_v1,
        meta.records_v2,
        meta.records_v1
    );
    println!(
        "  duplicates        {:>9}  (a later record of the same ROR id replaced the earlier)",
        meta.duplicates
    );
    println!("  rejected          {:>9}", imported.rejects.len());
    println!("  name keys         {:>9}", meta.name_keys);
    println!(
        "  index size        {:>9}  ({})",
        human_bytes(index_bytes),
        Registry::index_path(&args.registry).display()
    );
    println!(
        "  import time       {:>8.2}s  (read {:.2}s, index and write {:.2}s)",
        import_time.as_secs_f64(),
        read_time.as_secs_f64(),
        (import_time - read_time).as_secs_f64()
    );
    println!("  load time         {:>8.2}s", load_time.as_secs_f64());
    if !imported.rejects.is_empty() {
        println!();
        println!("Rejected records (file, position, reason):");
        for reject in imported.rejects.iter().take(args.show_rejects) {
            println!("  {reject}");
        }
        if imported.rejects.len() > args.show_rejects {
            println!(
                "  ... and {} more (--show-rejects N lists more)",
                imported.rejects.len() - args.show_rejects
            );
        }
    }
    if meta.organizations == 0 {
        bail!(
            "no organisation could be read from {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // Like `tandem ingest`: 3 when some records were rejected, so scripts notice.
    Ok(if imported.rejects.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

fn human_bytes(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} kB", bytes as f64 / 1e3)
    }
}
