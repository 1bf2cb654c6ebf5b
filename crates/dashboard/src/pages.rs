//! The dashboard pages (Overview, Partners, Members, Trends, Fields, Explain), CSV downloads and the
//! embedded assets. Pages are rendered on the server with minijinja; charts are SVG from [`crate::charts`].

use crate::charts::{self, Bar, Line, Scale, count, esc, fractional, percent};
use crate::{Counting, Dashboard, DashboardError, ViewParams};
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use tandem_metrics::Figures;

/// Parameters every page takes: the figure parameters plus view options.
pub const PAGE_PARAMS: &[&str] = &[
    "group",
    "partner",
    "year",
    "years",
    "types",
    "field",
    "unify_countries",
    "counting",
    "compare",
    "sort",
    "order",
];

/// Document types offered as filters; any other type in a URL is shown too.
const TYPE_CHOICES: &[&str] = &[
    "article",
    "review",
    "book-chapter",
    "book",
    "preprint",
    "letter",
    "editorial",
    "dissertation",
    "dataset",
    "other",
];

pub(crate) const CSS: &str = include_str!("../assets/tandem.css");
pub(crate) const JS: &str = include_str!("../assets/tandem.js");

pub(crate) fn templates() -> Result<minijinja::Environment<'static>, DashboardError> {
    let mut env = minijinja::Environment::new();
    for (name, text) in [
        ("macros.html", include_str!("../templates/macros.html")),
        ("base.html", include_str!("../templates/base.html")),
        ("overview.html", include_str!("../templates/overview.html")),
        ("partners.html", include_str!("../templates/partners.html")),
        ("members.html", include_str!("../templates/members.html")),
        ("member.html", include_str!("../templates/member.html")),
        ("trends.html", include_str!("../templates/trends.html")),
        ("fields.html", include_str!("../templates/fields.html")),
        ("explain.html", include_str!("../templates/explain.html")),
        ("error.html", include_str!("../templates/error.html")),
        ("report.html", include_str!("../templates/report.html")),
    ] {
        env.add_template(name, text)?;
    }
    Ok(env)
}

pub(crate) fn routes() -> Router<Arc<Dashboard>> {
    Router::new()
        .route("/", get(overview))
        .route("/partners", get(partners))
        .route("/members", get(members))
        .route("/members/{ror}", get(member))
        .route("/trends", get(trends))
        .route("/fields", get(fields))
        .route("/explain", get(explain))
        .route("/csv/{table}", get(csv))
        .route("/assets/tandem.css", get(css))
        .route("/assets/tandem.js", get(js))
        .fallback(fallback)
}

async fn fallback(uri: axum::http::Uri, State(d): State<Arc<Dashboard>>) -> Response {
    if uri.path().starts_with("/api") {
        return crate::api::not_found();
    }
    error_page(
        &d,
        DashboardError::NoData(format!("There is no page at {}.", uri.path())),
    )
}

fn asset(body: &'static str, media_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

/// A rendered page, or the error page with the error's status.
fn respond(d: &Dashboard, result: Result<(&'static str, Value), DashboardError>) -> Response {
    let rendered = result.and_then(|(template, ctx)| {
        Ok(d.templates
            .get_template(template)?
            .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))?)
    });
    match rendered {
        Ok(html) => Html(html).into_response(),
        Err(e) => error_page(d, e),
    }
}

fn error_page(d: &Dashboard, e: DashboardError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if e.status() >= 500 {
        eprintln!("tandem-dashboard: internal error: {e}");
    }
    let heading = match e.status() {
        400 => "This view's parameters need a change",
        404 => "Nothing to show",
        _ => "Something went wrong on the server",
    };
    let ctx = json!({
        "page": "error",
        "heading": heading,
        "message": e.to_string(),
        "parameter": e.parameter(),
        "home": "/",
        "nav": {"overview": "/"},
        "nav_items": nav_items(None),
    });
    let html = d
        .templates
        .get_template("error.html")
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(&ctx))))
        .unwrap_or_else(|_| {
            format!(
                "<!doctype html><title>Error</title><p>{}</p>",
                esc(&e.to_string())
            )
        });
    (status, Html(html)).into_response()
}

/// The navigation bar: the dashboard's pages, then the member portal's survey list (served beside the
/// dashboard by `tandem serve`, see `tandem_portal::router`).
const NAV: [(&str, &str, &str); 6] = [
    ("overview", "Overview", "/"),
    ("partners", "Partners", "/partners"),
    ("members", "Members", "/members"),
    ("trends", "Trends", "/trends"),
    ("fields", "Fields", "/fields"),
    ("survey", "Survey", "/surveys"),
];

/// Pages that are not the dashboard's: their links do not carry the dashboard's view parameters.
const PORTAL_PREFIX: &str = "/surveys";

fn nav_items(p: Option<&ViewParams>) -> Vec<Value> {
    NAV.iter()
        .map(|(id, label, path)| {
            let href = match p {
                Some(p) if !path.starts_with(PORTAL_PREFIX) => p.href(path, &[]),
                _ => path.to_string(),
            };
            json!({
                "id": id,
                "label": label,
                "href": href,
            })
        })
        .collect()
}

/// Every period a filter offers: single years (latest first), then ranges.
fn periods(d: &Dashboard, p: &ViewParams) -> Vec<String> {
    let years: Vec<i32> = d.engine().years_present().keys().copied().collect();
    let mut out: Vec<String> = years.iter().rev().map(|y| y.to_string()).collect();
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return out;
    };
    for a in first..last {
        for b in (a + 1..=last).rev() {
            if years.len() <= 15 || b == last {
                out.push(format!("{a}-{b}"));
            }
        }
    }
    let current = p.query.years_text();
    if !out.contains(&current) {
        out.push(current);
    }
    out
}

/// The parts every page has: navigation, filters, provenance.
fn frame(
    d: &Dashboard,
    p: &ViewParams,
    page: &str,
    path: &str,
    heading: String,
    f: Option<&Figures>,
) -> Map<String, Value> {
    let mut countries: Vec<(&str, &str)> = tandem_countries::all_countries().collect();
    countries.sort_by(|a, b| a.1.cmp(b.1));
    let mut types: Vec<Value> = TYPE_CHOICES
        .iter()
        .map(|t| json!({"name": t, "checked": p.query.types.iter().any(|q| q == t)}))
        .collect();
    for t in &p.query.types {
        if !TYPE_CHOICES.contains(&t.as_str()) {
            types.push(json!({"name": t, "checked": true}));
        }
    }
    let mut groups = d.group_ids();
    for c in ["country:GB", "country:US", "country:DE"] {
        groups.push(c.to_string());
    }
    let mut hidden = Vec::new();
    if page != "trends" && !p.compare.is_empty() {
        hidden.push(json!({"name": "compare", "value": p.compare.join(",")}));
    }
    if page == "members" {
        if let Some(sort) = &p.sort {
            hidden.push(json!({"name": "sort", "value": sort}));
        }
        if !p.descending {
            hidden.push(json!({"name": "order", "value": "asc"}));
        }
    }
    let mut m = Map::new();
    m.insert("page".into(), json!(page));
    m.insert("path".into(), json!(path));
    m.insert("heading".into(), json!(heading));
    m.insert("nav".into(), json!({"overview": p.href("/", &[])}));
    m.insert("nav_items".into(), json!(nav_items(Some(p))));
    m.insert(
        "filters".into(),
        json!({
            "group": p.query.group,
            "groups": groups,
            "partner": p.query.partner,
            "countries": countries.iter().map(|(c, n)| json!({"code": c, "name": n})).collect::<Vec<_>>(),
            "years": p.query.years_text(),
            "periods": periods(d, p),
            "field": p.query.field.clone().unwrap_or_default(),
            "fields": d.engine().fields_present().unwrap_or(&[]),
            "counting": p.counting.as_str(),
            "types": types,
            "unify": p.query.unify_leiden,
        }),
    );
    m.insert("hidden".into(), json!(hidden));
    if let Some(f) = f {
        m.insert("provenance".into(), json!(f.provenance));
    }
    m
}

/// Link to the definition of one figure on the Explain page.
fn how(p: &ViewParams, step: &str) -> String {
    format!("{}#step-{step}", p.href("/explain", &[]))
}

fn period(first: i32, last: i32) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}\u{2013}{last}")
    }
}

fn title_of(f: &Figures) -> String {
    let field = f
        .field
        .as_ref()
        .map(|x| format!(", {x}"))
        .unwrap_or_default();
    format!(
        "{}, {}{field}",
        f.group_name,
        period(f.years[0], f.years[1])
    )
}

/// Relative change of a count, as "+4.2% vs 2022".
fn change_count(now: f64, before: Option<f64>, label: &str) -> (String, &'static str) {
    match before {
        Some(b) if b > 0.0 => {
            let c = now / b - 1.0;
            (
                format!("{:+.1}% vs {label}", c * 100.0),
                if c >= 0.0 { "up" } else { "down" },
            )
        }
        _ => (String::new(), ""),
    }
}

/// Change of a share in percentage points, as "+1.3 pp vs 2022".
fn change_share(now: Option<f64>, before: Option<f64>, label: &str) -> (String, &'static str) {
    match (now, before) {
        (Some(n), Some(b)) => {
            let c = (n - b) * 100.0;
            (
                format!("{c:+.1} pp vs {label}"),
                if c >= 0.0 { "up" } else { "down" },
            )
        }
        _ => (String::new(), ""),
    }
}

fn kpi(
    id: &str,
    label: String,
    value: String,
    raw: f64,
    change: (String, &str),
    explain: String,
) -> Value {
    // Whole numbers print without ".0", so `data-value` matches the API's integers.
    let raw = if raw.fract() == 0.0 && raw.abs() < 1e15 {
        json!(raw as i64)
    } else {
        json!(raw)
    };
    json!({"id": id, "label": label, "value": value, "raw": raw, "change": change.0, "change_class": change.1, "explain": explain})
}

/// The key figures as cards, each with its change against `before` (the previous period).
fn kpis(p: &ViewParams, f: &Figures, before: Option<&Figures>) -> Vec<Value> {
    let label = before
        .map(|b| period(b.years[0], b.years[1]))
        .unwrap_or_default();
    let mut out = Vec::new();
    match p.counting {
        Counting::Full => out.push(kpi(
            "papers",
            "Papers (full counting)".into(),
            count(f.papers),
            f.papers as f64,
            change_count(f.papers as f64, before.map(|b| b.papers as f64), &label),
            how(p, "papers"),
        )),
        Counting::Fractional => out.push(kpi(
            "papers_fractional",
            "Papers (fractional counting)".into(),
            fractional(f.papers_fractional),
            f.papers_fractional,
            change_count(
                f.papers_fractional,
                before.map(|b| b.papers_fractional),
                &label,
            ),
            how(p, "papers_fractional"),
        )),
    }
    out.push(kpi(
        "international_share",
        "International co-authorship".into(),
        percent(Some(f.international_share)),
        f.international_share,
        change_share(
            Some(f.international_share),
            before.map(|b| b.international_share),
            &label,
        ),
        how(p, "international_share"),
    ));
    out.push(kpi(
        "international_papers",
        "International papers".into(),
        count(f.international_papers),
        f.international_papers as f64,
        change_count(
            f.international_papers as f64,
            before.map(|b| b.international_papers as f64),
            &label,
        ),
        how(p, "international_papers"),
    ));
    out.push(kpi(
        "partner_papers",
        format!("Joint papers with {}", f.partner.name),
        count(f.partner.papers),
        f.partner.papers as f64,
        change_count(
            f.partner.papers as f64,
            before.map(|b| b.partner.papers as f64),
            &label,
        ),
        how(p, "partner"),
    ));
    out.push(kpi(
        "partner_share_of_international",
        format!("{} share of international", f.partner.country),
        percent(f.partner.share_of_international),
        f.partner.share_of_international.unwrap_or(0.0),
        change_share(
            f.partner.share_of_international,
            before.and_then(|b| b.partner.share_of_international),
            &label,
        ),
        how(p, "partner"),
    ));
    out.push(kpi(
        "lead_over_next",
        match (&f.next_partner, f.partner.rank) {
            (Some(n), Some(r)) => format!("Lead over next partner ({}), rank {r}", n.name),
            _ => "Lead over next partner".into(),
        },
        f.lead_over_next
            .map_or_else(|| "\u{2013}".into(), |l| format!("{:+.0}%", l * 100.0)),
        f.lead_over_next.unwrap_or(0.0),
        (String::new(), ""),
        how(p, "partner"),
    ));
    out.push(kpi(
        "collab_papers",
        "Collaborative papers".into(),
        count(f.collab_papers),
        f.collab_papers as f64,
        change_count(
            f.collab_papers as f64,
            before.map(|b| b.collab_papers as f64),
            &label,
        ),
        how(p, "collab_papers"),
    ));
    out
}

/// The figures of the period just before the query's, of the same length, when the store has it.
async fn previous(d: &Dashboard, p: &ViewParams) -> Result<Option<Arc<Figures>>, DashboardError> {
    let len = p.query.last_year - p.query.first_year + 1;
    let (first, last) = (p.query.first_year - len, p.query.last_year - len);
    if d.engine()
        .years_present()
        .range(first..=last)
        .next()
        .is_none()
    {
        return Ok(None);
    }
    d.figures_if_any(&p.query.with_years(first, last)).await
}

/// The years a trend shows: the selected period when it has several years, else every year in the store.
fn trend_years(d: &Dashboard, p: &ViewParams) -> (i32, i32) {
    if p.query.first_year < p.query.last_year {
        (p.query.first_year, p.query.last_year)
    } else {
        d.store_years()
            .unwrap_or((p.query.first_year, p.query.last_year))
    }
}

fn partner_value(p: &ViewParams, r: &tandem_metrics::PartnerRow) -> f64 {
    match p.counting {
        Counting::Full => r.papers as f64,
        Counting::Fractional => r.papers_fractional,
    }
}

fn partner_display(p: &ViewParams, v: f64) -> String {
    match p.counting {
        Counting::Full => count(v.round() as u64),
        Counting::Fractional => fractional(v),
    }
}

/// Ranked partner bars (by the chosen counting), each a link selecting that partner.
pub(crate) fn partner_bars(p: &ViewParams, f: &Figures, path: &str, top: usize) -> Vec<Bar> {
    let mut rows: Vec<&tandem_metrics::PartnerRow> = f.partners.iter().collect();
    if p.counting == Counting::Fractional {
        rows.sort_by(|a, b| b.papers_fractional.total_cmp(&a.papers_fractional));
    }
    rows.into_iter()
        .take(top)
        .map(|r| Bar {
            label: r.name.clone(),
            value: partner_value(p, r),
            display: partner_display(p, partner_value(p, r)),
            href: Some(p.href(path, &[("partner", Some(r.country.as_str()))])),
            highlight: r.country == f.partner.country,
        })
        .collect()
}

fn counting_word(p: &ViewParams) -> &'static str {
    match p.counting {
        Counting::Full => "full counting",
        Counting::Fractional => "fractional counting",
    }
}

async fn overview(State(d): State<Arc<Dashboard>>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let p = d.params(raw.as_deref(), PAGE_PARAMS)?;
        overview_page(&d, &p).await
    }
    .await;
    respond(&d, result)
}

async fn overview_page(
    d: &Dashboard,
    p: &ViewParams,
) -> Result<(&'static str, Value), DashboardError> {
    let f = d.figures(&p.query).await?;
    let before = previous(d, p).await?;
    let (first, last) = trend_years(d, p);
    let trend = d.figures(&p.query.with_years(first, last)).await?;
    let years: Vec<i32> = trend.by_year.iter().map(|y| y.year).collect();
    let share_chart = charts::line_chart(
        "international-share-by-year",
        &format!("International co-authorship, {}", period(first, last)),
        &years,
        &[Line {
            name: f.group_name.clone(),
            values: trend
                .by_year
                .iter()
                .map(|y| y.international_share)
                .collect(),
        }],
        Scale::Share,
    );
    let partner_chart = charts::line_chart(
        "partner-papers-by-year",
        &format!(
            "Joint papers with {}, {}",
            f.partner.name,
            period(first, last)
        ),
        &years,
        &[
            Line {
                name: format!("with {}", f.partner.country),
                values: trend
                    .by_year
                    .iter()
                    .map(|y| Some(y.partner_papers as f64))
                    .collect(),
            },
            Line {
                name: "international".into(),
                values: trend
                    .by_year
                    .iter()
                    .map(|y| Some(y.international_papers as f64))
                    .collect(),
            },
        ],
        Scale::Count,
    );
    let top = charts::bar_chart(
        "top-partners",
        &format!("Top partner countries ({})", counting_word(p)),
        &partner_bars(p, &f, "/", 10),
    );
    let mut m = frame(d, p, "overview", "/", title_of(&f), Some(&*f));
    m.insert("paragraph".into(), json!(tandem_metrics::paragraph(&f)));
    m.insert("kpis".into(), json!(kpis(p, &f, before.as_deref())));
    m.insert(
        "change_note".into(),
        json!(match &before {
            Some(b) => format!("Changes are against {}.", period(b.years[0], b.years[1])),
            None => "The store has no earlier period of the same length to compare with.".into(),
        }),
    );
    m.insert("share_chart".into(), json!(share_chart));
    m.insert("partner_chart".into(), json!(partner_chart));
    m.insert("top_partners".into(), json!(top));
    m.insert(
        "csv_years".into(),
        json!(p.href(
            "/csv/years",
            &[("years", Some(format!("{first}-{last}").as_str()))]
        )),
    );
    m.insert("csv_partners".into(), json!(p.href("/csv/partners", &[])));
    Ok(("overview.html", Value::Object(m)))
}

async fn partners(State(d): State<Arc<Dashboard>>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let p = d.params(raw.as_deref(), PAGE_PARAMS)?;
        let f = d.figures(&p.query).await?;
        let bars = charts::bar_chart(
            "partners-ranked",
            &format!("Partner countries by joint papers ({})", counting_word(&p)),
            &partner_bars(&p, &f, "/partners", 20),
        );
        let values: BTreeMap<String, f64> = f
            .partners
            .iter()
            .map(|r| (r.country.clone(), partner_value(&p, r)))
            .collect();
        let map = charts::choropleth(
            "partners-map",
            &format!("Joint papers by country ({})", counting_word(&p)),
            &values,
            |v| partner_display(&p, v),
            &f.home,
            &f.partner.country,
            |code| p.href("/partners", &[("partner", Some(code))]),
        );
        let rows: Vec<Value> = f
            .partners
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let lead = f
                    .partners
                    .get(i + 1)
                    .filter(|n| n.papers > 0)
                    .map(|n| format!("{:+.0}%", (r.papers as f64 / n.papers as f64 - 1.0) * 100.0))
                    .unwrap_or_else(|| "\u{2013}".into());
                json!({
                    "rank": i + 1,
                    "code": r.country,
                    "name": r.name,
                    "papers": count(r.papers),
                    "papers_raw": r.papers,
                    "fractional": fractional(r.papers_fractional),
                    "share": percent(r.share_of_international),
                    "lead": lead,
                    "selected": r.country == f.partner.country,
                    "href": p.href("/partners", &[("partner", Some(r.country.as_str()))]),
                })
            })
            .collect();
        let mut m = frame(
            &d,
            &p,
            "partners",
            "/partners",
            format!("Partner countries: {}", title_of(&f)),
            Some(&*f),
        );
        m.insert("international".into(), json!(count(f.international_papers)));
        m.insert("partner_count".into(), json!(f.partners.len()));
        m.insert(
            "counting_note".into(),
            json!(format!("Bars and map use {}.", counting_word(&p))),
        );
        m.insert("explain_partners".into(), json!(how(&p, "partners")));
        m.insert("bars".into(), json!(bars));
        m.insert("map".into(), json!(map));
        m.insert("rows".into(), json!(rows));
        m.insert("csv".into(), json!(p.href("/csv/partners", &[])));
        Ok::<_, DashboardError>(("partners.html", Value::Object(m)))
    }
    .await;
    respond(&d, result)
}

/// Papers per member per year over `years`, from one figures computation per year.
async fn member_years(
    d: &Dashboard,
    p: &ViewParams,
    years: (i32, i32),
) -> Result<BTreeMap<String, Vec<u64>>, DashboardError> {
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let n = (years.1 - years.0 + 1) as usize;
    for (i, year) in (years.0..=years.1).enumerate() {
        if d.engine().years_present().get(&year).is_none() {
            continue;
        }
        if let Some(f) = d.figures_if_any(&p.query.with_years(year, year)).await? {
            for m in &f.institutions {
                out.entry(m.ror.clone()).or_insert_with(|| vec![0; n])[i] = m.papers;
            }
        }
    }
    Ok(out)
}

const MEMBER_COLUMNS: [(&str, &str, bool); 5] = [
    ("name", "Institution", false),
    ("papers", "Papers", true),
    ("international_papers", "International", true),
    ("international_share", "International share", true),
    ("partner_papers", "With partner", true),
];

async fn members(State(d): State<Arc<Dashboard>>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let p = d.params(raw.as_deref(), PAGE_PARAMS)?;
        let sort = p.sort.clone().unwrap_or_else(|| "papers".into());
        if !MEMBER_COLUMNS.iter().any(|c| c.0 == sort) {
            return Err(DashboardError::BadParameter {
                parameter: "sort".into(),
                message: format!(
                    "sort={sort:?}: the members table sorts by {}",
                    MEMBER_COLUMNS.map(|c| c.0).join(", ")
                ),
            });
        }
        let f = d.figures(&p.query).await?;
        let spark_years = d.store_years().unwrap_or((p.query.first_year, p.query.last_year));
        let by_year = member_years(&d, &p, spark_years).await?;
        let year_list: Vec<i32> = (spark_years.0..=spark_years.1).collect();
        let mut list: Vec<&tandem_metrics::InstitutionRow> = f.institutions.iter().collect();
        list.sort_by(|a, b| {
            let order = match sort.as_str() {
                "name" => a.name.cmp(&b.name),
                "international_papers" => a.international_papers.cmp(&b.international_papers),
                "international_share" => a
                    .international_share
                    .unwrap_or(-1.0)
                    .total_cmp(&b.international_share.unwrap_or(-1.0)),
                "partner_papers" => a.partner_papers.cmp(&b.partner_papers),
                _ => a.papers.cmp(&b.papers),
            };
            let order = order.then_with(|| a.name.cmp(&b.name));
            if p.descending { order.reverse() } else { order }
        });
        let rows: Vec<Value> = list
            .iter()
            .map(|m| {
                let bare = m.ror.trim_start_matches("https://ror.org/");
                let series = by_year.get(&m.ror).cloned().unwrap_or_else(|| vec![0; year_list.len()]);
                json!({
                    "ror": m.ror,
                    "name": m.name,
                    "href": p.href(&format!("/members/{bare}"), &[]),
                    "papers": count(m.papers),
                    "papers_raw": m.papers,
                    "international": count(m.international_papers),
                    "share": percent(m.international_share),
                    "meter": charts::meter(m.international_share),
                    "partner": count(m.partner_papers),
                    "spark": charts::sparkline(&m.name, &year_list, &series),
                })
            })
            .collect();
        let columns: Vec<Value> = MEMBER_COLUMNS
            .iter()
            .map(|(key, label, numeric)| {
                let active = *key == sort;
                // Clicking the sorted column flips its order; another column starts descending (names ascending).
                let next_desc = if active { !p.descending } else { *numeric };
                let label = if *key == "partner_papers" {
                    format!("With {}", p.query.partner)
                } else {
                    label.to_string()
                };
                json!({
                    "label": label,
                    "class": if *numeric { "num" } else { "" },
                    "sorted": if active { if p.descending { "sorted" } else { "sorted asc" } } else { "" },
                    "href": p.href("/members", &[("sort", Some(key)), ("order", Some(if next_desc { "desc" } else { "asc" }))]),
                })
            })
            .collect();
        let bars: Vec<Bar> = list
            .iter()
            .map(|m| Bar {
                label: m.name.clone(),
                value: m.papers as f64,
                display: count(m.papers),
                href: Some(p.href(&format!("/members/{}", m.ror.trim_start_matches("https://ror.org/")), &[])),
                highlight: false,
            })
            .collect();
        let mut m = frame(&d, &p, "members", "/members", format!("Members: {}", title_of(&f)), Some(&*f));
        m.insert("rows".into(), json!(rows));
        m.insert("columns".into(), json!(columns));
        m.insert(
            "bars".into(),
            json!(charts::bar_chart("members-papers", "Papers per member (full counting)", &bars)),
        );
        m.insert("spark_years".into(), json!(period(spark_years.0, spark_years.1)));
        m.insert("explain".into(), json!(how(&p, "institutions")));
        m.insert("csv".into(), json!(p.href("/csv/members", &[])));
        Ok::<_, DashboardError>(("members.html", Value::Object(m)))
    }
    .await;
    respond(&d, result)
}

async fn member(
    State(d): State<Arc<Dashboard>>,
    Path(ror): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let p = d.params(raw.as_deref(), PAGE_PARAMS)?;
        let ror =
            tandem_model::normalize_ror(&ror).ok_or_else(|| DashboardError::BadParameter {
                parameter: "ror".into(),
                message: format!("{ror:?} is not a ROR id"),
            })?;
        let mut mp = p.clone();
        mp.query = p.query.with_member(Some(ror.as_str()));
        let f = d.figures(&mp.query).await?;
        let before = previous(&d, &mp).await?;
        let (first, last) = trend_years(&d, &mp);
        let trend = d.figures(&mp.query.with_years(first, last)).await?;
        let years: Vec<i32> = trend.by_year.iter().map(|y| y.year).collect();
        let chart = charts::line_chart(
            "member-by-year",
            &format!("{}, papers per year", f.group_name),
            &years,
            &[
                Line {
                    name: "papers".into(),
                    values: trend
                        .by_year
                        .iter()
                        .map(|y| Some(y.papers as f64))
                        .collect(),
                },
                Line {
                    name: "international".into(),
                    values: trend
                        .by_year
                        .iter()
                        .map(|y| Some(y.international_papers as f64))
                        .collect(),
                },
                Line {
                    name: format!("with {}", f.partner.country),
                    values: trend
                        .by_year
                        .iter()
                        .map(|y| Some(y.partner_papers as f64))
                        .collect(),
                },
            ],
            Scale::Count,
        );
        let bars = charts::bar_chart(
            "member-partners",
            &format!(
                "{}: top partner countries ({})",
                f.group_name,
                counting_word(&p)
            ),
            &partner_bars(&p, &f, &format!("/members/{ror}"), 12),
        );
        let mut m = frame(
            &d,
            &p,
            "members",
            &format!("/members/{ror}"),
            title_of(&f),
            Some(&*f),
        );
        m.insert("paragraph".into(), json!(tandem_metrics::paragraph(&f)));
        m.insert("kpis".into(), json!(kpis(&p, &f, before.as_deref())));
        m.insert("trend".into(), json!(chart));
        m.insert("bars".into(), json!(bars));
        m.insert("back".into(), json!(p.href("/members", &[])));
        Ok::<_, DashboardError>(("member.html", Value::Object(m)))
    }
    .await;
    respond(&d, result)
}

async fn trends(State(d): State<Arc<Dashboard>>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let p = d.params(raw.as_deref(), PAGE_PARAMS)?;
        let f = d.figures(&p.query).await?;
        let (first, last) = trend_years(&d, &p);
        let tp = ViewParams {
            query: p.query.with_years(first, last),
            ..p.clone()
        };
        let trend = d.figures(&tp.query).await?;
        let compare: Vec<String> = if p.compare.is_empty() {
            let mut c = vec![p.query.partner.clone()];
            c.extend(
                f.partners
                    .iter()
                    .map(|r| r.country.clone())
                    .filter(|x| *x != p.query.partner)
                    .take(3),
            );
            c
        } else {
            p.compare.clone()
        };
        let series = crate::api::compare_series(&d, &tp, &compare).await?;
        let years: Vec<i32> = trend.by_year.iter().map(|y| y.year).collect();
        let [papers, share, partner_share] = trend_charts(
            [
                "papers-by-year",
                "international-share-trend",
                "partner-share-trend",
            ],
            &f.group_name,
            &years,
            &trend.by_year,
            &series,
        );
        let partner_papers = charts::line_chart(
            "partner-papers-trend",
            "Joint papers per year",
            &years,
            &series
                .iter()
                .map(|s| Line {
                    name: s.name.clone(),
                    values: s
                        .by_year
                        .iter()
                        .map(|y| Some(y.partner_papers as f64))
                        .collect(),
                })
                .collect::<Vec<_>>(),
            Scale::Count,
        );
        let mut choices: Vec<Value> = f
            .partners
            .iter()
            .take(12)
            .map(|r| json!({"code": r.country, "checked": compare.contains(&r.country)}))
            .collect();
        for c in &compare {
            if !f.partners.iter().take(12).any(|r| &r.country == c) {
                choices.push(json!({"code": c, "checked": true}));
            }
        }
        let mut m = frame(
            &d,
            &p,
            "trends",
            "/trends",
            format!("Trends: {}", title_of(&trend)),
            Some(&*f),
        );
        m.insert(
            "note".into(),
            json!(if p.query.first_year == p.query.last_year {
                format!(
                    "One year is selected, so the trends show every year in the store ({}).",
                    period(first, last)
                )
            } else {
                format!("Years {}.", period(first, last))
            }),
        );
        m.insert("choices".into(), json!(choices));
        m.insert("papers".into(), json!(papers));
        m.insert("share".into(), json!(share));
        m.insert("partner_share".into(), json!(partner_share));
        m.insert("partner_papers".into(), json!(partner_papers));
        m.insert("explain".into(), json!(how(&p, "by_year")));
        m.insert(
            "csv".into(),
            json!(p.href(
                "/csv/years",
                &[("years", Some(format!("{first}-{last}").as_str()))]
            )),
        );
        Ok::<_, DashboardError>(("trends.html", Value::Object(m)))
    }
    .await;
    respond(&d, result)
}

async fn fields(State(d): State<Arc<Dashboard>>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let p = d.params(raw.as_deref(), PAGE_PARAMS)?;
        let all = ViewParams {
            query: p.query.with_field(None),
            ..p.clone()
        };
        let f = d.figures(&all.query).await?;
        let rows = crate::api::field_rows(&d, &all).await?;
        let mut ranked: Vec<&crate::api::FieldRow> = rows.iter().collect();
        ranked.sort_by(|a, b| b.papers.cmp(&a.papers).then_with(|| a.field.cmp(&b.field)));
        let value = |r: &crate::api::FieldRow| match p.counting {
            Counting::Full => r.papers as f64,
            Counting::Fractional => r.papers_fractional,
        };
        let papers_bars: Vec<Bar> = ranked
            .iter()
            .map(|r| Bar {
                label: r.field.clone(),
                value: value(r),
                display: partner_display(&p, value(r)),
                href: Some(p.href("/", &[("field", Some(r.field.as_str()))])),
                highlight: p.query.field.as_deref() == Some(r.field.as_str()),
            })
            .collect();
        let share_bars: Vec<Bar> = ranked
            .iter()
            .map(|r| Bar {
                label: r.field.clone(),
                value: r.international_share.unwrap_or(0.0),
                display: percent(r.international_share),
                href: Some(p.href("/", &[("field", Some(r.field.as_str()))])),
                highlight: p.query.field.as_deref() == Some(r.field.as_str()),
            })
            .collect();
        let table: Vec<Value> = ranked
            .iter()
            .map(|r| {
                json!({
                    "field": r.field,
                    "href": p.href("/", &[("field", Some(r.field.as_str()))]),
                    "papers": count(r.papers),
                    "papers_raw": r.papers,
                    "fractional": fractional(r.papers_fractional),
                    "international": count(r.international_papers),
                    "share": percent(r.international_share),
                    "partner": count(r.partner.papers),
                    "partner_share": percent(r.partner.share_of_international),
                    "top": r.top_partners.first().map(|t| format!("{} ({})", t.name, count(t.papers))).unwrap_or_default(),
                })
            })
            .collect();
        let mut m = frame(&d, &p, "fields", "/fields", format!("Fields: {}", title_of(&f)), Some(&*f));
        m.insert(
            "papers".into(),
            json!(charts::bar_chart("fields-papers", &format!("Papers by field ({})", counting_word(&p)), &papers_bars)),
        );
        m.insert(
            "share".into(),
            json!(charts::bar_chart("fields-international-share", "International co-authorship by field", &share_bars)),
        );
        m.insert("rows".into(), json!(table));
        m.insert("partner".into(), json!(p.query.partner));
        m.insert("explain".into(), json!(how(&p, "scope")));
        m.insert("csv".into(), json!(p.href("/csv/fields", &[])));
        Ok::<_, DashboardError>(("fields.html", Value::Object(m)))
    }
    .await;
    respond(&d, result)
}

async fn explain(State(d): State<Arc<Dashboard>>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let p = d.params(raw.as_deref(), PAGE_PARAMS)?;
        let prepared = d.prepared(&p.query)?;
        let steps: Vec<Value> = prepared
            .steps()
            .iter()
            .map(|s| json!({"name": s.name, "definition": s.definition, "sql": s.sql, "is_indicator": s.is_indicator}))
            .collect();
        let mut m = frame(&d, &p, "explain", "/explain", "How these figures are computed".into(), None);
        m.insert("steps".into(), json!(steps));
        m.insert("text".into(), json!(d.explain(&p.query)?));
        m.insert("home".into(), json!(if prepared.home.is_empty() { "none known".to_string() } else { prepared.home.join(", ") }));
        m.insert("version".into(), json!(tandem_metrics::DEFINITIONS_VERSION));
        m.insert("text_href".into(), json!(p.href("/api/v1/explain", &[("counting", None), ("compare", None)])));
        m.insert("back".into(), json!(p.href("/", &[])));
        Ok::<_, DashboardError>(("explain.html", Value::Object(m)))
    }
    .await;
    respond(&d, result)
}

fn csv_cell(v: &str) -> String {
    if v.contains([',', '"', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

fn csv_rows(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut s = header.join(",");
    s.push('\n');
    for row in rows {
        s.push_str(
            &row.iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        s.push('\n');
    }
    s
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.6}")).unwrap_or_default()
}

/// A table as CSV, with the same numbers as the JSON API (shares as fractions).
pub(crate) async fn csv_table(
    d: &Dashboard,
    p: &ViewParams,
    table: &str,
) -> Result<String, DashboardError> {
    match table {
        "figures" => Ok(tandem_metrics::figures_csv(&*d.figures(&p.query).await?)),
        "partners" => {
            let f = d.figures(&p.query).await?;
            Ok(csv_rows(
                &[
                    "rank",
                    "country",
                    "name",
                    "papers",
                    "papers_fractional",
                    "share_of_international",
                ],
                f.partners.iter().enumerate().map(|(i, r)| {
                    vec![
                        (i + 1).to_string(),
                        r.country.clone(),
                        r.name.clone(),
                        r.papers.to_string(),
                        format!("{:.6}", r.papers_fractional),
                        num(r.share_of_international),
                    ]
                }),
            ))
        }
        "members" => {
            let f = d.figures(&p.query).await?;
            Ok(csv_rows(
                &[
                    "ror",
                    "name",
                    "papers",
                    "international_papers",
                    "international_share",
                    "partner_papers",
                ],
                f.institutions.iter().map(|m| {
                    vec![
                        m.ror.clone(),
                        m.name.clone(),
                        m.papers.to_string(),
                        m.international_papers.to_string(),
                        num(m.international_share),
                        m.partner_papers.to_string(),
                    ]
                }),
            ))
        }
        "years" => {
            let f = d.figures(&p.query).await?;
            Ok(csv_rows(
                &[
                    "year",
                    "papers",
                    "international_papers",
                    "international_share",
                    "partner_papers",
                ],
                f.by_year.iter().map(|y| {
                    vec![
                        y.year.to_string(),
                        y.papers.to_string(),
                        y.international_papers.to_string(),
                        num(y.international_share),
                        y.partner_papers.to_string(),
                    ]
                }),
            ))
        }
        "fields" => {
            let all = ViewParams {
                query: p.query.with_field(None),
                ..p.clone()
            };
            let rows = crate::api::field_rows(d, &all).await?;
            Ok(csv_rows(
                &[
                    "field",
                    "papers",
                    "papers_fractional",
                    "international_papers",
                    "international_share",
                    "partner",
                    "partner_papers",
                    "partner_share_of_international",
                ],
                rows.iter().map(|r| {
                    vec![
                        r.field.clone(),
                        r.papers.to_string(),
                        format!("{:.6}", r.papers_fractional),
                        r.international_papers.to_string(),
                        num(r.international_share),
                        r.partner.country.clone(),
                        r.partner.papers.to_string(),
                        num(r.partner.share_of_international),
                    ]
                }),
            ))
        }
        other => Err(DashboardError::NoData(format!(
            "no table {other:?}; tables: figures, partners, members, years, fields"
        ))),
    }
}

async fn csv(
    State(d): State<Arc<Dashboard>>,
    Path(table): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let table = table.trim_end_matches(".csv").to_string();
    let result = async {
        let p = d.params(raw.as_deref(), PAGE_PARAMS)?;
        csv_table(&d, &p, &table).await
    }
    .await;
    match result {
        Ok(body) => {
            let disposition = format!("attachment; filename=\"tandem-{table}.csv\"");
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/csv; charset=utf-8"),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&disposition)
                            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
                    ),
                ],
                body,
            )
                .into_response()
        }
        Err(e) => crate::api::ApiError(e).into_response(),
    }
}

/// The trend charts the Trends page and the report share: papers and international papers per year, the
/// international share, and each compared partner's share of international papers. `ids` name the three.
pub(crate) fn trend_charts(
    ids: [&str; 3],
    group_name: &str,
    years: &[i32],
    by_year: &[tandem_metrics::YearRow],
    series: &[crate::api::PartnerSeries],
) -> [String; 3] {
    let papers = charts::line_chart(
        ids[0],
        "Papers per year (full counting)",
        years,
        &[
            Line {
                name: "papers".into(),
                values: by_year.iter().map(|y| Some(y.papers as f64)).collect(),
            },
            Line {
                name: "international".into(),
                values: by_year
                    .iter()
                    .map(|y| Some(y.international_papers as f64))
                    .collect(),
            },
        ],
        Scale::Count,
    );
    let share = charts::line_chart(
        ids[1],
        "International co-authorship per year",
        years,
        &[Line {
            name: group_name.to_string(),
            values: by_year.iter().map(|y| y.international_share).collect(),
        }],
        Scale::Share,
    );
    let partner_share = charts::line_chart(
        ids[2],
        "Partner share of international papers per year",
        years,
        &series
            .iter()
            .map(|s| Line {
                name: s.name.clone(),
                values: s.by_year.iter().map(|y| y.share_of_international).collect(),
            })
            .collect::<Vec<_>>(),
        Scale::Share,
    );
    [papers, share, partner_share]
}
