//! The cross-analysis: what members *say* (their top and highest-priority regions in the survey)
//! beside what their papers *show* (their share of international papers with a partner country of
//! that region, from `tandem-metrics` through the dashboard's cached figures).
//!
//! Who sees what follows the survey's privacy rule: administrators see every member's row; a
//! member sees the aggregates and its own institution's row; viewers see the aggregates only.
//! Aggregates of fewer institutions than the suppression threshold are hidden.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_dashboard::charts::{Bar, bar_chart, percent};
use tandem_survey::regions::{self, Region};

use crate::pages::{load, render, survey_row, user_view};
use crate::{PortalError, PortalState, auth};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CrossQuery {
    partner: Option<String>,
    years: Option<String>,
}

/// One member institution: what it stated and what its papers show.
#[derive(Serialize, Clone)]
struct MemberRow {
    name: String,
    ror: String,
    responded: bool,
    top_label: Option<String>,
    top: bool,
    high: bool,
    international_papers: u64,
    partner_papers: u64,
    share: Option<f64>,
    share_text: String,
    own: bool,
}

/// One group of members by what they stated about the partner's region.
#[derive(Serialize)]
struct GroupRow {
    label: String,
    institutions: usize,
    suppressed: bool,
    pooled: String,
    median: String,
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

fn group_row(label: String, rows: &[&MemberRow], threshold: u64) -> (GroupRow, Option<f64>) {
    let n = rows.len();
    let suppressed = n > 0 && (n as u64) < threshold;
    let international: u64 = rows.iter().map(|r| r.international_papers).sum();
    let partner: u64 = rows.iter().map(|r| r.partner_papers).sum();
    let pooled = (international > 0).then(|| partner as f64 / international as f64);
    let mut shares: Vec<f64> = rows.iter().filter_map(|r| r.share).collect();
    let med = median(&mut shares);
    let shown = |v: Option<f64>| {
        if suppressed {
            "hidden".to_string()
        } else {
            percent(v)
        }
    };
    (
        GroupRow {
            label,
            institutions: n,
            suppressed,
            pooled: shown(pooled),
            median: shown(med),
        },
        if suppressed || n == 0 { None } else { pooled },
    )
}

pub async fn cross_analysis(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<CrossQuery>,
) -> Result<Response, PortalError> {
    let session = auth::require(&state, &headers).await?;
    let s = load(&state, &id).await?;
    let all_regions = regions::regions(&s.instrument);
    if all_regions.is_empty() {
        return Err(PortalError::NotFound(format!(
            "a '{}' question in {}",
            regions::TOP_PRIORITY_QUESTION,
            s.reference()
        )));
    }
    let partner = q
        .partner
        .as_deref()
        .map(|p| p.trim().to_ascii_uppercase())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "US".to_string());
    let region: Region = regions::region_of(&all_regions, &partner)
        .cloned()
        .ok_or_else(|| {
            PortalError::BadRequest(format!(
                "partner={partner:?} is in none of this survey's regions: choose one of {}",
                all_regions
                    .iter()
                    .flat_map(|r| r.countries.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let partners: Vec<_> = all_regions
        .iter()
        .filter(|r| !r.countries.is_empty())
        .map(|r| {
            context! {
                label => r.label.clone(),
                countries => r.countries.iter().map(|c| context! {
                    code => c.clone(), name => tandem_metrics::country_name(c), selected => *c == partner,
                }).collect::<Vec<_>>(),
            }
        })
        .collect();

    let user = user_view(&state, &session.user).await?;
    let survey = survey_row(&state, &s, &session.user).await?;
    let Some(dashboard) = state.dashboard.clone() else {
        let page = render(
            &state,
            "cross_analysis.html",
            context! {
                user => user, csrf => session.csrf_token,
                survey => survey, no_store => true,
            },
        )?;
        return Ok(page.into_response());
    };

    // The figures: one request for the whole group, partner country as chosen.
    let mut pairs = vec![
        ("group".to_string(), state.config.cross_group.clone()),
        ("partner".to_string(), partner.clone()),
    ];
    match q.years.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(years) => pairs.push(("years".into(), years.to_string())),
        None => {
            if let Some((first, last)) = dashboard.store_years() {
                pairs.push(("years".into(), format!("{first}-{last}")));
            }
        }
    }
    // One country stands for the whole region when it is the only one, or when it is China and
    // Hong Kong and Macao count as China (the Leiden unification the metrics offer).
    let leiden = partner == "CN"
        && region
            .countries
            .iter()
            .all(|c| ["CN", "HK", "MO"].contains(&c.as_str()));
    if leiden {
        pairs.push(("unify_countries".into(), "leiden".into()));
    }
    let whole_region = leiden || region.countries.len() == 1;
    let params = dashboard
        .params_from_pairs(&pairs)
        .map_err(|e| PortalError::BadRequest(e.to_string()))?;
    let figures = match dashboard.figures(&params.query).await {
        Ok(f) => Some(f),
        Err(tandem_dashboard::DashboardError::NoData(_)) => None,
        Err(tandem_dashboard::DashboardError::BadParameter { message, .. }) => {
            return Err(PortalError::BadRequest(message));
        }
        Err(e) => return Err(PortalError::Figures(e.to_string())),
    };
    let observed: BTreeMap<String, (u64, u64)> = figures
        .iter()
        .flat_map(|f| f.institutions.iter())
        .map(|i| (i.ror.clone(), (i.international_papers, i.partner_papers)))
        .collect();

    let responses = state.surveys.submitted_responses(&s).await?;
    let synthetic = responses.iter().any(|r| r.synthetic);
    let by_ror: BTreeMap<&str, &tandem_survey::Response> = responses
        .iter()
        .map(|r| (r.institution_ror.as_str(), r))
        .collect();
    let top_question = s.instrument.question(regions::TOP_PRIORITY_QUESTION);
    let mut rows = Vec::new();
    for institution in state.db.institutions().await? {
        let response = by_ror.get(institution.ror.as_str());
        let stated = response.map(|r| regions::stated(&r.answers, &region.value));
        let (international, partner_papers) =
            observed.get(&institution.ror).copied().unwrap_or((0, 0));
        let share = (international > 0).then(|| partner_papers as f64 / international as f64);
        rows.push(MemberRow {
            own: session.user.acts_for(&institution.ror),
            name: institution.name,
            ror: institution.ror.clone(),
            responded: response.is_some(),
            top_label: response.and_then(|r| {
                let value = regions::top_priority(&r.answers)?;
                Some(top_question.map_or_else(|| value.to_string(), |q| q.label_of(value)))
            }),
            top: stated.is_some_and(|s| s.top),
            high: stated.is_some_and(|s| s.high),
            international_papers: international,
            partner_papers,
            share,
            share_text: percent(share),
        });
    }

    let threshold = state.config.suppress_below;
    let respondents: Vec<&MemberRow> = rows.iter().filter(|r| r.responded).collect();
    let top: Vec<&MemberRow> = respondents.iter().copied().filter(|r| r.top).collect();
    let high: Vec<&MemberRow> = respondents
        .iter()
        .copied()
        .filter(|r| r.high && !r.top)
        .collect();
    let neither: Vec<&MemberRow> = respondents.iter().copied().filter(|r| !r.high).collect();
    let silent: Vec<&MemberRow> = rows.iter().filter(|r| !r.responded).collect();
    let mut groups = Vec::new();
    let mut group_bars = Vec::new();
    for (label, members, highlight) in [
        (format!("{} is the top priority", region.label), &top, true),
        (
            format!("{} among the highest priorities, not the top", region.label),
            &high,
            false,
        ),
        (
            format!("{} not among the highest priorities", region.label),
            &neither,
            false,
        ),
        ("Did not respond".to_string(), &silent, false),
    ] {
        let (row, pooled) = group_row(label.clone(), members, threshold);
        if let Some(value) = pooled {
            group_bars.push(Bar {
                label: format!("{label} ({})", members.len()),
                value,
                display: percent(Some(value)),
                href: None,
                highlight,
            });
        }
        groups.push(row);
    }
    let country = tandem_metrics::country_name(&partner);
    let group_chart = bar_chart(
        "cross-groups",
        &format!("Share of international papers with {country}, by stated priority"),
        &group_bars,
    );

    // Response-level rows: every member for administrators, the own institution for members.
    let admin = session.user.is_admin();
    let visible: Vec<MemberRow> = rows.iter().filter(|r| admin || r.own).cloned().collect();
    let member_chart = admin.then(|| {
        let mut bars: Vec<&MemberRow> = respondents.clone();
        bars.sort_by(|a, b| {
            b.share
                .unwrap_or(0.0)
                .total_cmp(&a.share.unwrap_or(0.0))
                .then_with(|| a.name.cmp(&b.name))
        });
        let bars: Vec<Bar> = bars
            .iter()
            .map(|r| Bar {
                label: if r.top {
                    format!("★ {}", r.name)
                } else {
                    r.name.clone()
                },
                value: r.share.unwrap_or(0.0),
                display: r.share_text.clone(),
                href: None,
                highlight: r.top,
            })
            .collect();
        bar_chart(
            "cross-members",
            &format!(
                "Share of international papers with {country}; ★ and accent: {} is the top priority",
                region.label
            ),
            &bars,
        )
    });

    let years = params.query.years_text();
    let page = render(
        &state,
        "cross_analysis.html",
        context! {
            user => user, csrf => session.csrf_token,
            survey => survey,
            no_store => false, partner => partner.clone(), country => country, partners => partners,
            region => region.label.clone(), region_countries => region.countries.join(", "),
            years => years, group => figures.as_ref().map(|f| f.group_name.clone()),
            no_papers => figures.is_none(), whole_region => whole_region, leiden => leiden,
            groups => groups,
            group_chart => minijinja::Value::from_safe_string(group_chart),
            member_chart => member_chart.map(minijinja::Value::from_safe_string),
            rows => visible,
            admin => admin, respondents => respondents.len(), members => rows.len(),
            threshold => threshold, synthetic => synthetic,
        },
    )?;
    Ok(page.into_response())
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians_of_odd_even_and_empty_lists() {
        assert_eq!(median(&mut [0.3, 0.1, 0.2]), Some(0.2));
        assert_eq!(median(&mut [0.4, 0.1, 0.2, 0.3]), Some(0.25));
        assert_eq!(median(&mut []), None);
    }
}
