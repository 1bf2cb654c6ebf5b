//! `tandem ingest openalex` and `tandem store info`.

use crate::progress::IngestBar;
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::sync::Arc;
use tandem_store::{IngestOptions, IngestSummary, Store};

#[derive(Args)]
pub struct OpenAlexArgs {
    /// Snapshot roots, folders or files: JSON Lines (.gz or plain), API responses, JSON arrays.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The store folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// Reader threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Clone, Copy, ValueEnum, Default)]
pub enum InfoFormat {
    #[default]
    Text,
    Json,
}

#[derive(Args)]
pub struct InfoArgs {
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: InfoFormat,
}

pub fn ingest_openalex(args: OpenAlexArgs) -> anyhow::Result<std::process::ExitCode> {
    let inputs = tandem_openalex::inputs_from_paths(&args.paths)?;
    let options = IngestOptions {
        source: "openalex".into(),
        threads: args.threads,
        progress: Arc::new(IngestBar::new(args.quiet)),
        ..Default::default()
    };
    let summary = tandem_store::ingest(&args.store, inputs, &options).with_context(|| {
        format!(
            "ingest into {} failed; the store is unchanged",
            args.store.display()
        )
    })?;
    Ok(report_ingest(&summary))
}

/// Prints the ingest summary. Exit status 0 when everything was read, 3 when some records were rejected.
pub fn report_ingest(summary: &IngestSummary) -> std::process::ExitCode {
    let r = &summary.record;
    let failed: Vec<_> = r.inputs.iter().filter(|i| i.error.is_some()).collect();
    eprintln!(
        "Read {} works, {} institutions and {} merged ids from {} inputs in {:.1} s{}.",
        r.works_read,
        r.institutions_read,
        r.merged_ids_read,
        r.inputs.len(),
        r.seconds,
        if summary.resumed_inputs > 0 {
            format!(
                " ({} resumed from an interrupted run)",
                summary.resumed_inputs
            )
        } else {
            String::new()
        }
    );
    eprintln!(
        "The store now holds {} works ({} older or repeated copies superseded, {} merged ids removed).",
        r.works_after, r.superseded, r.removed_merged
    );
    for input in &failed {
        eprintln!(
            "warning: {}: {}",
            input.name,
            input.error.as_deref().unwrap_or_default()
        );
    }
    if r.rejects > 0 {
        let per_input: Vec<String> = r
            .inputs
            .iter()
            .filter(|i| i.rejects > 0)
            .map(|i| format!("  {}: {} rejected", i.name, i.rejects))
            .collect();
        eprintln!(
            "{} rejected record{}, kept with file, line and reason in {}:",
            r.rejects,
            if r.rejects == 1 { "" } else { "s" },
            summary
                .rejects_path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
        for line in per_input.iter().take(20) {
            eprintln!("{line}");
        }
        if per_input.len() > 20 {
            eprintln!("  ... and {} more inputs", per_input.len() - 20);
        }
        std::process::ExitCode::from(3)
    } else {
        std::process::ExitCode::SUCCESS
    }
}

pub fn store_info(args: InfoArgs) -> anyhow::Result<()> {
    let store = Store::open(&args.store)?;
    let info = tandem_store::store_info(&store)?;
    match args.format {
        InfoFormat::Json => println!("{}", serde_json::to_string_pretty(&info)?),
        InfoFormat::Text => {
            println!(
                "Store {} (version {}, digest {})",
                info.store,
                info.version,
                &info.digest[..12]
            );
            println!(
                "{} works, {} institutions, {} rejected records over {} ingests",
                info.works, info.institutions, info.rejects, info.ingests
            );
            if let Some(last) = &info.last_ingest {
                println!(
                    "Last ingest: {} from {} ({} inputs, {} works read, {} rejected)",
                    last.finished,
                    last.source,
                    last.inputs.len(),
                    last.works_read,
                    last.rejects
                );
            }
            println!("\nSources:");
            for (source, n) in &info.sources {
                println!("  {source:<12} {n:>10}");
            }
            println!("\nWorks by year:");
            for (year, n) in &info.by_year {
                println!("  {year:<12} {n:>10}");
            }
            println!("\nWorks by type:");
            let mut types: Vec<_> = info.by_type.iter().collect();
            types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (t, n) in types {
                println!("  {t:<20} {n:>10}");
            }
            if !info.rejects_files.is_empty() {
                println!("\nRejects files:");
                for f in &info.rejects_files {
                    println!("  {}", args.store.join(f).display());
                }
            }
        }
    }
    Ok(())
}
