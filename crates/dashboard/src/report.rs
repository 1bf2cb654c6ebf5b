//! The printable report: one self-contained HTML file (inline CSS and SVG, no scripts, no network) with
//! the paragraph, key figures, partner ranking and map, members, trends, fields, the methods generated
//! from the definitions, and provenance. "Print to PDF" gives a clean document.

use crate::charts::{self, Bar, count, fractional, percent};
use crate::{Counting, Dashboard, DashboardError, ViewParams};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What the report says about itself.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// The report's title (default: "<group> research collaboration, <period>").
    pub title: Option<String>,
    /// The group's name as written in the report (default: the group's own name).
    pub group_name: Option<String>,
    /// The command that made the report, quoted in its provenance.
    pub command: Option<String>,
}

fn period(first: i32, last: i32) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}\u{2013}{last}")
    }
}

/// Renders the report for `p` (group, partner, period, types, field, counting).
pub async fn render(
    d: &Dashboard,
    p: &ViewParams,
    options: &ReportOptions,
) -> Result<String, DashboardError> {
    let mut f = (*d.figures(&p.query).await?).clone();
    if let Some(name) = &options.group_name {
        f.group_name = name.clone();
    }
    let title = options.title.clone().unwrap_or_else(|| {
        format!(
            "{} research collaboration, {}",
            f.group_name,
            period(f.years[0], f.years[1])
        )
    });
    let subtitle = format!(
        "{} · {} · partner {} · {}{}",
        f.group_name,
        period(f.years[0], f.years[1]),
        f.partner.name,
        match p.counting {
            Counting::Full => "full counting",
            Counting::Fractional => "fractional counting",
        },
        f.field
            .as_ref()
            .map(|x| format!(" · field {x}"))
            .unwrap_or_default()
    );

    let key_figures = vec![
        json!({"id": "papers", "label": "Papers (full counting)", "value": count(f.papers), "raw": f.papers}),
        json!({"id": "papers_fractional", "label": "Papers (fractional counting)", "value": fractional(f.papers_fractional), "raw": f.papers_fractional}),
        json!({"id": "collab_papers", "label": "Collaborative papers", "value": count(f.collab_papers), "raw": f.collab_papers}),
        json!({"id": "international_papers", "label": "International papers", "value": count(f.international_papers), "raw": f.international_papers}),
        json!({"id": "international_share", "label": "International co-authorship", "value": percent(Some(f.international_share)), "raw": f.international_share}),
        json!({"id": "partner_papers", "label": format!("Joint papers with {}", f.partner.name), "value": count(f.partner.papers), "raw": f.partner.papers}),
        json!({"id": "partner_share_of_international", "label": format!("{} share of international papers", f.partner.name), "value": percent(f.partner.share_of_international), "raw": f.partner.share_of_international}),
        json!({"id": "partner_rank", "label": format!("Rank of {}", f.partner.name), "value": f.partner.rank.map_or_else(|| "\u{2013}".to_string(), |r| r.to_string()), "raw": f.partner.rank}),
        json!({"id": "lead_over_next", "label": match &f.next_partner { Some(n) => format!("Lead over the next partner, {} ({})", n.name, count(n.papers)), None => "Lead over the next partner".into() }, "value": f.lead_over_next.map_or_else(|| "\u{2013}".to_string(), |l| format!("{:+.1}%", l * 100.0)), "raw": f.lead_over_next}),
    ];

    let values: BTreeMap<String, f64> = f
        .partners
        .iter()
        .map(|r| {
            (
                r.country.clone(),
                match p.counting {
                    Counting::Full => r.papers as f64,
                    Counting::Fractional => r.papers_fractional,
                },
            )
        })
        .collect();
    let display = |v: f64| match p.counting {
        Counting::Full => count(v.round() as u64),
        Counting::Fractional => fractional(v),
    };
    let map = charts::choropleth(
        "report-map",
        "Joint papers by country",
        &values,
        display,
        &f.home,
        &f.partner.country,
        |_| "#partners".to_string(),
    );
    let mut bars = crate::pages::partner_bars(p, &f, "#", 15);
    for b in &mut bars {
        b.href = None;
    }
    let partner_bars = charts::bar_chart("report-partners", "Top partner countries", &bars);
    let partners: Vec<Value> = f
        .partners
        .iter()
        .take(25)
        .enumerate()
        .map(|(i, r)| {
            json!({
                "rank": i + 1, "code": r.country, "name": r.name, "papers": count(r.papers), "papers_raw": r.papers,
                "fractional": fractional(r.papers_fractional), "share": percent(r.share_of_international),
            })
        })
        .collect();

    let mut member_list = f.institutions.clone();
    member_list.sort_by(|a, b| b.papers.cmp(&a.papers).then_with(|| a.name.cmp(&b.name)));
    let members: Vec<Value> = member_list
        .iter()
        .map(|m| {
            json!({
                "ror": m.ror, "name": m.name, "papers": count(m.papers), "papers_raw": m.papers,
                "international": count(m.international_papers), "share": percent(m.international_share),
                "partner": count(m.partner_papers),
            })
        })
        .collect();
    let member_bars = charts::bar_chart(
        "report-members",
        "Papers per member (full counting)",
        &member_list
            .iter()
            .map(|m| Bar {
                label: m.name.clone(),
                value: m.papers as f64,
                display: count(m.papers),
                href: None,
                highlight: false,
            })
            .collect::<Vec<_>>(),
    );

    let (first, last) = if p.query.first_year < p.query.last_year {
        (p.query.first_year, p.query.last_year)
    } else {
        d.store_years()
            .unwrap_or((p.query.first_year, p.query.last_year))
    };
    let trend_query = p.query.with_years(first, last);
    let trend = d.figures(&trend_query).await?;
    let trend_params = ViewParams {
        query: trend_query,
        ..p.clone()
    };
    let mut compare = vec![f.partner.country.clone()];
    compare.extend(
        f.partners
            .iter()
            .map(|r| r.country.clone())
            .filter(|c| *c != f.partner.country)
            .take(3),
    );
    let series = crate::api::compare_series(d, &trend_params, &compare).await?;
    let years: Vec<i32> = trend.by_year.iter().map(|y| y.year).collect();
    let [trend_papers, trend_share, trend_partners] = crate::pages::trend_charts(
        [
            "report-papers-by-year",
            "report-international-share",
            "report-partner-share",
        ],
        &f.group_name,
        &years,
        &trend.by_year,
        &series,
    );
    let year_rows: Vec<Value> = trend
        .by_year
        .iter()
        .map(|y| {
            json!({
                "year": y.year, "papers": count(y.papers), "papers_raw": y.papers,
                "international": count(y.international_papers), "share": percent(y.international_share),
                "partner": count(y.partner_papers),
            })
        })
        .collect();

    let field_params = ViewParams {
        query: p.query.with_field(None),
        ..p.clone()
    };
    let mut field_rows = crate::api::field_rows(d, &field_params).await?;
    field_rows.sort_by(|a, b| b.papers.cmp(&a.papers).then_with(|| a.field.cmp(&b.field)));
    let field_bars = charts::bar_chart(
        "report-fields",
        "Papers by field (full counting)",
        &field_rows
            .iter()
            .map(|r| Bar {
                label: r.field.clone(),
                value: r.papers as f64,
                display: count(r.papers),
                href: None,
                highlight: f.field.as_deref() == Some(r.field.as_str()),
            })
            .collect::<Vec<_>>(),
    );
    let fields: Vec<Value> = field_rows
        .iter()
        .map(|r| {
            json!({
                "field": r.field, "papers": count(r.papers), "papers_raw": r.papers,
                "share": percent(r.international_share), "partner": count(r.partner.papers),
                "partner_share": percent(r.partner.share_of_international),
            })
        })
        .collect();

    let prepared = d.prepared(&p.query)?;
    let steps: Vec<Value> = prepared
        .steps()
        .iter()
        .map(|s| json!({"name": s.name, "definition": s.definition, "sql": s.sql, "is_indicator": s.is_indicator}))
        .collect();
    let mut command = format!(
        "tandem figures --store {} --group {} --partner {} --years {}",
        f.provenance.store,
        p.query.group,
        p.query.partner,
        p.query.years_text()
    );
    if p.query.types != tandem_model::DEFAULT_TYPES {
        command.push_str(&format!(" --types {}", p.query.types.join(",")));
    }
    if let Some(field) = &p.query.field {
        command.push_str(&format!(" --field \"{field}\""));
    }
    if p.query.unify_leiden {
        command.push_str(" --unify-countries leiden");
    }

    let ctx = json!({
        "title": title,
        "subtitle": subtitle,
        "css": crate::pages::CSS,
        "paragraph": tandem_metrics::paragraph(&f),
        "key_figures": key_figures,
        "partners_note": format!(
            "{} internationally collaborative papers with {} partner countries; the bars and the map use {} counting.",
            count(f.international_papers), f.partners.len(), p.counting.as_str()
        ),
        "partner_bars": partner_bars,
        "map": map,
        "partners": partners,
        "partner": f.partner.country,
        "members": members,
        "member_bars": member_bars,
        "trend_note": if p.query.first_year == p.query.last_year {
            format!("The report covers {}; the trends show every year in the store, {}.", period(f.years[0], f.years[1]), period(first, last))
        } else {
            format!("Years {}.", period(first, last))
        },
        "trend_papers": trend_papers,
        "trend_share": trend_share,
        "trend_partners": trend_partners,
        "years": year_rows,
        "field_bars": field_bars,
        "fields": fields,
        "steps": steps,
        "home": if prepared.home.is_empty() { "none known".to_string() } else { prepared.home.join(", ") },
        "types": f.types.join(", "),
        "unify": p.query.unify_leiden,
        "provenance": f.provenance,
        "command": options.command.clone().unwrap_or(command),
    });
    Ok(d.templates
        .get_template("report.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))?)
}
