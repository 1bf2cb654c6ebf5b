//! Figures as people read them: the report's paragraph, plain-text tables, CSV, and the `--explain` text.

use crate::definitions::FigureRequest;
use crate::{Figures, REGISTERED_TABLES, period_label};
use std::fmt::Write;

fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn opt_pct(share: Option<f64>) -> String {
    share.map(pct).unwrap_or_else(|| "–".into())
}

/// `27101` → `27,101`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Country names that read better with "the" in running text.
fn in_sentence(name: &str) -> String {
    let needs_article = [
        "United States",
        "United Kingdom",
        "Netherlands",
        "Czech Republic",
        "Philippines",
        "United Arab Emirates",
        "Republic of Korea",
    ];
    if needs_article.iter().any(|n| name.starts_with(n)) {
        format!("the {name}")
    } else {
        name.to_string()
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The report's paragraph: "In 2023, 60.8% of Russell Group papers (N) involved an international co-author. ..."
pub fn paragraph(f: &Figures) -> String {
    let period = period_label(f.years[0], f.years[1]);
    let field = f
        .field
        .as_ref()
        .map(|x| format!(" in {x}"))
        .unwrap_or_default();
    let mut s = format!(
        "In {period}, {} of {} papers{field} ({}) involved an international co-author.",
        pct(f.international_share),
        f.group_name,
        thousands(f.papers)
    );
    let partner = in_sentence(&f.partner.name);
    match f.partner.share_of_international {
        Some(share) if f.partner.papers > 0 => {
            let _ = write!(
                s,
                " {} of these collaborative papers included a researcher based in {partner}: {} joint publications.",
                pct(share),
                thousands(f.partner.papers)
            );
        }
        _ => {
            let _ = write!(s, " None of them included a researcher based in {partner}.");
        }
    }
    if let (Some(next), Some(lead), Some(rank)) =
        (&f.next_partner, f.lead_over_next, f.partner.rank)
    {
        let more_or_fewer = if lead >= 0.0 { "more" } else { "fewer" };
        let position = if rank == 1 {
            String::new()
        } else {
            format!(", the {} partner country,", ordinal(rank))
        };
        let _ = write!(
            s,
            " {}{position} produced {:.0}% {more_or_fewer} joint publications than the next partner, {} ({}).",
            capitalised(&partner),
            lead.abs() * 100.0,
            next.name,
            thousands(next.papers)
        );
    }
    s
}

/// `--format text`: the paragraph, then the tables.
pub fn figures_text(f: &Figures, max_partners: usize) -> String {
    let mut s = paragraph(f);
    s.push_str("\n\n");
    let _ = writeln!(s, "Group          {} ({})", f.group_name, f.group);
    let _ = writeln!(s, "Period         {}", period_label(f.years[0], f.years[1]));
    let _ = writeln!(s, "Document types {}", f.types.join(", "));
    if let Some(field) = &f.field {
        let _ = writeln!(s, "Field          {field}");
    }
    let _ = writeln!(s, "Home countries {}", f.home.join(", "));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  Papers (full counting)        {:>12}",
        thousands(f.papers)
    );
    let _ = writeln!(
        s,
        "  Papers (fractional counting)  {:>12.1}",
        f.papers_fractional
    );
    let _ = writeln!(
        s,
        "  Collaborative papers          {:>12}",
        thousands(f.collab_papers)
    );
    let _ = writeln!(
        s,
        "  International papers          {:>12}  {}",
        thousands(f.international_papers),
        pct(f.international_share)
    );
    let _ = writeln!(
        s,
        "  With {:<24} {:>12}  {} of international, rank {}",
        f.partner.name,
        thousands(f.partner.papers),
        opt_pct(f.partner.share_of_international),
        f.partner
            .rank
            .map(|r| r.to_string())
            .unwrap_or_else(|| "–".into())
    );
    if let (Some(next), Some(lead)) = (&f.next_partner, f.lead_over_next) {
        let _ = writeln!(
            s,
            "  Next partner: {:<16} {:>12}  lead over next {:+.1}%",
            next.name,
            thousands(next.papers),
            lead * 100.0
        );
    }
    let _ = writeln!(
        s,
        "\nPartner countries (top {} of {})",
        max_partners.min(f.partners.len()),
        f.partners.len()
    );
    let _ = writeln!(
        s,
        "  {:>4}  {:<34} {:>10} {:>12} {:>10}",
        "rank", "country", "papers", "fractional", "% of int."
    );
    for (i, p) in f.partners.iter().take(max_partners).enumerate() {
        let _ = writeln!(
            s,
            "  {:>4}  {:<34} {:>10} {:>12.1} {:>10}",
            i + 1,
            format!("{} ({})", p.name, p.country),
            thousands(p.papers),
            p.papers_fractional,
            opt_pct(p.share_of_international)
        );
    }
    if !f.institutions.is_empty() {
        let _ = writeln!(s, "\nMembers");
        let _ = writeln!(
            s,
            "  {:<50} {:>9} {:>9} {:>8} {:>9}",
            "institution",
            "papers",
            "intl.",
            "% intl.",
            &format!("with {}", f.partner.country)
        );
        for m in &f.institutions {
            let _ = writeln!(
                s,
                "  {:<50} {:>9} {:>9} {:>8} {:>9}",
                m.name,
                thousands(m.papers),
                thousands(m.international_papers),
                opt_pct(m.international_share),
                thousands(m.partner_papers)
            );
        }
    }
    let _ = writeln!(s, "\nBy year");
    let _ = writeln!(
        s,
        "  {:<6} {:>10} {:>10} {:>8} {:>10}",
        "year",
        "papers",
        "intl.",
        "% intl.",
        &format!("with {}", f.partner.country)
    );
    for y in &f.by_year {
        let _ = writeln!(
            s,
            "  {:<6} {:>10} {:>10} {:>8} {:>10}",
            y.year,
            thousands(y.papers),
            thousands(y.international_papers),
            opt_pct(y.international_share),
            thousands(y.partner_papers)
        );
    }
    let _ = writeln!(
        s,
        "\nStore {} (version {}, digest {}); definitions {}; {}.",
        f.provenance.store,
        f.provenance.store_version,
        &f.provenance.store_digest[..f.provenance.store_digest.len().min(12)],
        f.provenance.definitions_version,
        f.provenance.engine
    );
    s
}

fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.6}")).unwrap_or_default()
}

/// `--format csv`: one section per table, each with a title row and a header row, separated by blank lines.
pub fn figures_csv(f: &Figures) -> String {
    let mut s = String::new();
    let row = |s: &mut String, cells: &[String]| {
        let _ = writeln!(
            s,
            "{}",
            cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(",")
        );
    };
    row(&mut s, &["# summary".into()]);
    row(&mut s, &["figure".into(), "value".into()]);
    let summary: Vec<(&str, String)> = vec![
        ("group", f.group.clone()),
        ("group_name", f.group_name.clone()),
        ("first_year", f.years[0].to_string()),
        ("last_year", f.years[1].to_string()),
        ("types", f.types.join(";")),
        ("field", f.field.clone().unwrap_or_default()),
        ("home", f.home.join(";")),
        ("papers", f.papers.to_string()),
        ("papers_fractional", format!("{:.6}", f.papers_fractional)),
        ("collab_papers", f.collab_papers.to_string()),
        ("international_papers", f.international_papers.to_string()),
        (
            "international_share",
            format!("{:.6}", f.international_share),
        ),
        ("partner", f.partner.country.clone()),
        ("partner_papers", f.partner.papers.to_string()),
        (
            "partner_share_of_international",
            num(f.partner.share_of_international),
        ),
        (
            "partner_rank",
            f.partner.rank.map(|r| r.to_string()).unwrap_or_default(),
        ),
        (
            "next_partner",
            f.next_partner
                .as_ref()
                .map(|n| n.country.clone())
                .unwrap_or_default(),
        ),
        (
            "next_partner_papers",
            f.next_partner
                .as_ref()
                .map(|n| n.papers.to_string())
                .unwrap_or_default(),
        ),
        ("lead_over_next", num(f.lead_over_next)),
        ("store_digest", f.provenance.store_digest.clone()),
        (
            "definitions_version",
            f.provenance.definitions_version.clone(),
        ),
        ("computed_at", f.provenance.computed_at.clone()),
    ];
    for (k, v) in summary {
        row(&mut s, &[k.into(), v]);
    }
    s.push('\n');
    row(&mut s, &["# partners".into()]);
    row(
        &mut s,
        &[
            "rank".into(),
            "country".into(),
            "name".into(),
            "papers".into(),
            "papers_fractional".into(),
            "share_of_international".into(),
        ],
    );
    for (i, p) in f.partners.iter().enumerate() {
        row(
            &mut s,
            &[
                (i + 1).to_string(),
                p.country.clone(),
                p.name.clone(),
                p.papers.to_string(),
                format!("{:.6}", p.papers_fractional),
                num(p.share_of_international),
            ],
        );
    }
    s.push('\n');
    row(&mut s, &["# institutions".into()]);
    row(
        &mut s,
        &[
            "ror".into(),
            "name".into(),
            "papers".into(),
            "international_papers".into(),
            "international_share".into(),
            "partner_papers".into(),
        ],
    );
    for m in &f.institutions {
        row(
            &mut s,
            &[
                m.ror.clone(),
                m.name.clone(),
                m.papers.to_string(),
                m.international_papers.to_string(),
                num(m.international_share),
                m.partner_papers.to_string(),
            ],
        );
    }
    s.push('\n');
    row(&mut s, &["# by_year".into()]);
    row(
        &mut s,
        &[
            "year".into(),
            "papers".into(),
            "international_papers".into(),
            "international_share".into(),
            "partner_papers".into(),
        ],
    );
    for y in &f.by_year {
        row(
            &mut s,
            &[
                y.year.to_string(),
                y.papers.to_string(),
                y.international_papers.to_string(),
                num(y.international_share),
                y.partner_papers.to_string(),
            ],
        );
    }
    s
}

/// `--explain`: each step's definition and SQL, runnable in order in any SQL engine over the store.
pub fn explain_text(request: &FigureRequest, store_version_dir: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "-- How these figures are computed ({}).",
        crate::DEFINITIONS_VERSION
    );
    let _ = writeln!(
        s,
        "-- Each step below is plain SQL over the store's Parquet tables. To re-run it elsewhere, register the"
    );
    let _ = writeln!(
        s,
        "-- tables under these names first, for example in DuckDB:"
    );
    for table in REGISTERED_TABLES {
        let _ = writeln!(
            s,
            "--   CREATE VIEW {0} AS SELECT * FROM read_parquet('{1}/{0}/*.parquet');",
            table.name(),
            store_version_dir
        );
    }
    let _ = writeln!(
        s,
        "-- Home countries: {}.",
        if request.home.is_empty() {
            "none known".to_string()
        } else {
            request.home.join(", ")
        }
    );
    for step in request.steps() {
        let _ = writeln!(
            s,
            "\n-- {}{}",
            if step.is_indicator {
                "figure "
            } else {
                "step "
            },
            step.name
        );
        for line in wrap(step.definition, 100) {
            let _ = writeln!(s, "-- {line}");
        }
        let _ = writeln!(s, "{};", step.sql);
    }
    s
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_thousands_and_ordinals() {
        assert_eq!(thousands(27101), "27,101");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(23), "23rd");
        assert_eq!(in_sentence("United States"), "the United States");
        assert_eq!(in_sentence("Germany"), "Germany");
    }
}
