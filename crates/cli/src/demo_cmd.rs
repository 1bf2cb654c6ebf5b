//! `tandem demo`: a synthetic world, generated, ingested through the real path, its figures printed, the
//! bundled member survey loaded with synthetic responses from 20 of the 24 members into a group database
//! in the demo folder, and the dashboard and portal served over them until Ctrl-C (`--no-serve` stops
//! after the figures, for scripts and CI).

use crate::progress::IngestBar;
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::PathBuf;
use std::sync::Arc;
use tandem_metrics::Engine;
use tandem_store::IngestOptions;

#[derive(Args)]
#[command(
    long_about = "Generate a synthetic OpenAlex-shaped world (24 Russell Group members, their colleges, other UK \
institutions and partners in about 40 countries, 2019-2024), ingest it with the real ingest path, and print the key \
figures. It also loads the bundled member survey with synthetic responses from 20 of the 24 members into a group \
database in the same folder. Then it serves the dashboard and the member portal until Ctrl-C (unless --no-serve), \
printing a one-time link to set the password of a demo administrator. The world and the responses are synthetic: \
they illustrate Tandem and are not facts about any university."
)]
pub struct DemoArgs {
    /// Works in the synthetic world.
    #[arg(long, default_value_t = 200_000)]
    pub works: u64,
    /// Seed of the world; the same seed gives the same world.
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// Where to keep the world and its store (default: a folder under the system temp folder).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The partner country shown.
    #[arg(long, default_value = "US")]
    pub partner: String,
    /// The year shown.
    #[arg(long, default_value_t = 2023)]
    pub year: i32,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the figures and stop, without starting the dashboard.
    #[arg(long)]
    pub no_serve: bool,
    /// Where the dashboard listens; when that port is taken, a free one is used.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
}

struct SynthBar(ProgressBar);

impl tandem_synth::Progress for SynthBar {
    fn start(&self, records: u64) {
        self.0.set_length(records);
    }
    fn advance(&self, records: u64, _bytes: u64) {
        self.0.inc(records);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("tandem-demo-{}-{}", args.seed, args.works))
    });
    let world = dir.join("world");
    let store = dir.join("store");
    // A demo store from an older Tandem is regenerated; it holds nothing but the synthetic world.
    if let Err(tandem_store::StoreError::OtherFormat { found, .. }) =
        tandem_store::Store::open(&store)
    {
        eprintln!(
            "The demo store in {} is in an older format ({found}); generating it again.",
            store.display()
        );
        std::fs::remove_dir_all(&store)
            .with_context(|| format!("cannot clear {}", store.display()))?;
    }
    if !store.join("manifest.json").exists() {
        if world.exists() {
            std::fs::remove_dir_all(&world)
                .with_context(|| format!("cannot clear {}", world.display()))?;
        }
        std::fs::create_dir_all(&world)
            .with_context(|| format!("cannot create {}", world.display()))?;
        eprintln!(
            "Generating a synthetic world of {} works in {} ...",
            args.works,
            world.display()
        );
        let bar = if args.quiet {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        } else {
            ProgressBar::new(0)
        };
        bar.set_style(
            ProgressStyle::with_template(
                "generating [{bar:30}] {pos}/{len} works · {per_sec} · ETA {eta}",
            )?
            .progress_chars("=> "),
        );
        let config = tandem_synth::Config {
            works: args.works,
            seed: args.seed,
            ..Default::default()
        };
        tandem_synth::generate(&config, &world, &SynthBar(bar))?;
        eprintln!("Ingesting it into {} ...", store.display());
        let inputs = tandem_openalex::inputs_from_paths(std::slice::from_ref(&world))?;
        let options = IngestOptions {
            progress: Arc::new(IngestBar::new(args.quiet)),
            ..Default::default()
        };
        let summary = tandem_store::ingest(&store, inputs, &options)?;
        crate::ingest_cmd::report_ingest(&summary);
    } else {
        eprintln!(
            "Using the demo store in {} (delete the folder to generate it again).",
            store.display()
        );
    }
    let request = crate::figures_cmd::request_from(
        "russell-group",
        &args.partner,
        args.year,
        args.year,
        None,
        None,
        None,
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let figures = runtime.block_on(async {
        let engine = Engine::open(&store).await?;
        anyhow::Ok(engine.figures(request).await?)
    })?;
    let years = figures.years;

    // The member survey: bundled instrument, synthetic responses, in the demo folder's database.
    let data = dir.join("tandem-data");
    let (db, survey) = runtime.block_on(async {
        let db = tandem_db::Database::open_in_data_dir(&data)
            .await
            .with_context(|| format!("cannot open the database in {}", data.display()))?;
        let surveys = tandem_survey::Surveys::new(db.clone());
        let survey = tandem_survey::demo::load(&surveys).await?;
        let progress = surveys.progress(survey.id).await?;
        anyhow::Ok((db, (survey, progress)))
    })?;
    let (survey, progress) = survey;
    println!(
        "SYNTHETIC SURVEY RESPONSES: \"{}\" ({}): {progress}; in {}.\n",
        survey.instrument.title,
        survey.reference(),
        data.join(tandem_db::SQLITE_FILE_NAME).display()
    );
    println!(
        "SYNTHETIC DEMO WORLD: these figures illustrate Tandem; they are not facts about any university.\n"
    );
    print!("{}", tandem_metrics::figures_text(&figures, 10));
    println!("\nTry next:");
    println!(
        "  tandem figures --store {} --group russell-group --partner DE --years 2019-2024",
        store.display()
    );
    println!(
        "  tandem figures --store {} --group russell-group --partner US --year {} --explain",
        store.display(),
        args.year
    );
    println!("  tandem store info --store {}", store.display());
    println!(
        "  tandem survey results {} --data {}",
        survey.instrument.slug,
        data.display()
    );
    if args.no_serve {
        runtime.block_on(db.close());
        return Ok(());
    }
    println!();
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                eprintln!("{} is in use; choosing a free port.", args.addr);
                tokio::net::TcpListener::bind((args.addr.ip(), 0))
                    .await
                    .context("cannot listen on a free port")?
            }
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot listen on {}", args.addr))
                );
            }
        };
        let addr = listener.local_addr()?;
        let config = tandem_portal::PortalConfig {
            base_url: format!("http://{addr}"),
            ..tandem_portal::PortalConfig::default()
        };
        let link = demo_admin_link(&db, &config.base_url).await?;
        let app = crate::serve_cmd::app(&store, Vec::new(), db, config).await?;
        println!(
            "Open http://{addr}/?group=russell-group&partner={}&years={} in a browser.",
            args.partner.to_ascii_uppercase(),
            years[0]
        );
        println!(
            "Member survey (synthetic responses): set the password of the demo administrator {DEMO_ADMIN} at\n  {link}\n\
             then log in and open http://{addr}/surveys/{}/results",
            survey.id
        );
        crate::serve_cmd::serve(listener, app).await
    })
}

/// The demo's administrator account.
const DEMO_ADMIN: &str = "admin@demo.tandem.invalid";

/// A fresh one-time set-password link for the demo administrator (created on first use).
async fn demo_admin_link(db: &tandem_db::Database, base_url: &str) -> anyhow::Result<String> {
    let user = match db.user_by_email(DEMO_ADMIN).await? {
        Some(user) => user,
        None => {
            let user = db
                .create_user(DEMO_ADMIN, tandem_db::Role::Admin, None)
                .await?;
            db.audit(
                None,
                "user.add",
                &format!("user {DEMO_ADMIN}"),
                "demo administrator",
            )
            .await?;
            user
        }
    };
    let token = db.issue_set_password_token(user.id).await?;
    Ok(tandem_db::set_password_link(base_url, &token))
}
