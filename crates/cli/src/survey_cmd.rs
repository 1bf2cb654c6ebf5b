//! `tandem survey`: import instruments, invite members, import responses, tabulate results.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use tandem_survey::tabulate::{crosstab, tabulate};
use tandem_survey::{Answers, Instrument, Surveys, TabulateOptions};

use crate::user_cmd::{DbArgs, block_on};

#[derive(Subcommand)]
pub enum SurveyCommand {
    /// Import an instrument (TOML). A changed instrument becomes a new version.
    Import(ImportArgs),
    /// List instruments and their versions, with collection progress.
    List(DbArgs),
    /// Invite member institutions to answer through the portal.
    Invite(InviteArgs),
    /// Import responses from CSV (all rows or none).
    ImportResponses(ImportResponsesArgs),
    /// Export submitted responses as CSV (the format import-responses reads).
    ExportResponses(SurveyRef),
    /// Tabulate a survey: counts and percentages with denominators, optional cross-tabulation.
    Results(ResultsArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    /// The instrument file (TOML).
    #[arg(required_unless_present = "bundled")]
    pub file: Option<PathBuf>,
    /// Import the bundled "International research collaboration" instrument instead.
    #[arg(long, conflicts_with = "file")]
    pub bundled: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Args)]
pub struct SurveyRef {
    /// The survey: SLUG (latest version), SLUG@VERSION, or its id.
    pub survey: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Args)]
pub struct InviteArgs {
    /// The survey: SLUG (latest version), SLUG@VERSION, or its id.
    pub survey: String,
    /// ROR ids of the institutions to invite.
    #[arg(value_name = "ROR", required_unless_present = "all")]
    pub institutions: Vec<String>,
    /// Invite every member institution.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Args)]
pub struct ImportResponsesArgs {
    /// The survey: SLUG (latest version), SLUG@VERSION, or its id.
    pub survey: String,
    /// CSV file: a column `institution` (ROR ids), then one column per question id.
    pub file: PathBuf,
    /// Overwrite responses of institutions that already answered.
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Args)]
pub struct ResultsArgs {
    /// The survey: SLUG (latest version), SLUG@VERSION, or its id.
    pub survey: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Cross-tabulate two questions instead: ROW_QUESTION,COLUMN_QUESTION.
    #[arg(long, value_name = "ROW,COLUMN")]
    pub crosstab: Option<String>,
    /// In cross-tabulations, hide counts below this (and any count that would reveal them).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub suppress_below: u64,
    /// Include free-text answers (they identify institutions: administrators only).
    #[arg(long)]
    pub free_text: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(command: SurveyCommand) -> anyhow::Result<()> {
    block_on(async move {
        match command {
            SurveyCommand::Import(args) => import(args).await,
            SurveyCommand::List(db) => list(db).await,
            SurveyCommand::Invite(args) => invite(args).await,
            SurveyCommand::ImportResponses(args) => import_responses(args).await,
            SurveyCommand::ExportResponses(args) => export_responses(args).await,
            SurveyCommand::Results(args) => results(args).await,
        }
    })?
}

async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let instrument = match &args.file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Instrument::from_toml(&text, &path.display().to_string())?
        }
        None => Instrument::bundled(),
    };
    let surveys = Surveys::new(args.db.open().await?);
    let (stored, kind) = surveys.import_instrument(&instrument, None).await?;
    let what = match kind {
        tandem_survey::ImportKind::New => "imported as a new version",
        tandem_survey::ImportKind::Unchanged => "unchanged: already imported",
        tandem_survey::ImportKind::Rescheduled => "rescheduled (same questions, new dates)",
    };
    println!(
        "{} ({}): {what}; {} questions, open {} to {}.",
        stored.instrument.title,
        stored.reference(),
        stored.instrument.questions.len(),
        stored.instrument.opens,
        stored.instrument.closes
    );
    surveys.db().close().await;
    Ok(())
}

async fn list(db: DbArgs) -> anyhow::Result<()> {
    let surveys = Surveys::new(db.open().await?);
    let all = surveys.instruments().await?;
    if all.is_empty() {
        println!("No surveys yet: import one with `tandem survey import FILE` (or --bundled).");
    }
    for s in all {
        let progress = surveys.progress(s.id).await?;
        println!(
            "{}\t{}\topen {} to {}\t{progress}",
            s.reference(),
            s.instrument.title,
            s.instrument.opens,
            s.instrument.closes
        );
    }
    surveys.db().close().await;
    Ok(())
}

async fn invite(args: InviteArgs) -> anyhow::Result<()> {
    let surveys = Surveys::new(args.db.open().await?);
    let survey = surveys.find(&args.survey).await?;
    let rors: Vec<String> = if args.all {
        surveys
            .db()
            .institutions()
            .await?
            .into_iter()
            .map(|i| i.ror)
            .collect()
    } else {
        args.institutions.clone()
    };
    for ror in &rors {
        surveys
            .invite(survey.id, ror, None)
            .await
            .with_context(|| format!("cannot invite {ror}"))?;
    }
    println!(
        "Invited {} institutions to {}.",
        rors.len(),
        survey.reference()
    );
    println!("{}", surveys.progress(survey.id).await?);
    surveys.db().close().await;
    Ok(())
}

async fn import_responses(args: ImportResponsesArgs) -> anyhow::Result<()> {
    let surveys = Surveys::new(args.db.open().await?);
    let survey = surveys.find(&args.survey).await?;
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let source = format!("csv:{}", args.file.display());
    let result = surveys
        .import_responses_csv(&survey, &text, &source, args.replace, false, None)
        .await;
    surveys.db().close().await;
    match result {
        Ok(n) => {
            println!("Imported {n} responses into {}.", survey.reference());
            Ok(())
        }
        Err(tandem_survey::SurveyError::Import(errors)) => {
            for e in &errors {
                eprintln!("{}: {e}", args.file.display());
            }
            anyhow::bail!(
                "nothing imported from {}: {} problem(s)",
                args.file.display(),
                errors.len()
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn export_responses(args: SurveyRef) -> anyhow::Result<()> {
    let surveys = Surveys::new(args.db.open().await?);
    let survey = surveys.find(&args.survey).await?;
    print!("{}", surveys.export_responses_csv(&survey).await?);
    surveys.db().close().await;
    Ok(())
}

async fn results(args: ResultsArgs) -> anyhow::Result<()> {
    let surveys = Surveys::new(args.db.open().await?);
    let survey = surveys.find(&args.survey).await?;
    let responses = surveys.submitted_responses(&survey).await?;
    let members = surveys.member_count().await? as u64;
    surveys.db().close().await;
    if let Some(pair) = &args.crosstab {
        let (row, column) = pair
            .split_once(',')
            .context("--crosstab takes two question ids separated by a comma")?;
        let answers: Vec<(&str, &Answers)> = responses
            .iter()
            .map(|r| (r.institution_ror.as_str(), &r.answers))
            .collect();
        let table = crosstab(
            &survey.instrument,
            &answers,
            row.trim(),
            column.trim(),
            args.suppress_below,
        )?;
        match args.format {
            Format::Text => print!("{}", table.to_text()),
            Format::Json => println!("{}", serde_json::to_string_pretty(&table)?),
            Format::Csv => {
                println!("{},{},count", table.row_question, table.column_question);
                for (r, row) in table.rows.iter().enumerate() {
                    for (c, column) in table.columns.iter().enumerate() {
                        let cell = table.cells[r][c]
                            .count
                            .map_or_else(|| format!("<{}", table.threshold), |n| n.to_string());
                        println!("{},{},{cell}", row.value, column.value);
                    }
                }
            }
        }
        return Ok(());
    }
    let options = TabulateOptions {
        include_free_text: args.free_text,
        suppress_below: args.suppress_below,
    };
    let tabulation = tabulate(&survey, &responses, members, &options);
    match args.format {
        Format::Text => print!("{}", tabulation.to_text()),
        Format::Json => println!("{}", tabulation.to_json()),
        Format::Csv => print!("{}", tabulation.to_csv()?),
    }
    Ok(())
}
