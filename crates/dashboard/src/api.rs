//! The JSON API under `/api/v1`: the figures of `tandem figures --format json`, whole or in parts.
//!
//! Every endpoint takes the CLI's parameters under the same names. [`ENDPOINTS`] is the one list of
//! paths and the parameters each takes: the router, the parameter check and the OpenAPI document
//! ([`crate::openapi`]) all read it.

use crate::{Dashboard, DashboardError, ViewParams};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use tandem_metrics::Figures;

/// The figure parameters, as `tandem figures` names them.
pub const FIGURE_PARAMS: &[&str] = &[
    "group",
    "partner",
    "year",
    "years",
    "types",
    "field",
    "unify_countries",
];

/// One API endpoint: its path and the query parameters it takes.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub name: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub params: &'static [&'static str],
    /// `application/json` or `text/plain`.
    pub media_type: &'static str,
}

/// Every endpoint of the API, in the order the OpenAPI document lists them.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        name: "figures",
        path: "/api/v1/figures",
        summary: "All key figures",
        description: "Exactly the JSON of `tandem figures --format json` for the same parameters.",
        params: FIGURE_PARAMS,
        media_type: "application/json",
    },
    Endpoint {
        name: "partners",
        path: "/api/v1/partners",
        summary: "Partner countries, ranked",
        description: "The partner part of the figures: the requested partner, the next one, the lead over it, \
                      and every partner country ranked by joint papers.",
        params: FIGURE_PARAMS,
        media_type: "application/json",
    },
    Endpoint {
        name: "members",
        path: "/api/v1/members",
        summary: "Figures per member institution",
        description: "The institutions part of the figures: one row per member of the group (empty for a \
                      country group).",
        params: FIGURE_PARAMS,
        media_type: "application/json",
    },
    Endpoint {
        name: "series",
        path: "/api/v1/series",
        summary: "Figures per year, with partners compared",
        description: "The by_year part of the figures, and for each country in `compare` (default: the \
                      partner) its joint papers per year and their share of the year's international papers.",
        params: &[
            "group",
            "partner",
            "year",
            "years",
            "types",
            "field",
            "unify_countries",
            "compare",
        ],
        media_type: "application/json",
    },
    Endpoint {
        name: "fields",
        path: "/api/v1/fields",
        summary: "Figures per OpenAlex field",
        description: "The figures restricted to each OpenAlex field (primary topic) present in the store, as \
                      `tandem figures --field NAME` computes them; fields without group papers have zero rows.",
        params: &[
            "group",
            "partner",
            "year",
            "years",
            "types",
            "unify_countries",
        ],
        media_type: "application/json",
    },
    Endpoint {
        name: "explain",
        path: "/api/v1/explain",
        summary: "How the figures are computed",
        description: "The text of `tandem figures --explain`: each figure's definition and the SQL that \
                      computes it, runnable in order in any SQL engine over the store.",
        params: FIGURE_PARAMS,
        media_type: "text/plain",
    },
];

/// The endpoint named `name` (one of [`ENDPOINTS`]).
pub fn endpoint(name: &str) -> &'static Endpoint {
    ENDPOINTS
        .iter()
        .find(|e| e.name == name)
        .expect("a name from ENDPOINTS")
}

/// An error as the API answers it: `{"error": ..., "parameter": ..., "status": ...}`.
pub struct ApiError(pub DashboardError);

impl From<DashboardError> for ApiError {
    fn from(e: DashboardError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if status >= 500 {
            eprintln!("tandem-dashboard: internal error: {}", self.0);
        }
        let body = json!({
            "error": self.0.to_string(),
            "parameter": self.0.parameter(),
            "status": status,
        });
        (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            axum::Json(body),
        )
            .into_response()
    }
}

pub(crate) fn routes() -> Router<Arc<Dashboard>> {
    Router::new()
        .route("/api/v1/figures", get(figures))
        .route("/api/v1/partners", get(partners))
        .route("/api/v1/members", get(members))
        .route("/api/v1/series", get(series))
        .route("/api/v1/fields", get(fields))
        .route("/api/v1/explain", get(explain))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1", get(openapi))
}

/// What an unknown path under `/api` answers.
pub(crate) fn not_found() -> Response {
    ApiError(DashboardError::NoData(
        "no such endpoint; the API is described at /api/v1/openapi.json".into(),
    ))
    .into_response()
}

fn params(d: &Dashboard, raw: Option<String>, name: &str) -> Result<ViewParams, DashboardError> {
    d.params(raw.as_deref(), endpoint(name).params)
}

fn json_response(value: &impl serde::Serialize) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(DashboardError::from)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// The keys every partial answer repeats, so it says what it is about.
fn about(f: &Figures) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("group".into(), json!(f.group));
    m.insert("group_name".into(), json!(f.group_name));
    m.insert("years".into(), json!(f.years));
    m.insert("types".into(), json!(f.types));
    m.insert("field".into(), json!(f.field));
    m.insert("unify_countries".into(), json!(f.unify_countries));
    m.insert("home".into(), json!(f.home));
    m
}

async fn figures(
    State(d): State<Arc<Dashboard>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = params(&d, raw, "figures")?;
    let f = d.figures(&p.query).await?;
    json_response(&*f)
}

/// `/api/v1/partners` body.
pub fn partners_json(f: &Figures) -> Value {
    let mut m = about(f);
    m.insert("international_papers".into(), json!(f.international_papers));
    m.insert("partner".into(), json!(f.partner));
    m.insert("next_partner".into(), json!(f.next_partner));
    m.insert("lead_over_next".into(), json!(f.lead_over_next));
    m.insert("partners".into(), json!(f.partners));
    m.insert("provenance".into(), json!(f.provenance));
    Value::Object(m)
}

async fn partners(
    State(d): State<Arc<Dashboard>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = params(&d, raw, "partners")?;
    let f = d.figures(&p.query).await?;
    json_response(&partners_json(&f))
}

/// `/api/v1/members` body.
pub fn members_json(f: &Figures) -> Value {
    let mut m = about(f);
    m.insert("partner".into(), json!(f.partner));
    m.insert("institutions".into(), json!(f.institutions));
    m.insert("provenance".into(), json!(f.provenance));
    Value::Object(m)
}

async fn members(
    State(d): State<Arc<Dashboard>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = params(&d, raw, "members")?;
    let f = d.figures(&p.query).await?;
    json_response(&members_json(&f))
}

/// One compared partner's joint papers per year.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PartnerSeries {
    pub country: String,
    pub name: String,
    pub by_year: Vec<PartnerYear>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PartnerYear {
    pub year: i32,
    pub partner_papers: u64,
    /// `partner_papers / international_papers` of that year (DESIGN.md `share_of_international`).
    pub share_of_international: Option<f64>,
}

/// The per-year series of each compared partner, from the figures computed with that partner.
pub async fn compare_series(
    d: &Dashboard,
    p: &ViewParams,
    countries: &[String],
) -> Result<Vec<PartnerSeries>, DashboardError> {
    let mut out = Vec::new();
    for country in countries {
        let f = d.figures(&p.query.with_partner(country)).await?;
        out.push(PartnerSeries {
            country: f.partner.country.clone(),
            name: f.partner.name.clone(),
            by_year: f
                .by_year
                .iter()
                .map(|y| PartnerYear {
                    year: y.year,
                    partner_papers: y.partner_papers,
                    share_of_international: (y.international_papers > 0)
                        .then(|| y.partner_papers as f64 / y.international_papers as f64),
                })
                .collect(),
        });
    }
    Ok(out)
}

async fn series(
    State(d): State<Arc<Dashboard>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = params(&d, raw, "series")?;
    let f = d.figures(&p.query).await?;
    let compare = if p.compare.is_empty() {
        vec![p.query.partner.clone()]
    } else {
        p.compare.clone()
    };
    let mut m = about(&f);
    m.insert("partner".into(), json!(f.partner));
    m.insert("by_year".into(), json!(f.by_year));
    m.insert(
        "compare".into(),
        json!(compare_series(&d, &p, &compare).await?),
    );
    m.insert("provenance".into(), json!(f.provenance));
    json_response(&Value::Object(m))
}

/// One field's figures, as `/api/v1/fields` lists them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldRow {
    pub field: String,
    pub papers: u64,
    pub papers_fractional: f64,
    pub collab_papers: u64,
    pub international_papers: u64,
    pub international_share: Option<f64>,
    pub partner: tandem_metrics::PartnerFigure,
    pub next_partner: Option<tandem_metrics::NextPartner>,
    pub lead_over_next: Option<f64>,
    /// The first five partner countries in this field.
    pub top_partners: Vec<tandem_metrics::PartnerRow>,
}

/// The figures for every field in the store, in the store's field order; computations run on the
/// engine one field at a time and are cached like any other.
pub async fn field_rows(d: &Dashboard, p: &ViewParams) -> Result<Vec<FieldRow>, DashboardError> {
    let mut rows = Vec::new();
    for field in d.engine().fields_present().unwrap_or(&[]) {
        let row = match d
            .figures_if_any(&p.query.with_field(Some(field.as_str())))
            .await?
        {
            Some(f) => FieldRow {
                field: field.clone(),
                papers: f.papers,
                papers_fractional: f.papers_fractional,
                collab_papers: f.collab_papers,
                international_papers: f.international_papers,
                international_share: Some(f.international_share),
                partner: f.partner.clone(),
                next_partner: f.next_partner.clone(),
                lead_over_next: f.lead_over_next,
                top_partners: f.partners.iter().take(5).cloned().collect(),
            },
            None => FieldRow {
                field: field.clone(),
                papers: 0,
                papers_fractional: 0.0,
                collab_papers: 0,
                international_papers: 0,
                international_share: None,
                partner: tandem_metrics::PartnerFigure {
                    country: p.query.partner.clone(),
                    name: tandem_metrics::country_name(&p.query.partner),
                    papers: 0,
                    share_of_international: None,
                    rank: None,
                },
                next_partner: None,
                lead_over_next: None,
                top_partners: Vec::new(),
            },
        };
        rows.push(row);
    }
    Ok(rows)
}

async fn fields(
    State(d): State<Arc<Dashboard>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = params(&d, raw, "fields")?;
    let f = d.figures(&p.query).await?;
    let mut m = about(&f);
    m.insert("partner".into(), json!(p.query.partner));
    m.insert("fields".into(), json!(field_rows(&d, &p).await?));
    m.insert("provenance".into(), json!(f.provenance));
    json_response(&Value::Object(m))
}

async fn explain(
    State(d): State<Arc<Dashboard>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = params(&d, raw, "explain")?;
    let text = d.explain(&p.query)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        text,
    )
        .into_response())
}

async fn openapi(
    State(d): State<Arc<Dashboard>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    crate::params::parse_pairs(raw.as_deref(), &[])?;
    json_response(&crate::openapi::document(&d.group_ids()))
}
