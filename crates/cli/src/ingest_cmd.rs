//! `tandem ingest openalex`, `tandem ingest scopus`, `tandem ingest wos` and `tandem store info`.

use crate::progress::IngestBar;
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tandem_model::Input;
use tandem_registry::Registry;
use tandem_scopus::address::{AddressResolver, AffiliationReport};
use tandem_scopus::corrections::AffiliationMap;
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

/// `tandem ingest scopus` and `tandem ingest wos`.
#[derive(Args)]
pub struct ExportArgs {
    /// Export files, or folders of them (Scopus: *.csv; Web of Science: *.txt, plain-text or
    /// tab-delimited, told apart automatically).
    #[arg(required = true, value_name = "FILE")]
    pub paths: Vec<PathBuf>,
    /// The store folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// A ROR registry folder (from `tandem registry import`): match each address to institutions.
    /// Without it only countries are resolved.
    #[arg(long, value_name = "DIR")]
    pub registry: Option<PathBuf>,
    /// Write every address that did not resolve to a country or (with --registry) to exactly one set
    /// of institutions to this file, tab-separated: count, country, outcome, candidates, candidate_names,
    /// address.
    #[arg(long, value_name = "FILE")]
    pub unresolved: Option<PathBuf>,
    /// Your corrections: a CSV or tab-separated file whose header names an `address` column and a
    /// `ror` column (one or more ROR ids) and/or a `country` column. Each address listed resolves as
    /// it says, before the matcher is asked. The file --unresolved writes becomes one once you add a
    /// `ror` column and fill it in.
    #[arg(long, value_name = "FILE")]
    pub affiliation_map: Option<PathBuf>,
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

/// Which export a user is ingesting.
#[derive(Clone, Copy)]
pub enum Export {
    Scopus,
    Wos,
}

pub fn ingest_export(args: ExportArgs, export: Export) -> anyhow::Result<std::process::ExitCode> {
    let registry = match &args.registry {
        Some(dir) => Some(Arc::new(Registry::load(dir).with_context(|| {
            format!("cannot load the ROR registry in {}", dir.display())
        })?)),
        None => None,
    };
    let mut read_with = Vec::new();
    if let (Some(dir), Some(registry)) = (&args.registry, &registry) {
        let meta = registry.meta();
        read_with.push(format!(
            "ROR registry {} ({} organisations from {}, imported {})",
            dir.display(),
            meta.organizations,
            meta.source,
            meta.imported_at
        ));
    }
    let mut resolver = AddressResolver::new(registry.clone());
    if let Some(path) = &args.affiliation_map {
        let map = AffiliationMap::read(path, registry.as_deref())?;
        let given = format!(
            "{} addresses given ROR ids, {} a country only",
            map.with_rors(),
            map.len() - map.with_rors()
        );
        eprintln!(
            "Affiliation map {}: {given}{}.",
            path.display(),
            if map.rows_left_to_matcher > 0 {
                format!(
                    "; {} rows give neither and are left to the matcher",
                    map.rows_left_to_matcher
                )
            } else {
                String::new()
            }
        );
        read_with.push(format!("affiliation map {} ({given})", path.display()));
        resolver = resolver.with_corrections(map);
    }
    let resolver = Arc::new(resolver);
    let (source, inputs): (&str, Vec<Box<dyn Input>>) = match export {
        Export::Scopus => (
            "scopus",
            tandem_scopus::inputs_from_paths(&args.paths, resolver.clone())?,
        ),
        Export::Wos => (
            "wos",
            tandem_wos::inputs_from_paths(&args.paths, resolver.clone())?,
        ),
    };
    // A resumed run must read the exports with the same registry and corrections.
    let resume_key = [
        args.registry.as_deref().map(Registry::index_path),
        args.affiliation_map.clone(),
    ]
    .iter()
    .flatten()
    .map(|path| file_identity(path))
    .collect::<Vec<_>>()
    .join("\n");
    let options = IngestOptions {
        source: source.into(),
        threads: args.threads,
        resume_key,
        read_with,
        progress: Arc::new(IngestBar::new(args.quiet)),
        ..Default::default()
    };
    let summary = tandem_store::ingest(&args.store, inputs, &options).with_context(|| {
        format!(
            "ingest into {} failed; the store is unchanged",
            args.store.display()
        )
    })?;
    let code = report_ingest(&summary);
    let report = resolver.report();
    report_addresses(&report, summary.resumed_inputs);
    if let Some(path) = &args.unresolved {
        write_unresolved(&report, path).with_context(|| {
            format!(
                "cannot write the unresolved addresses to {}",
                path.display()
            )
        })?;
        eprintln!(
            "All {} distinct unresolved addresses are in {}.",
            report.unresolved.len(),
            path.display()
        );
    }
    Ok(code)
}

/// A file's path, size and modification time: enough to tell that it changed between two runs.
fn file_identity(path: &Path) -> String {
    let meta = std::fs::metadata(path).ok();
    format!(
        "{} {:?} {:?}",
        path.display(),
        meta.as_ref().map(|m| m.len()),
        meta.and_then(|m| m.modified().ok())
    )
}

fn percent(share: Option<f64>) -> String {
    share.map_or("-".to_string(), |s| format!("{:.1}%", s * 100.0))
}

/// Prints how well the addresses resolved, and the most frequent ones that did not.
fn report_addresses(report: &AffiliationReport, resumed_inputs: usize) {
    eprintln!(
        "Addresses: {} read; {} ({}) resolved to a country; {}.",
        report.addresses,
        report.with_country,
        percent(report.country_share()),
        if report.registry_used {
            format!(
                "{} ({}) to an institution, {} ambiguous, {} unmatched",
                report.with_institution,
                percent(report.institution_share()),
                report.ambiguous,
                report.addresses - report.with_institution - report.ambiguous
            )
        } else {
            "institutions not matched (no --registry given)".to_string()
        }
    );
    if report.unmatched_with_candidates > 0 {
        eprintln!(
            "  {} of the unmatched addresses name an organisation the matcher did not take (another \
             country's, a namesake); --unresolved lists them as candidates.",
            report.unmatched_with_candidates
        );
    }
    if report.corrected > 0 {
        eprintln!(
            "  {} of these addresses were resolved by the affiliation map.",
            report.corrected
        );
    }
    if resumed_inputs > 0 {
        eprintln!(
            "  ({resumed_inputs} inputs were resumed from an interrupted run; their addresses are not counted here)"
        );
    }
    let unresolved = report.unresolved_by_count();
    if !unresolved.is_empty() {
        eprintln!(
            "Unresolved addresses are kept in the store as raw affiliations; the most frequent of {}:",
            unresolved.len()
        );
        for (address, entry) in unresolved.iter().take(5) {
            let what = if entry.ambiguous {
                format!("ambiguous between {}", entry.candidate_names.join(", "))
            } else if entry.country.is_none() {
                "no country".to_string()
            } else if !entry.candidate_names.is_empty() {
                format!(
                    "no institution (names {}, not taken)",
                    entry.candidate_names.join(", ")
                )
            } else {
                "no institution".to_string()
            };
            let shown: String = address.chars().take(100).collect();
            eprintln!("  {:>5}  {what}: {shown}", entry.count);
        }
    }
}

/// Tab-separated: count, country, outcome, candidates, candidate_names, address; most frequent first.
fn write_unresolved(report: &AffiliationReport, path: &Path) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "count\tcountry\toutcome\tcandidates\tcandidate_names\taddress"
    )?;
    for (address, entry) in report.unresolved_by_count() {
        let outcome = if entry.ambiguous {
            "ambiguous"
        } else if entry.country.is_none() && report.registry_used {
            "no country, no institution"
        } else if entry.country.is_none() {
            "no country"
        } else {
            "no institution"
        };
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        writeln!(
            out,
            "{}\t{}\t{outcome}\t{}\t{}\t{}",
            entry.count,
            entry.country.unwrap_or(""),
            entry.candidates.join(" "),
            clean(&entry.candidate_names.join("; ")),
            clean(address)
        )?;
    }
    out.flush()
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
                for what in &last.read_with {
                    println!("  read with the {what}");
                }
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
