//! `tandem serve`: the dashboard and the JSON API over one store, and the member portal (accounts,
//! the survey, the cross-analysis) over the group database, until Ctrl-C.

use anyhow::Context;
use clap::Args;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tandem_dashboard::{Dashboard, Options};
use tandem_metrics::Group;
use tandem_portal::{PortalConfig, PortalState};

use crate::user_cmd::DbArgs;

#[derive(Args)]
pub struct ServeArgs {
    /// The store folder.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// Address to listen on (port 0 picks a free port; the URL is printed).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Also answer for the group in this file (TOML; its path is its id in URLs). Repeatable.
    #[arg(long = "group-file", value_name = "PATH")]
    pub group_files: Vec<PathBuf>,
    /// The group database (accounts, surveys): postgres://USER:PASSWORD@HOST/DB, sqlite://PATH,
    /// or a file path. Default: tandem.db in the data folder.
    #[arg(long, value_name = "URL", env = "TANDEM_DATABASE")]
    pub database: Option<String>,
    /// The data folder holding the default SQLite group database. Default: `tandem-data` beside
    /// the store folder (where `tandem demo` keeps it).
    #[arg(long, value_name = "DIR", env = "TANDEM_DATA")]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub portal: PortalArgs,
}

impl ServeArgs {
    /// Where the group database is, as `tandem user` and `tandem survey` take it.
    pub fn db_args(&self) -> DbArgs {
        DbArgs {
            database: self.database.clone(),
            data: self.data.clone().unwrap_or_else(|| {
                let store = std::path::absolute(&self.store).unwrap_or_else(|_| self.store.clone());
                store.parent().unwrap_or(Path::new(".")).join("tandem-data")
            }),
        }
    }
}

/// How the member portal is served.
#[derive(Args, Clone)]
pub struct PortalArgs {
    /// The address people reach the server at (for set-password links); with https:// the
    /// cookies are marked Secure.
    #[arg(long, value_name = "URL", env = "TANDEM_BASE_URL")]
    pub base_url: Option<String>,
    /// Behind a reverse proxy: take the client address for login rate limits from X-Forwarded-For.
    #[arg(long)]
    pub trust_forwarded_for: bool,
    /// In survey breakdowns, hide groups of fewer institutions than this.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub suppress_below: u64,
}

impl PortalArgs {
    /// The portal's settings for a server listening on `addr`.
    pub fn config(&self, addr: SocketAddr) -> PortalConfig {
        let base_url = self
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        PortalConfig {
            secure_cookies: base_url.starts_with("https://"),
            trust_forwarded_for: self.trust_forwarded_for,
            suppress_below: self.suppress_below,
            base_url,
            ..PortalConfig::default()
        }
    }
}

/// Reads group files given on the command line; the server only answers for groups named here.
pub fn read_groups(paths: &[PathBuf]) -> anyhow::Result<Vec<Group>> {
    paths
        .iter()
        .map(|p| Group::from_file(p).map_err(anyhow::Error::from))
        .collect()
}

/// Every route the server answers: the dashboard and its API (`/`, `/partners`, `/members`,
/// `/trends`, `/fields`, `/report`, `/api/v1/...`), and the member portal (`/login`, `/logout`,
/// `/set-password`, `/surveys/...`, `/admin/...`) over the group database `db`, whose
/// cross-analysis reads the same store's figures.
pub async fn app(
    store: &Path,
    groups: Vec<Group>,
    db: tandem_db::Database,
    portal: PortalConfig,
) -> anyhow::Result<axum::Router> {
    let dashboard = Dashboard::open(
        store,
        Options {
            groups,
            ..Options::default()
        },
    )
    .await
    .with_context(|| format!("cannot open the store {}", store.display()))?;
    let dashboard = Arc::new(dashboard);
    let app = tandem_dashboard::router(dashboard.clone());
    let portal = PortalState::new(db, portal).with_dashboard(dashboard);
    Ok(app.merge(tandem_portal::router(portal)))
}

/// Serves `app` on `listener` until Ctrl-C (or SIGTERM), printing the URL first.
pub async fn serve(listener: tokio::net::TcpListener, app: axum::Router) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    println!(
        "Tandem dashboard: http://{addr}/  (API: http://{addr}/api/v1/openapi.json; member survey: \
         http://{addr}/surveys; Ctrl-C to stop)"
    );
    // The client address reaches the portal's per-address login rate limit.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("the server stopped")?;
    eprintln!("Stopped.");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let groups = read_groups(&args.group_files)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let db_args = args.db_args();
        let db = db_args.open().await?;
        match &db_args.database {
            Some(_) => eprintln!("Group database: the one given with --database."),
            None => eprintln!(
                "Group database: {} (accounts: tandem user add EMAIL --role admin --data {})",
                db_args.data.join(tandem_db::SQLITE_FILE_NAME).display(),
                db_args.data.display()
            ),
        }
        let config = args.portal.config(listener.local_addr()?);
        let app = app(&args.store, groups, db, config).await?;
        serve(listener, app).await
    })
}
