//! `tandem report`: one self-contained HTML report (inline SVG charts, print CSS) for a group and period.

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use tandem_dashboard::report::ReportOptions;
use tandem_dashboard::{Dashboard, DashboardError, Options};
use tandem_metrics::Group;

#[derive(Clone, Copy, ValueEnum)]
pub enum Counting {
    Full,
    Fractional,
}

#[derive(Args)]
pub struct ReportArgs {
    /// The store folder.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// A built-in group (russell-group), `country:CC`, or the path of a group file (TOML).
    #[arg(long, value_name = "GROUP", default_value = "russell-group")]
    pub group: String,
    /// The partner country, ISO 3166-1 alpha-2.
    #[arg(long, value_name = "CC", default_value = "US")]
    pub partner: String,
    /// One publication year.
    #[arg(
        long,
        value_name = "YYYY",
        conflicts_with = "years",
        required_unless_present = "years"
    )]
    pub year: Option<i32>,
    /// A range of publication years, inclusive: 2019-2023.
    #[arg(long, value_name = "YYYY-YYYY")]
    pub years: Option<String>,
    /// Document types to count (default: article, review, book-chapter, book).
    #[arg(long, value_name = "t1,t2", value_delimiter = ',')]
    pub types: Option<Vec<String>>,
    /// Only works whose primary topic's field is this OpenAlex field.
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,
    /// Merge country codes before counting (leiden: HK and MO as CN).
    #[arg(long, value_name = "SCHEME")]
    pub unify_countries: Option<String>,
    /// Counting shown for output and partner counts in charts.
    #[arg(long, value_enum, default_value = "full")]
    pub counting: Counting,
    /// The report file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The report's title.
    #[arg(long)]
    pub title: Option<String>,
    /// The group's name as the report writes it.
    #[arg(long)]
    pub group_name: Option<String>,
}

/// The report's parameters in the dashboard's names, so they are checked exactly as the API checks them.
fn pairs(args: &ReportArgs, group_id: &str) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("group".to_string(), group_id.to_string()),
        ("partner".to_string(), args.partner.clone()),
    ];
    if let Some(y) = args.year {
        pairs.push(("year".into(), y.to_string()));
    }
    if let Some(y) = &args.years {
        pairs.push(("years".into(), y.clone()));
    }
    if let Some(t) = &args.types {
        pairs.push(("types".into(), t.join(",")));
    }
    if let Some(f) = &args.field {
        pairs.push(("field".into(), f.clone()));
    }
    if let Some(u) = &args.unify_countries {
        pairs.push(("unify_countries".into(), u.clone()));
    }
    pairs.push((
        "counting".into(),
        match args.counting {
            Counting::Full => "full",
            Counting::Fractional => "fractional",
        }
        .into(),
    ));
    pairs
}

fn cli_error(e: DashboardError) -> anyhow::Error {
    match e.parameter() {
        Some(p) => anyhow::anyhow!("--{}: {e}", p.replace('_', "-")),
        None => anyhow::anyhow!("{e}"),
    }
}

pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    if args.year.is_none() && args.years.is_none() {
        bail!("give --year YYYY or --years YYYY-YYYY");
    }
    // A group file is read here, by the user's own command; the dashboard then answers for it by id.
    let groups = if Path::new(&args.group).is_file() {
        vec![Group::resolve(&args.group)?]
    } else {
        Vec::new()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let html = runtime.block_on(async {
        let dashboard = Dashboard::open(
            &args.store,
            Options {
                groups,
                ..Options::default()
            },
        )
        .await
        .map_err(cli_error)
        .with_context(|| format!("cannot open the store {}", args.store.display()))?;
        let params = dashboard
            .params_from_pairs(&pairs(&args, &args.group))
            .map_err(cli_error)?;
        let options = ReportOptions {
            title: args.title.clone(),
            group_name: args.group_name.clone(),
            command: None,
        };
        tandem_dashboard::report::render(&dashboard, &params, &options)
            .await
            .map_err(cli_error)
    })?;
    std::fs::write(&args.out, html)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!("Wrote {}", args.out.display());
    Ok(())
}
