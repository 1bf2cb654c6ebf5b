//! Charts as SVG text, drawn on the server: ranked bars, lines per year, a choropleth world map and
//! small inline charts. Each SVG is standalone (its own fonts and colours), so the same text is shown in
//! a page, downloaded as a file, or pasted into the report.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::LazyLock;

const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
/// Line colours, distinguishable and print-safe.
pub const PALETTE: [&str; 8] = [
    "#1f5fa8", "#d1495b", "#2a9d5c", "#7b4fa6", "#e08a1e", "#5c4033", "#c2569b", "#1a9aa8",
];
const BAR: &str = "#1f5fa8";
const BAR_HIGHLIGHT: &str = "#e08a1e";

/// Text escaped for XML and HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `27101` → `27,101`.
pub fn count(n: u64) -> String {
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

/// A fractional count, with one decimal: `1234.56` → `1,234.6`.
pub fn fractional(x: f64) -> String {
    let tenths = (x * 10.0).round().max(0.0) as u64;
    format!("{}.{}", count(tenths / 10), tenths % 10)
}

/// A share as a percentage with one decimal: `0.6084` → `60.8%`; none → `–`.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "\u{2013}".to_string(), |s| format!("{:.1}%", s * 100.0))
}

fn svg_open(out: &mut String, id: &str, title: &str, width: u32, height: u32) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"{id}\" id=\"chart-{id}\" \
         width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{t}\" \
         font-family=\"{FONT}\" font-size=\"12\"><title>{t}</title><rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>",
        t = esc(title)
    );
    let _ = write!(
        out,
        "<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"600\" fill=\"#1b1b1b\">{}</text>",
        esc(title)
    );
}

/// One bar of a ranked bar chart.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as shown at the end of the bar.
    pub display: String,
    /// Where clicking the bar goes.
    pub href: Option<String>,
    /// Drawn in the accent colour (the selected partner).
    pub highlight: bool,
}

/// A horizontal ranked bar chart.
pub fn bar_chart(id: &str, title: &str, bars: &[Bar]) -> String {
    let width = 680u32;
    let label_w = 200.0;
    let value_w = 90.0;
    let row = 22.0;
    let top = 30.0;
    let height = (top + row * bars.len().max(1) as f64 + 10.0) as u32;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let span = f64::from(width) - label_w - value_w - 8.0;
    let mut out = String::new();
    svg_open(&mut out, id, title, width, height);
    if bars.is_empty() {
        let _ = write!(
            out,
            "<text x=\"8\" y=\"{}\" fill=\"#666\">No data for this selection.</text>",
            top + 14.0
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let w = if max > 0.0 {
            (b.value / max * span).max(1.0)
        } else {
            1.0
        };
        if let Some(href) = &b.href {
            let _ = write!(out, "<a href=\"{}\">", esc(href));
        }
        let _ = write!(
            out,
            "<g class=\"bar\" data-label=\"{l}\" data-value=\"{v}\"><title>{l}: {d}</title>\
             <text x=\"{lx}\" y=\"{ty:.1}\" text-anchor=\"end\" fill=\"#1b1b1b\">{l}</text>\
             <rect x=\"{label_w}\" y=\"{ry:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\" rx=\"2\"/>\
             <text x=\"{vx:.1}\" y=\"{ty:.1}\" fill=\"#333\">{d}</text></g>",
            l = esc(&b.label),
            v = b.value,
            d = esc(&b.display),
            lx = label_w - 6.0,
            ty = y + 15.0,
            ry = y + 4.0,
            h = row - 7.0,
            fill = if b.highlight { BAR_HIGHLIGHT } else { BAR },
            vx = label_w + w + 5.0,
        );
        if b.href.is_some() {
            out.push_str("</a>");
        }
    }
    out.push_str("</svg>");
    out
}

/// How a line chart's values read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Paper counts.
    Count,
    /// Fractions shown as percentages.
    Share,
}

impl Scale {
    fn label(self, v: f64) -> String {
        match self {
            Scale::Count => {
                if v >= 10_000.0 {
                    format!("{}k", count((v / 1000.0).round() as u64))
                } else {
                    count(v.round() as u64)
                }
            }
            Scale::Share => format!("{:.0}%", v * 100.0),
        }
    }

    fn exact(self, v: f64) -> String {
        match self {
            Scale::Count => count(v.round() as u64),
            Scale::Share => percent(Some(v)),
        }
    }
}

/// One line of a line chart: a value (or none) per year.
#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A round upper bound for an axis and its tick step.
fn nice_max(max: f64, scale: Scale) -> (f64, f64) {
    if max <= 0.0 {
        return match scale {
            Scale::Share => (1.0, 0.25),
            Scale::Count => (1.0, 1.0),
        };
    }
    let rough = max / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    let step = if scale == Scale::Count {
        step.max(1.0)
    } else {
        step
    };
    ((max / step).ceil() * step, step)
}

/// Lines per year, with axes, gridlines, points carrying their values and a legend.
pub fn line_chart(id: &str, title: &str, years: &[i32], lines: &[Line], scale: Scale) -> String {
    let (width, height) = (680u32, 280u32);
    let (left, right, top, bottom) = (58.0, 150.0, 34.0, 30.0);
    let plot_w = f64::from(width) - left - right;
    let plot_h = f64::from(height) - top - bottom;
    let max = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten())
        .fold(0.0f64, |a, b| a.max(*b));
    let (y_max, step) = nice_max(max, scale);
    let x = |i: usize| -> f64 {
        if years.len() <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (years.len() - 1) as f64
        }
    };
    let y = |v: f64| -> f64 { top + plot_h - v / y_max * plot_h };
    let mut out = String::new();
    svg_open(&mut out, id, title, width, height);
    let mut tick = 0.0;
    while tick <= y_max + step * 0.01 {
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e3e3e3\"/>\
             <text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\" fill=\"#555\">{label}</text>",
            x2 = left + plot_w,
            yy = y(tick),
            tx = left - 6.0,
            ty = y(tick) + 4.0,
            label = scale.label(tick)
        );
        tick += step;
    }
    for (i, year) in years.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{year}</text>",
            x(i),
            f64::from(height) - 10.0
        );
    }
    for (n, line) in lines.iter().enumerate() {
        let colour = PALETTE[n % PALETTE.len()];
        let points: Vec<(usize, f64)> = line
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect();
        let _ = write!(
            out,
            "<g class=\"series\" data-series=\"{}\">",
            esc(&line.name)
        );
        if points.len() > 1 {
            let path: Vec<String> = points
                .iter()
                .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
                .collect();
            let _ = write!(
                out,
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.2\" points=\"{}\"/>",
                path.join(" ")
            );
        }
        for (i, v) in &points {
            let _ = write!(
                out,
                "<circle class=\"point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\" data-year=\"{}\" data-value=\"{v}\">\
                 <title>{}, {}: {}</title></circle>",
                x(*i),
                y(*v),
                years.get(*i).copied().unwrap_or_default(),
                esc(&line.name),
                years.get(*i).copied().unwrap_or_default(),
                scale.exact(*v)
            );
        }
        out.push_str("</g>");
        let ly = top + 4.0 + 18.0 * n as f64;
        let lx = left + plot_w + 14.0;
        let _ = write!(
            out,
            "<line x1=\"{lx}\" x2=\"{:.1}\" y1=\"{ly:.1}\" y2=\"{ly:.1}\" stroke=\"{colour}\" stroke-width=\"3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" fill=\"#1b1b1b\">{}</text>",
            lx + 18.0,
            lx + 24.0,
            ly + 4.0,
            esc(&truncate(&line.name, 18))
        );
    }
    if lines.iter().all(|l| l.values.iter().all(Option::is_none)) {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"#666\">No data for this selection.</text>",
            left + 10.0,
            top + 20.0
        );
    }
    out.push_str("</svg>");
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('\u{2026}');
        t
    }
}

/// A small line of counts per year, for a table cell.
pub fn sparkline(label: &str, years: &[i32], values: &[u64]) -> String {
    let (width, height) = (120.0, 28.0);
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let x = |i: usize| {
        if values.len() <= 1 {
            width / 2.0
        } else {
            2.0 + (width - 4.0) * i as f64 / (values.len() - 1) as f64
        }
    };
    let y = |v: u64| height - 3.0 - (v as f64 / max) * (height - 6.0);
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
        .collect();
    let tip: Vec<String> = years
        .iter()
        .zip(values)
        .map(|(yr, v)| format!("{yr}: {}", count(*v)))
        .collect();
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{l}\"><title>{l}: {t}</title>",
        l = esc(label),
        t = esc(&tip.join(", "))
    );
    if values.len() > 1 {
        let _ = write!(
            out,
            "<polyline fill=\"none\" stroke=\"{BAR}\" stroke-width=\"1.6\" points=\"{}\"/>",
            points.join(" ")
        );
    }
    if let Some((i, v)) = values.iter().enumerate().next_back() {
        let _ = write!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.2\" fill=\"{BAR}\"/>",
            x(i),
            y(*v)
        );
    }
    out.push_str("</svg>");
    out
}

/// A horizontal meter for a share, for a table cell.
pub fn meter(share: Option<f64>) -> String {
    let w = share.unwrap_or(0.0).clamp(0.0, 1.0) * 80.0;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"meter\" width=\"80\" height=\"10\" viewBox=\"0 0 80 10\" aria-hidden=\"true\">\
         <rect width=\"80\" height=\"10\" fill=\"#e6edf5\" rx=\"2\"/><rect width=\"{w:.1}\" height=\"10\" fill=\"{BAR}\" rx=\"2\"/></svg>"
    )
}

/// The embedded country geometry (see `assets/build-world-map.mjs` for its source and derivation).
#[derive(Debug, serde::Deserialize)]
pub struct WorldMap {
    pub source: String,
    pub width: u32,
    pub height: u32,
    pub countries: Vec<MapCountry>,
}

#[derive(Debug, serde::Deserialize)]
pub struct MapCountry {
    /// ISO 3166-1 alpha-2.
    pub code: String,
    pub name: String,
    /// SVG path data, already projected.
    pub d: String,
}

/// Natural Earth countries, projected, from `assets/world.json` (compiled into the binary).
pub static WORLD: LazyLock<WorldMap> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../assets/world.json"))
        .expect("assets/world.json is the committed map asset and parses")
});

/// Sequential blues, light to dark.
const SHADES: [&str; 7] = [
    "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08306b",
];

/// A world map shaded by `values` (joint papers per country). Home countries are grey, the selected
/// partner is outlined, and each country links to `href(code)`.
pub fn choropleth(
    id: &str,
    title: &str,
    values: &BTreeMap<String, f64>,
    display: impl Fn(f64) -> String,
    home: &[String],
    selected: &str,
    href: impl Fn(&str) -> String,
) -> String {
    let world = &*WORLD;
    let legend_h = 40;
    let (width, height) = (world.width, world.height + legend_h);
    let max = values.values().copied().fold(0.0, f64::max);
    // Square-root scale: partner counts span orders of magnitude.
    let shade = |v: f64| -> &'static str {
        if max <= 0.0 {
            return SHADES[0];
        }
        let t = (v / max).sqrt();
        SHADES[((t * (SHADES.len() - 1) as f64).round() as usize).min(SHADES.len() - 1)]
    };
    let mut out = String::new();
    svg_open(&mut out, id, title, width, height);
    let _ = write!(out, "<g transform=\"translate(0,24)\">");
    let mut selected_path = None;
    for c in &world.countries {
        let value = values.get(&c.code).copied();
        let is_home = home.contains(&c.code);
        let (fill, tip) = if is_home {
            ("#bdbdbd", format!("{} (home)", c.name))
        } else {
            match value {
                Some(v) => (shade(v), format!("{}: {}", c.name, display(v))),
                None => ("#f2f2f2", format!("{}: no joint papers", c.name)),
            }
        };
        let name = tandem_countries::country_name(&c.code).unwrap_or(&c.name);
        let _ = write!(
            out,
            "<a href=\"{h}\"><path class=\"country\" data-country=\"{code}\" data-value=\"{v}\" d=\"{d}\" fill=\"{fill}\" \
             stroke=\"#fff\" stroke-width=\"0.4\"><title>{t}</title></path></a>",
            h = esc(&href(&c.code)),
            code = c.code,
            v = value.unwrap_or(0.0),
            d = c.d,
            t = esc(&tip.replacen(&c.name, name, 1)),
        );
        if c.code == selected {
            selected_path = Some(&c.d);
        }
    }
    if let Some(d) = selected_path {
        let _ = write!(
            out,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{BAR_HIGHLIGHT}\" stroke-width=\"1.6\" pointer-events=\"none\"/>"
        );
    }
    out.push_str("</g>");
    // Legend: the value at the top of each shade.
    let ly = f64::from(height) - 18.0;
    let _ = write!(
        out,
        "<text x=\"8\" y=\"{:.1}\" fill=\"#555\">Joint papers</text>",
        ly + 11.0
    );
    for (i, colour) in SHADES.iter().enumerate() {
        let t = i as f64 / (SHADES.len() - 1) as f64;
        let v = max * t * t;
        let x = 90.0 + 70.0 * i as f64;
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"{ly:.1}\" width=\"18\" height=\"12\" fill=\"{colour}\" stroke=\"#ccc\" stroke-width=\"0.5\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" fill=\"#555\">{}</text>",
            x + 22.0,
            ly + 10.5,
            esc(&display(v))
        );
    }
    let _ = write!(
        out,
        "<rect x=\"{:.1}\" y=\"{ly:.1}\" width=\"18\" height=\"12\" fill=\"#bdbdbd\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#555\">home</text>",
        90.0 + 70.0 * SHADES.len() as f64,
        112.0 + 70.0 * SHADES.len() as f64,
        ly + 10.5
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_in_the_report() {
        assert_eq!(count(27101), "27,101");
        assert_eq!(count(0), "0");
        assert_eq!(fractional(1234.56), "1,234.6");
        assert_eq!(percent(Some(0.6084)), "60.8%");
        assert_eq!(percent(None), "\u{2013}");
        assert_eq!(esc("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
    }

    #[test]
    fn the_map_asset_has_the_partner_countries() {
        let world = &*WORLD;
        assert!(world.countries.len() > 200);
        for code in ["US", "CN", "DE", "GB", "SG", "HK", "FR", "AU", "BR", "ZA"] {
            assert!(
                world
                    .countries
                    .iter()
                    .any(|c| c.code == code && c.d.starts_with('M')),
                "{code} missing"
            );
        }
        assert!(world.source.contains("Natural Earth"));
    }

    #[test]
    fn charts_are_well_formed_svg() {
        let bars = bar_chart(
            "b",
            "Partners",
            &[Bar {
                label: "United States".into(),
                value: 10.0,
                display: "10".into(),
                href: Some("/partners?partner=US&x=1".into()),
                highlight: true,
            }],
        );
        assert!(bars.starts_with("<svg") && bars.ends_with("</svg>"));
        assert!(bars.contains("partner=US&amp;x=1"));
        let lines = line_chart(
            "l",
            "Share",
            &[2020, 2021],
            &[Line {
                name: "GB".into(),
                values: vec![Some(0.5), None],
            }],
            Scale::Share,
        );
        assert!(lines.contains("data-year=\"2020\""));
        let map = choropleth(
            "m",
            "Map",
            &[("US".to_string(), 5.0)].into_iter().collect(),
            |v| count(v as u64),
            &["GB".to_string()],
            "US",
            |c| format!("/partners?partner={c}"),
        );
        assert!(map.contains("data-country=\"US\" data-value=\"5\""));
        assert_eq!(nice_max(0.61, Scale::Share), (0.8, 0.2));
        assert_eq!(nice_max(27_101.0, Scale::Count).0, 30_000.0);
    }
}
