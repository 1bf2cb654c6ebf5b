//! `tandem pull openalex`: a group's works from the live OpenAlex API into a store.

use anyhow::Context;
use clap::{ArgGroup, Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tandem_pull::{
    Checkpoint, ClientConfig, Estimate, FetchOptions, PlannedQuery, PullError, PullObserver,
    PullReport, RetryPolicy, Target, Verdict, YearRange,
};

#[derive(Subcommand)]
pub enum PullCommand {
    /// A group's works from the live OpenAlex API (needs a free API key).
    #[command(
        long_about = "Pull a group's works from the live OpenAlex API into a store.\n\n\
        Members are resolved from ROR to OpenAlex ids and combined, up to 100 per query, on \
        authorships.institutions.lineage, so works credited only to a member's child institutions count too. \
        Pages are saved under STORE/pull/ and checkpointed: an interrupted pull resumes where it stopped when \
        the same command is run again. At the end everything goes through the same ingest as a snapshot.\n\n\
        Use --dry-run first: it prints the works, pages and share of the daily budget the pull would use."
    )]
    Openalex(OpenAlexPullArgs),
}

#[derive(Args)]
#[command(group(ArgGroup::new("what").required(true).args(["group", "ror", "filter"])))]
pub struct OpenAlexPullArgs {
    /// The store folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// A built-in group (russell-group) or a file listing members' ROR ids, one per line (CSV allowed).
    #[arg(long, value_name = "G")]
    pub group: Option<String>,
    /// Member institutions by ROR id (repeat or separate with commas).
    #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',')]
    pub ror: Vec<String>,
    /// A raw OpenAlex works filter, e.g. "authorships.institutions.lineage:I40120149,type:article".
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Publication years: 2023 or 2019-2023.
    #[arg(long, value_name = "YYYY-YYYY")]
    pub years: Option<String>,
    /// OpenAlex API key (free at https://openalex.org/settings/api).
    #[arg(
        long,
        env = "OPENALEX_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
    /// Your e-mail, sent with each request so OpenAlex can reach you.
    #[arg(long, value_name = "EMAIL")]
    pub mailto: Option<String>,
    /// Print the plan (works, pages, share of the daily budget) and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Go ahead even when the plan needs more list calls than remain in today's budget.
    #[arg(long)]
    pub force: bool,
    /// The API's base URL.
    #[arg(long, value_name = "URL", default_value = tandem_pull::DEFAULT_API_URL)]
    pub api_url: String,
    /// At most this many requests per second.
    #[arg(long, value_name = "N", default_value_t = 10.0)]
    pub rate: f64,
    /// List calls per day, used when OpenAlex does not report the budget itself.
    #[arg(long, value_name = "N", default_value_t = tandem_pull::FREE_DAILY_LIST_CALLS)]
    pub daily_budget: u64,
    /// Attempts per request before giving up (429, 5xx and network errors are retried).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_attempts: u32,
    /// Works per page (OpenAlex allows at most 200).
    #[arg(long, value_name = "N", default_value_t = tandem_pull::MAX_PER_PAGE, hide = true)]
    pub per_page: u32,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(command: PullCommand) -> anyhow::Result<ExitCode> {
    match command {
        PullCommand::Openalex(args) => pull_openalex(args),
    }
}

/// The members of `--group`: a built-in group's ROR ids, or those listed in a file.
fn group_members(group: &str) -> anyhow::Result<Vec<String>> {
    if let Some((_, _, members)) = tandem_model::groups::BUILTIN_GROUPS
        .iter()
        .find(|(name, _, _)| *name == group)
    {
        return Ok(members.iter().map(|m| m.ror.to_string()).collect());
    }
    let path = Path::new(group);
    if !path.is_file() {
        let names: Vec<&str> = tandem_model::groups::BUILTIN_GROUPS
            .iter()
            .map(|(n, _, _)| *n)
            .collect();
        anyhow::bail!(
            "--group {group}: not a built-in group ({}) nor a file",
            names.join(", ")
        );
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut members = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line
            .split([',', ';', '\t'])
            .map(|f| f.trim().trim_matches('"'))
            .find_map(tandem_model::normalize_ror)
        {
            Some(ror) => members.push(ror),
            // A header line is fine; any other line without a ROR id is a mistake worth saying.
            None if n == 0 => {}
            None => anyhow::bail!(
                "{}:{}: no ROR id on this line (expected e.g. 052gg0110)",
                path.display(),
                n + 1
            ),
        }
    }
    if members.is_empty() {
        anyhow::bail!("{}: lists no ROR ids", path.display());
    }
    Ok(members)
}

fn pull_openalex(args: OpenAlexPullArgs) -> anyhow::Result<ExitCode> {
    let target = match (&args.group, &args.filter) {
        (Some(group), _) => Target::Institutions(group_members(group)?),
        (None, Some(filter)) => Target::Filter(filter.clone()),
        (None, None) => Target::Institutions(args.ror.clone()),
    };
    let years = args.years.as_deref().map(YearRange::parse).transpose()?;
    let config = ClientConfig {
        api_url: args.api_url.clone(),
        api_key: args.api_key.clone().filter(|k| !k.trim().is_empty()),
        mailto: args.mailto.clone(),
        requests_per_second: args.rate,
        retry: RetryPolicy {
            max_attempts: args.max_attempts.max(1),
            ..RetryPolicy::default()
        },
        ..ClientConfig::default()
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let options = FetchOptions {
        per_page: args.per_page,
        daily_budget: args.daily_budget,
        force: args.force,
        cancel: cancel.clone(),
        ..FetchOptions::new(&args.store)
    };
    let bar = Arc::new(PullBar::new(args.quiet));
    let puller = tandem_pull::puller(config, options, bar.clone())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;

    let outcome = runtime.block_on(async {
        // First Ctrl-C: stop after the request in flight, checkpoint intact. Second: leave at once (the
        // checkpoint is written atomically, so even that loses nothing).
        let stop = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, Ordering::SeqCst);
                eprintln!("\nStopping after the current request; run the same command again to resume.");
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
        let plan = tandem_pull::make_plan(&puller, &target, years).await?;
        for ror in &plan.unresolved {
            eprintln!("warning: OpenAlex knows no institution with ROR id {ror}; its works cannot be pulled");
        }
        let estimate = puller.estimate(&plan).await?;
        print_estimate(&plan, &estimate, args.force);
        if args.dry_run {
            return Ok::<_, PullError>((plan, false));
        }
        bar.start(&estimate);
        let fetched = puller.fetch(&estimate).await;
        bar.finish();
        fetched?;
        Ok((plan, true))
    });
    let (plan, fetched) = outcome.map_err(|e| anyhow::anyhow!(e))?;
    if !fetched {
        return Ok(ExitCode::SUCCESS);
    }

    let saved = tandem_pull::saved_queries(&args.store, &plan)?;
    let report = tandem_pull::reconcile(&saved)?;
    print_report(&report);
    let ingest_options = tandem_store::IngestOptions {
        source: "openalex-api".into(),
        progress: Arc::new(crate::progress::IngestBar::new(args.quiet)),
        ..Default::default()
    };
    let ingested =
        tandem_pull::ingest_pulled(&args.store, &saved, &ingest_options).with_context(|| {
            format!(
                "ingest into {} failed; the pulled pages are kept",
                args.store.display()
            )
        })?;
    if ingested.truncated_copies_replaced > 0 {
        eprintln!(
            "{} works had truncated author lists in the list pages; their full records were stored instead.",
            ingested.truncated_copies_replaced
        );
    }
    let code = crate::ingest_cmd::report_ingest(&ingested.summary);
    let errors = report.errors();
    if !errors.is_empty() {
        anyhow::bail!(
            "{} of {} queries did not receive every work OpenAlex counted (see above); what arrived was stored",
            errors.len(),
            report.queries.len()
        );
    }
    Ok(code)
}

fn print_estimate(plan: &tandem_pull::Plan, estimate: &Estimate, force: bool) {
    if !plan.resolved.is_empty() {
        eprintln!(
            "{} institutions resolved to OpenAlex ids{}; {} quer{}:",
            plan.resolved.len(),
            if plan.unresolved.is_empty() {
                String::new()
            } else {
                format!(" ({} unknown)", plan.unresolved.len())
            },
            plan.queries.len(),
            if plan.queries.len() == 1 { "y" } else { "ies" }
        );
    }
    for q in &estimate.queries {
        let status = if q.complete {
            "already pulled".to_string()
        } else if q.pages_saved > 0 {
            format!("resumes after page {}", q.pages_saved)
        } else {
            "new".to_string()
        };
        eprintln!(
            "  {}  {:<40} {:>9} works {:>7} pages {:>7} calls  ({status})",
            q.query.id, q.query.label, q.expected_works, q.pages, q.calls_needed
        );
    }
    let b = &estimate.budget;
    eprintln!(
        "Needs {} list calls for {} works: {:.1}% of the daily budget of {} calls; {} remain today ({}).",
        estimate.calls_needed,
        estimate.expected_works,
        estimate.share_of_daily_budget() * 100.0,
        b.daily_calls,
        b.remaining_calls,
        b.source
    );
    if !estimate.fits_budget() {
        eprintln!(
            "{}",
            if force {
                "Over budget, going ahead because of --force."
            } else {
                "Over budget: the pull would stop here (use --force to go ahead)."
            }
        );
    }
}

fn print_report(report: &PullReport) {
    eprintln!("Per query, works OpenAlex counted against works received:");
    for q in &report.queries {
        let verdict = match &q.verdict {
            Verdict::Exact => "exact".to_string(),
            Verdict::Explained(why) => format!("explained: {why}"),
            Verdict::Short(why) => format!("ERROR: {why}"),
            Verdict::Incomplete(why) => format!("ERROR: incomplete: {why}"),
        };
        let truncated = if q.truncated_authors > 0 {
            format!(
                ", {} truncated author lists re-fetched ({} of them)",
                q.refetched, q.truncated_authors
            )
        } else {
            String::new()
        };
        eprintln!(
            "  {}  expected {:>9}  received {:>9}  {verdict}{truncated}",
            q.query_id, q.expected, q.distinct_works
        );
    }
    eprintln!("{} distinct works over all queries.", report.distinct_works);
}

/// Works received, pages, rate, ETA and budget used.
struct PullBar {
    bar: ProgressBar,
    pages: AtomicU64,
}

impl PullBar {
    fn new(quiet: bool) -> PullBar {
        let bar = if quiet {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        } else {
            ProgressBar::new(0)
        };
        bar.set_style(
            ProgressStyle::with_template(
                "pulling [{bar:30}] {pos}/{len} works · {per_sec} · ETA {eta} · {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        PullBar {
            bar,
            pages: AtomicU64::new(0),
        }
    }

    fn start(&self, estimate: &Estimate) {
        self.bar.set_length(
            estimate
                .queries
                .iter()
                .filter(|q| !q.complete)
                .map(|q| q.expected_works)
                .sum(),
        );
        self.bar.reset_eta();
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl PullObserver for PullBar {
    fn query_started(&self, _query: &PlannedQuery, checkpoint: &Checkpoint) {
        // Pages saved by an earlier run count as received; the rate and ETA start afresh.
        self.bar.inc(checkpoint.records);
        self.pages
            .fetch_add(u64::from(checkpoint.pages), Ordering::Relaxed);
        self.bar.reset_eta();
    }

    fn page_saved(&self, _query: &PlannedQuery, _checkpoint: &Checkpoint, records_in_page: usize) {
        self.bar.inc(records_in_page as u64);
        self.pages.fetch_add(1, Ordering::Relaxed);
    }

    fn refetching(&self, _query: &PlannedQuery, work_id: &str) {
        self.bar
            .set_message(format!("fetching all authors of {work_id}"));
    }

    fn retrying(&self, _url: &str, retry: u32, wait: Duration, reason: &str) {
        self.bar.set_message(format!(
            "retry {retry} in {:.1}s: {reason}",
            wait.as_secs_f64()
        ));
    }

    fn budget(&self, status: &tandem_pull::BudgetStatus) {
        self.bar.set_message(format!(
            "{} pages · {} calls used, {} of {} left today",
            self.pages.load(Ordering::Relaxed),
            status.used_by_this_run,
            status.remaining_calls,
            status.daily_calls
        ));
    }
}
