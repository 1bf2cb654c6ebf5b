//! `tandem figures`: the key collaboration figures for a group, partner and period.

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use tandem_metrics::{CountryUnification, Engine, FigureRequest, Group};

#[derive(Clone, Copy, ValueEnum, Default, PartialEq)]
pub enum Format {
    #[default]
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Unify {
    /// HK and MO count as CN, as in the CWTS Leiden Ranking.
    Leiden,
}

#[derive(Args)]
pub struct FiguresArgs {
    /// The store folder.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// A built-in group (russell-group), `country:CC`, or the path of a group file (TOML).
    #[arg(long, value_name = "GROUP")]
    pub group: String,
    /// The partner country, ISO 3166-1 alpha-2 (US, DE, CN, ...).
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
    /// Only works whose primary topic's field is this OpenAlex field, e.g. "Medicine".
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,
    /// Merge country codes before counting.
    #[arg(long, value_enum, value_name = "SCHEME")]
    pub unify_countries: Option<Unify>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Print each figure's definition and the SQL that computes it (and then the figures).
    #[arg(long)]
    pub explain: bool,
    /// Partner countries listed in text output.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
}

/// Parses `2019-2023` (or a single year).
pub fn parse_years(text: &str) -> anyhow::Result<(i32, i32)> {
    let parse = |s: &str| -> anyhow::Result<i32> {
        let year: i32 = s
            .trim()
            .parse()
            .with_context(|| format!("{s:?} is not a year; expected YYYY-YYYY, e.g. 2019-2023"))?;
        if !(1800..=2200).contains(&year) {
            bail!("{year} is not a plausible publication year");
        }
        Ok(year)
    };
    match text.split_once(['-', '–', ':']) {
        Some((a, b)) => Ok((parse(a)?, parse(b)?)),
        None => {
            let y = parse(text)?;
            Ok((y, y))
        }
    }
}

pub fn request_from(
    group: &str,
    partner: &str,
    first: i32,
    last: i32,
    types: Option<Vec<String>>,
    field: Option<String>,
    unify: Option<Unify>,
) -> anyhow::Result<FigureRequest> {
    Ok(FigureRequest {
        group: Group::resolve(group)?,
        partner: partner.to_string(),
        first_year: first,
        last_year: last,
        types: types
            .unwrap_or_else(|| {
                tandem_model::DEFAULT_TYPES
                    .iter()
                    .map(|t| t.to_string())
                    .collect()
            })
            .into_iter()
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect(),
        field,
        unify: match unify {
            Some(Unify::Leiden) => CountryUnification::Leiden,
            None => CountryUnification::None,
        },
        home: Vec::new(),
    })
}

pub fn run(args: FiguresArgs) -> anyhow::Result<()> {
    let (first, last) = match (&args.year, &args.years) {
        (Some(y), _) => (*y, *y),
        (None, Some(range)) => parse_years(range)?,
        (None, None) => bail!("give --year YYYY or --years YYYY-YYYY"),
    };
    let request = request_from(
        &args.group,
        &args.partner,
        first,
        last,
        args.types,
        args.field,
        args.unify_countries,
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let engine = Engine::open(&args.store).await?;
        if args.explain {
            let prepared = engine.prepare(request.clone())?;
            println!(
                "{}",
                tandem_metrics::explain_text(
                    &prepared,
                    &engine.store().version_dir().display().to_string()
                )
            );
        }
        let figures = engine.figures(request).await?;
        match args.format {
            Format::Text => print!("{}", tandem_metrics::figures_text(&figures, args.top)),
            Format::Json => println!("{}", serde_json::to_string_pretty(&figures)?),
            Format::Csv => print!("{}", tandem_metrics::figures_csv(&figures)),
        }
        anyhow::Ok(())
    })
}
