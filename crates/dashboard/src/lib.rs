//! The Tandem dashboard, JSON API and printable report: views over `tandem_metrics` figures.
//!
//! [`Dashboard`] holds one opened store, the groups it answers for and a cache of computed
//! [`Figures`]; [`router`] serves it over HTTP (pages at `/`, the JSON API under `/api/v1`);
//! [`report::render`] writes the same views as one self-contained HTML file. Nothing here computes a
//! figure: every number comes from [`tandem_metrics::Engine`], the same as `tandem figures`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let dashboard = tandem_dashboard::Dashboard::open(
//!     std::path::Path::new("store"),
//!     tandem_dashboard::Options::default(),
//! )
//! .await?;
//! let app = tandem_dashboard::router(std::sync::Arc::new(dashboard));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```

pub mod api;
mod cache;
pub mod charts;
pub mod openapi;
mod pages;
pub mod params;
pub mod report;

pub use cache::FiguresCache;
pub use params::{Counting, FigureQuery, ViewParams};

use axum::Router;
use std::path::Path;
use std::sync::Arc;
use tandem_metrics::{
    CountryUnification, Engine, FigureRequest, Figures, Group, Membership, MetricsError,
};

/// Errors of the views. Each says whether the user's request or the server is at fault.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// A query parameter is unknown or invalid: the user's to fix (HTTP 400).
    #[error("{message}")]
    BadParameter { parameter: String, message: String },
    /// The request is valid but the store holds nothing to compute it from (HTTP 404).
    #[error("{0}")]
    NoData(String),
    /// Something the user cannot fix: the store, the engine, a template (HTTP 500).
    #[error("{0}")]
    Internal(String),
}

impl DashboardError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            DashboardError::BadParameter { .. } => 400,
            DashboardError::NoData(_) => 404,
            DashboardError::Internal(_) => 500,
        }
    }

    /// The parameter at fault, if any.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            DashboardError::BadParameter { parameter, .. } => Some(parameter),
            _ => None,
        }
    }
}

impl From<MetricsError> for DashboardError {
    fn from(error: MetricsError) -> Self {
        match error {
            MetricsError::Empty(message) => DashboardError::NoData(message),
            MetricsError::Group(e) => DashboardError::BadParameter {
                parameter: "group".into(),
                message: e.to_string(),
            },
            MetricsError::Invalid(message) => {
                // Parameters are checked before the engine sees them; this names the likeliest one.
                let parameter = ["partner", "types", "field", "years"]
                    .into_iter()
                    .find(|p| message.contains(p))
                    .unwrap_or("request");
                DashboardError::BadParameter {
                    parameter: parameter.into(),
                    message,
                }
            }
            other => DashboardError::Internal(other.to_string()),
        }
    }
}

impl From<minijinja::Error> for DashboardError {
    fn from(error: minijinja::Error) -> Self {
        DashboardError::Internal(format!("template: {error:#}"))
    }
}

impl From<serde_json::Error> for DashboardError {
    fn from(error: serde_json::Error) -> Self {
        DashboardError::Internal(format!("JSON: {error}"))
    }
}

/// How a [`Dashboard`] is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// Groups read from group files at start, answered for under their id (`Group::id`), besides the
    /// built-in groups and `country:CC`. The server never reads a path given in a request.
    pub groups: Vec<Group>,
    /// Figures computations kept in memory.
    pub cache_capacity: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            groups: Vec::new(),
            cache_capacity: 1024,
        }
    }
}

/// One store, opened for the views.
pub struct Dashboard {
    engine: Engine,
    groups: Vec<Group>,
    group_ids: Vec<String>,
    cache: FiguresCache,
    templates: minijinja::Environment<'static>,
}

impl Dashboard {
    /// Opens the store at `store` for querying.
    pub async fn open(store: &Path, options: Options) -> Result<Dashboard, DashboardError> {
        let engine = Engine::open(store).await?;
        // Every page lists the fields; read them now so a damaged store fails here, not per page.
        engine.fields_present()?;
        Ok(Dashboard {
            engine,
            group_ids: options.groups.iter().map(|g| g.id.clone()).collect(),
            groups: options.groups,
            cache: FiguresCache::new(options.cache_capacity),
            templates: pages::templates()?,
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The cache of computed figures.
    pub fn cache(&self) -> &FiguresCache {
        &self.cache
    }

    /// Ids of the groups this dashboard answers for, besides `country:CC`.
    pub fn group_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = tandem_model::groups::BUILTIN_GROUPS
            .iter()
            .map(|g| g.0.to_string())
            .collect();
        ids.extend(self.group_ids.iter().cloned());
        ids
    }

    /// Parses and checks a raw query string; `allowed` names the parameters the caller takes.
    pub fn params(
        &self,
        raw: Option<&str>,
        allowed: &[&str],
    ) -> Result<ViewParams, DashboardError> {
        let pairs = params::parse_pairs(raw, allowed)?;
        self.params_from_pairs(&pairs)
    }

    /// Checks already split parameters (as from a command line).
    pub fn params_from_pairs(
        &self,
        pairs: &[(String, String)],
    ) -> Result<ViewParams, DashboardError> {
        params::view_params(
            pairs,
            &params::Context {
                years_present: self.engine.years_present(),
                // Loaded in `open`, so this cannot fail here.
                fields_present: self.engine.fields_present().unwrap_or(&[]),
                extra_groups: &self.group_ids,
            },
        )
    }

    /// The group a query names (one member of it, when `query.member` is set).
    pub fn group(&self, query: &FigureQuery) -> Result<Group, DashboardError> {
        let group = match self.groups.iter().find(|g| g.id == query.group) {
            Some(g) => g.clone(),
            // Only ids `params` accepted reach here: built-in names and `country:CC`, never a path.
            None => Group::resolve(&query.group).map_err(|e| DashboardError::BadParameter {
                parameter: "group".into(),
                message: e.to_string(),
            })?,
        };
        let Some(ror) = &query.member else {
            return Ok(group);
        };
        let member = group
            .members()
            .iter()
            .find(|m| &m.ror == ror)
            .cloned()
            .ok_or_else(|| {
                DashboardError::NoData(format!("{ror} is not a member of {}", group.name))
            })?;
        Ok(Group {
            id: format!("{}/{}", group.id, member.ror),
            name: member.name.clone().unwrap_or_else(|| member.ror.clone()),
            membership: Membership::Institutions(vec![member]),
        })
    }

    /// The engine request for a query.
    pub fn request(&self, query: &FigureQuery) -> Result<FigureRequest, DashboardError> {
        Ok(FigureRequest {
            group: self.group(query)?,
            partner: query.partner.clone(),
            first_year: query.first_year,
            last_year: query.last_year,
            types: query.types.clone(),
            field: query.field.clone(),
            unify: if query.unify_leiden {
                CountryUnification::Leiden
            } else {
                CountryUnification::None
            },
            home: Vec::new(),
        })
    }

    /// The figures for a query: from the cache, or computed by the engine and kept.
    pub async fn figures(&self, query: &FigureQuery) -> Result<Arc<Figures>, DashboardError> {
        let request = self.request(query)?;
        self.cache
            .get_or_compute(query, move || async move {
                self.engine
                    .figures(request)
                    .await
                    .map_err(DashboardError::from)
            })
            .await
    }

    /// Like [`Dashboard::figures`], with "no data" as `None` (a field or year the group has no papers in).
    pub async fn figures_if_any(
        &self,
        query: &FigureQuery,
    ) -> Result<Option<Arc<Figures>>, DashboardError> {
        match self.figures(query).await {
            Ok(f) => Ok(Some(f)),
            Err(DashboardError::NoData(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The `tandem figures --explain` text for a query.
    pub fn explain(&self, query: &FigureQuery) -> Result<String, DashboardError> {
        let prepared = self.engine.prepare(self.request(query)?)?;
        Ok(tandem_metrics::explain_text(
            &prepared,
            &self.engine.store().version_dir().display().to_string(),
        ))
    }

    /// The prepared request (home countries filled in), whose steps are the definitions used.
    pub fn prepared(&self, query: &FigureQuery) -> Result<FigureRequest, DashboardError> {
        Ok(self.engine.prepare(self.request(query)?)?)
    }

    /// Years the store holds, first to last (empty when it holds none).
    pub fn store_years(&self) -> Option<(i32, i32)> {
        let years = self.engine.years_present();
        Some((*years.keys().next()?, *years.keys().next_back()?))
    }
}

/// The dashboard's HTTP routes: pages, downloads and the JSON API under `/api/v1`.
pub fn router(dashboard: Arc<Dashboard>) -> Router {
    pages::routes().merge(api::routes()).with_state(dashboard)
}
