//! The member portal: login, logout and set-password pages; survey invitations and progress for
//! admins; the survey form (works without JavaScript: save a draft, resume, submit); results with
//! a chart per question and cross-tabulation. Response-level data is shown only to admins and to
//! the responding institution's members.
//!
//! Sessions are server-side (the cookie holds a random token, HttpOnly, SameSite=Lax, Secure when
//! served over TLS); every state-changing form carries a CSRF token; failed logins are
//! rate-limited per account and per IP; changes go to the audit log.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let db = tandem_db::Database::open_in_data_dir(std::path::Path::new("tandem-data")).await?;
//! let app = tandem_portal::router(tandem_portal::PortalState::new(db, tandem_portal::PortalConfig::default()));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! // ConnectInfo gives the client address used by the per-IP login limit.
//! axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await?;
//! # Ok(()) }
//! ```

/// A template context: every value goes through serde, so any `Serialize` type can be passed
/// (values that are already template values, such as safe strings, keep what they are).
macro_rules! context {
    ($($key:ident => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut map = std::collections::BTreeMap::<String, minijinja::Value>::new();
        $( map.insert(stringify!($key).to_string(), minijinja::Value::from(minijinja::value::Serde(&$value))); )*
        minijinja::Value::from(map)
    }};
}

mod auth;
mod cross;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tandem_db::Database;
use tandem_survey::Surveys;

pub use auth::{FORM_COOKIE, SESSION_COOKIE};

/// Settings of the portal.
#[derive(Debug, Clone)]
pub struct PortalConfig {
    /// Mark cookies Secure: set when the portal is served over TLS (directly or behind a proxy).
    pub secure_cookies: bool,
    /// How long a login lasts, in seconds.
    pub session_ttl_secs: i64,
    /// Failed logins allowed per account inside the window before logins are refused.
    pub max_failed_logins_per_account: i64,
    /// Failed logins allowed per client address inside the window.
    pub max_failed_logins_per_ip: i64,
    /// The rate-limit window, in seconds.
    pub login_window_secs: i64,
    /// Cross-tabulation cells below this count are hidden.
    pub suppress_below: u64,
    /// Take the client address from the first `X-Forwarded-For` entry (only behind a proxy that
    /// sets it).
    pub trust_forwarded_for: bool,
    /// The portal's public address, for set-password links made by admins.
    pub base_url: String,
    /// The group (as the dashboard names it) whose members' papers the cross-analysis reads.
    pub cross_group: String,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            secure_cookies: false,
            session_ttl_secs: 8 * 3600,
            max_failed_logins_per_account: 5,
            max_failed_logins_per_ip: 20,
            login_window_secs: 15 * 60,
            suppress_below: 3,
            trust_forwarded_for: false,
            base_url: "http://127.0.0.1:8080".into(),
            cross_group: "russell-group".into(),
        }
    }
}

/// What every request handler shares (cheap to clone).
#[derive(Clone)]
pub struct PortalState {
    pub(crate) db: Database,
    pub(crate) surveys: Surveys,
    pub(crate) templates: Arc<minijinja::Environment<'static>>,
    pub(crate) config: Arc<PortalConfig>,
    /// The publication figures, when a store is configured (for the cross-analysis).
    pub(crate) dashboard: Option<Arc<tandem_dashboard::Dashboard>>,
}

impl PortalState {
    /// The portal over a migrated group database.
    pub fn new(db: Database, config: PortalConfig) -> PortalState {
        PortalState {
            surveys: Surveys::new(db.clone()),
            db,
            templates: Arc::new(pages::templates()),
            config: Arc::new(config),
            dashboard: None,
        }
    }

    /// Sets the survey's answers beside publication figures: the cross-analysis page reads the
    /// members' figures through this dashboard (and its cache), which may also be serving its own
    /// pages.
    pub fn with_dashboard(mut self, dashboard: Arc<tandem_dashboard::Dashboard>) -> PortalState {
        self.dashboard = Some(dashboard);
        self
    }
}

/// Every portal route, with its state applied, ready to be merged into a larger app.
///
/// | route | who |
/// |---|---|
/// | `GET/POST /login`, `GET/POST /set-password` | anyone |
/// | `POST /logout` | logged in |
/// | `GET /surveys`, `/surveys/{id}`, `/surveys/{id}/results`, `/surveys/{id}/crosstab`, `/surveys/{id}/results.{csv,json}` | logged in (aggregates only; free text for admins) |
/// | `GET/POST /surveys/{id}/respond` | members of an invited institution |
/// | `GET /surveys/{id}/cross-analysis` | logged in (aggregates; every member's row for admins, the own row for members) |
/// | `GET /surveys/{id}/responses/{ror}` | admins, members of that institution |
/// | `GET /surveys/{id}/responses`, `/surveys/{id}/responses.csv`, `/admin`, `POST /admin/...` | admins |
pub fn router(state: PortalState) -> Router {
    Router::new()
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/logout", post(pages::logout))
        .route(
            "/set-password",
            get(pages::set_password_page).post(pages::set_password),
        )
        .route("/surveys", get(pages::surveys))
        .route("/surveys/{id}", get(pages::survey))
        .route(
            "/surveys/{id}/respond",
            get(pages::respond_page).post(pages::respond),
        )
        .route("/surveys/{id}/results", get(pages::results))
        .route("/surveys/{id}/results.csv", get(pages::results_csv))
        .route("/surveys/{id}/results.json", get(pages::results_json))
        .route("/surveys/{id}/crosstab", get(pages::crosstab))
        .route("/surveys/{id}/cross-analysis", get(cross::cross_analysis))
        .route("/surveys/{id}/responses", get(pages::responses))
        .route("/surveys/{id}/responses.csv", get(pages::responses_csv))
        .route("/surveys/{id}/responses/{ror}", get(pages::response))
        .route("/admin", get(pages::admin))
        .route("/admin/surveys/{id}/invite", post(pages::invite))
        .route("/admin/users", post(pages::add_user))
        .with_state(state)
}

/// Why a request was not served.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// Not logged in: the page redirects to the login form.
    #[error("please log in")]
    NeedLogin,
    /// Logged in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// A missing or wrong CSRF token.
    #[error("this form has expired or did not come from this site: reload the page and try again")]
    Csrf,
    /// Nothing here.
    #[error("{0} not found")]
    NotFound(String),
    /// A request that cannot be understood.
    #[error("{0}")]
    BadRequest(String),
    /// Too many failed logins.
    #[error("too many failed logins: wait a few minutes and try again")]
    RateLimited,
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] tandem_db::DbError),
    /// The survey store failed.
    #[error("{0}")]
    Survey(#[from] tandem_survey::SurveyError),
    /// The publication figures could not be computed.
    #[error("publication figures: {0}")]
    Figures(String),
    /// A template failed to render.
    #[error("template error: {0}")]
    Template(#[from] minijinja::Error),
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        use tandem_survey::SurveyError as S;
        let status = match &self {
            PortalError::NeedLogin => return Redirect::to("/login").into_response(),
            PortalError::Forbidden(_) | PortalError::Csrf => StatusCode::FORBIDDEN,
            PortalError::NotFound(_) | PortalError::Survey(S::NotFound(_)) => StatusCode::NOT_FOUND,
            PortalError::BadRequest(_) | PortalError::Survey(S::Tabulation(_)) => {
                StatusCode::BAD_REQUEST
            }
            PortalError::Survey(S::NotInvited(_)) => StatusCode::FORBIDDEN,
            PortalError::Survey(S::Closed(_) | S::NotOpen(_) | S::AlreadySubmitted) => {
                StatusCode::CONFLICT
            }
            PortalError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            eprintln!("portal: {self}");
            "Something went wrong on the server; the error has been logged.".to_string()
        } else {
            self.to_string()
        };
        (status, pages::error_page(status, &message)).into_response()
    }
}
