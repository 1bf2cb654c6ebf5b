//! `tandem serve`: the dashboard and the JSON API over one store, until Ctrl-C.

use anyhow::Context;
use clap::Args;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tandem_dashboard::{Dashboard, Options};
use tandem_metrics::Group;

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
}

/// Reads group files given on the command line; the server only answers for groups named here.
pub fn read_groups(paths: &[PathBuf]) -> anyhow::Result<Vec<Group>> {
    paths
        .iter()
        .map(|p| Group::from_file(p).map_err(anyhow::Error::from))
        .collect()
}

/// Every route the server answers: the dashboard and its API.
pub async fn app(store: &Path, groups: Vec<Group>) -> anyhow::Result<axum::Router> {
    let dashboard = Dashboard::open(
        store,
        Options {
            groups,
            ..Options::default()
        },
    )
    .await
    .with_context(|| format!("cannot open the store {}", store.display()))?;
    let app = tandem_dashboard::router(Arc::new(dashboard));
    // Other web views join here, each an axum Router with its own state already applied, e.g. the
    // member-survey portal: `let app = app.merge(tandem_portal::router(...));`
    Ok(app)
}

/// Serves `app` on `listener` until Ctrl-C (or SIGTERM), printing the URL first.
pub async fn serve(listener: tokio::net::TcpListener, app: axum::Router) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    println!(
        "Tandem dashboard: http://{addr}/  (API: http://{addr}/api/v1/openapi.json; Ctrl-C to stop)"
    );
    axum::serve(listener, app)
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
        let app = app(&args.store, groups).await?;
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        serve(listener, app).await
    })
}
