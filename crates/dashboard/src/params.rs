//! Query parameters: parsed, checked and normalised once, so every view and the cache agree on them.
//!
//! The figure parameters are the `tandem figures` options under the same names (`group`, `partner`,
//! `year`/`years`, `types`, `field`, `unify_countries`). Pages add view-only ones (`counting`,
//! `compare`, `sort`, `order`). An unknown or malformed parameter is a [`DashboardError::BadParameter`]
//! naming it.

use crate::DashboardError;
use std::collections::BTreeMap;

/// The most partners a trend comparison takes.
pub const MAX_COMPARE: usize = 8;

/// Which counting a page shows for output and partner counts (DESIGN.md: collaboration shares are
/// always full counting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Counting {
    #[default]
    Full,
    Fractional,
}

impl Counting {
    pub fn as_str(self) -> &'static str {
        match self {
            Counting::Full => "full",
            Counting::Fractional => "fractional",
        }
    }
}

/// One figures computation, normalised: two requests that mean the same thing compare equal, which
/// makes this the cache key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FigureQuery {
    /// A built-in group id, `country:CC`, or the id of a group file the server was started with.
    pub group: String,
    /// When set, the group is this one member of `group` (bare ROR id): the per-institution figures.
    pub member: Option<String>,
    pub partner: String,
    pub first_year: i32,
    pub last_year: i32,
    pub types: Vec<String>,
    pub field: Option<String>,
    pub unify_leiden: bool,
}

impl FigureQuery {
    /// The same query for another partner.
    pub fn with_partner(&self, partner: &str) -> FigureQuery {
        FigureQuery {
            partner: partner.to_string(),
            ..self.clone()
        }
    }

    /// The same query for another period.
    pub fn with_years(&self, first: i32, last: i32) -> FigureQuery {
        FigureQuery {
            first_year: first,
            last_year: last,
            ..self.clone()
        }
    }

    /// The same query restricted to one field (or to none).
    pub fn with_field(&self, field: Option<&str>) -> FigureQuery {
        FigureQuery {
            field: field.map(str::to_string),
            ..self.clone()
        }
    }

    /// The same query for one member of the group.
    pub fn with_member(&self, ror: Option<&str>) -> FigureQuery {
        FigureQuery {
            member: ror.map(str::to_string),
            ..self.clone()
        }
    }

    /// `2023` or `2019-2023`, as the CLI takes it.
    pub fn years_text(&self) -> String {
        if self.first_year == self.last_year {
            self.first_year.to_string()
        } else {
            format!("{}-{}", self.first_year, self.last_year)
        }
    }

    /// The figure parameters as URL query pairs, in the CLI's names (defaults left out).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("group", self.group.clone()),
            ("partner", self.partner.clone()),
            ("years", self.years_text()),
        ];
        if !is_default_types(&self.types) {
            pairs.push(("types", self.types.join(",")));
        }
        if let Some(field) = &self.field {
            pairs.push(("field", field.clone()));
        }
        if self.unify_leiden {
            pairs.push(("unify_countries", "leiden".into()));
        }
        pairs
    }
}

/// Everything a page or endpoint was asked: the figures query plus view options.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewParams {
    pub query: FigureQuery,
    pub counting: Counting,
    /// Partner countries compared on the Trends page and in `/api/v1/series`.
    pub compare: Vec<String>,
    pub sort: Option<String>,
    pub descending: bool,
}

impl ViewParams {
    /// The URL query string for these parameters, with `changes` applied (a value of `None` removes
    /// the parameter). Used for every link, so a view can always be shared.
    pub fn href(&self, path: &str, changes: &[(&str, Option<&str>)]) -> String {
        let mut pairs: Vec<(String, String)> = self
            .query
            .pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        if self.counting != Counting::Full {
            pairs.push(("counting".into(), self.counting.as_str().into()));
        }
        if !self.compare.is_empty() {
            pairs.push(("compare".into(), self.compare.join(",")));
        }
        for (key, value) in changes {
            pairs.retain(|(k, _)| k != key);
            if let Some(v) = value {
                pairs.push((key.to_string(), v.to_string()));
            }
        }
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            serializer.append_pair(k, v);
        }
        let query = serializer.finish();
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        }
    }
}

/// What the server knows that checking needs: the store's years and fields, and the groups it serves.
pub struct Context<'a> {
    pub years_present: &'a BTreeMap<i32, u64>,
    pub fields_present: &'a [String],
    /// Group ids accepted besides the built-in ones and `country:CC` (group files given at start).
    pub extra_groups: &'a [String],
}

fn bad(parameter: &str, message: impl Into<String>) -> DashboardError {
    DashboardError::BadParameter {
        parameter: parameter.to_string(),
        message: message.into(),
    }
}

fn is_default_types(types: &[String]) -> bool {
    let mut given: Vec<&str> = types.iter().map(String::as_str).collect();
    let mut default: Vec<&str> = tandem_model::DEFAULT_TYPES.to_vec();
    given.sort_unstable();
    default.sort_unstable();
    given == default
}

/// Splits a raw query string into pairs; `allowed` lists the parameter names this endpoint takes.
pub fn parse_pairs(
    raw: Option<&str>,
    allowed: &[&str],
) -> Result<Vec<(String, String)>, DashboardError> {
    let mut pairs = Vec::new();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if !allowed.contains(&key.as_ref()) {
            return Err(bad(
                &key,
                format!(
                    "unknown parameter {key:?}; this endpoint takes: {}",
                    allowed.join(", ")
                ),
            ));
        }
        pairs.push((key.into_owned(), value.into_owned()));
    }
    Ok(pairs)
}

fn parse_year(parameter: &str, text: &str) -> Result<i32, DashboardError> {
    let year: i32 = text.trim().parse().map_err(|_| {
        bad(
            parameter,
            format!("{parameter}={text:?} is not a year; expected YYYY (year) or YYYY-YYYY (years), e.g. 2019-2023"),
        )
    })?;
    if !(1800..=2200).contains(&year) {
        return Err(bad(
            parameter,
            format!("{year} is not a plausible publication year"),
        ));
    }
    Ok(year)
}

/// Checks and normalises parameters. Only the last value of a repeated parameter counts, except
/// `types` and `compare`, whose values add up (comma lists or repeats, as HTML forms send them).
pub fn view_params(pairs: &[(String, String)], cx: &Context) -> Result<ViewParams, DashboardError> {
    let mut single: BTreeMap<&str, &str> = BTreeMap::new();
    let mut types: Vec<String> = Vec::new();
    let mut types_given = false;
    let mut compare: Vec<String> = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "types" => {
                types_given = true;
                types.extend(
                    value
                        .split(',')
                        .map(|t| t.trim().to_ascii_lowercase())
                        .filter(|t| !t.is_empty()),
                );
            }
            "compare" => compare.extend(
                value
                    .split(',')
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty()),
            ),
            other => {
                single.insert(other, value.as_str());
            }
        }
    }

    let group = group_id(single.get("group").copied().unwrap_or("russell-group"), cx)?;

    let partner = single
        .get("partner")
        .copied()
        .unwrap_or("US")
        .trim()
        .to_ascii_uppercase();
    if !tandem_countries::is_country_code(&partner) {
        return Err(bad(
            "partner",
            format!(
                "partner={partner:?} is not an ISO 3166-1 alpha-2 country code (for example US, DE, CN)"
            ),
        ));
    }

    let year = single.get("year").filter(|v| !v.trim().is_empty());
    let years = single.get("years").filter(|v| !v.trim().is_empty());
    let (first_year, last_year, parameter) = match (year, years) {
        (Some(_), Some(_)) => {
            return Err(bad("year", "give either year or years, not both"));
        }
        (Some(y), None) => {
            let y = parse_year("year", y)?;
            (y, y, "year")
        }
        (None, Some(range)) => match range.split_once(['-', '\u{2013}', ':']) {
            Some((a, b)) => (parse_year("years", a)?, parse_year("years", b)?, "years"),
            None => {
                let y = parse_year("years", range)?;
                (y, y, "years")
            }
        },
        (None, None) => match cx.years_present.keys().next_back() {
            Some(&latest) => (latest, latest, "years"),
            None => {
                return Err(bad(
                    "years",
                    "the store holds no works with a publication year",
                ));
            }
        },
    };
    if first_year > last_year {
        return Err(bad(
            parameter,
            format!(
                "the period {first_year}-{last_year} is empty: the first year is after the last"
            ),
        ));
    }
    if cx
        .years_present
        .range(first_year..=last_year)
        .next()
        .is_none()
    {
        let held = match (
            cx.years_present.keys().next(),
            cx.years_present.keys().next_back(),
        ) {
            (Some(a), Some(b)) => format!("it holds works from {a} to {b}"),
            _ => "it holds no works with a publication year".into(),
        };
        return Err(bad(
            parameter,
            format!(
                "the store has no works published in {}; {held}",
                if first_year == last_year {
                    first_year.to_string()
                } else {
                    format!("{first_year}-{last_year}")
                }
            ),
        ));
    }

    let types = if !types_given {
        tandem_model::DEFAULT_TYPES
            .iter()
            .map(|t| t.to_string())
            .collect()
    } else {
        if types.is_empty() {
            return Err(bad(
                "types",
                "types is empty; for example types=article,review",
            ));
        }
        if types.len() > 32 {
            return Err(bad("types", "at most 32 document types"));
        }
        if let Some(t) = types
            .iter()
            .find(|t| t.len() > 40 || !t.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        {
            return Err(bad(
                "types",
                format!(
                    "{t:?} is not a document type (OpenAlex types look like article, book-chapter)"
                ),
            ));
        }
        types.sort();
        types.dedup();
        if is_default_types(&types) {
            tandem_model::DEFAULT_TYPES
                .iter()
                .map(|t| t.to_string())
                .collect()
        } else {
            types
        }
    };

    let field = match single.get("field").map(|f| f.trim()) {
        None | Some("") => None,
        Some(f) => match cx
            .fields_present
            .iter()
            .find(|known| known.eq_ignore_ascii_case(f))
        {
            Some(known) => Some(known.clone()),
            None => {
                return Err(bad(
                    "field",
                    format!(
                        "no works in the store have the field {f:?}; fields present: {}",
                        cx.fields_present.join(", ")
                    ),
                ));
            }
        },
    };

    let unify_leiden = match single
        .get("unify_countries")
        .map(|u| u.trim().to_ascii_lowercase())
    {
        None => false,
        Some(u) if u.is_empty() || u == "none" => false,
        Some(u) if u == "leiden" => true,
        Some(u) => {
            return Err(bad(
                "unify_countries",
                format!(
                    "unify_countries={u:?} is not a scheme; the one scheme is leiden (HK and MO count as CN)"
                ),
            ));
        }
    };

    let counting = match single.get("counting").map(|c| c.trim()) {
        None | Some("") | Some("full") => Counting::Full,
        Some("fractional") => Counting::Fractional,
        Some(c) => {
            return Err(bad(
                "counting",
                format!("counting={c:?}: expected full or fractional"),
            ));
        }
    };

    let mut seen = Vec::new();
    for c in compare {
        if !tandem_countries::is_country_code(&c) {
            return Err(bad(
                "compare",
                format!("compare: {c:?} is not an ISO 3166-1 alpha-2 country code"),
            ));
        }
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    if seen.len() > MAX_COMPARE {
        return Err(bad(
            "compare",
            format!("compare takes at most {MAX_COMPARE} countries"),
        ));
    }

    let sort = single
        .get("sort")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let descending = match single.get("order").map(|o| o.trim()) {
        None | Some("") | Some("desc") => true,
        Some("asc") => false,
        Some(o) => return Err(bad("order", format!("order={o:?}: expected asc or desc"))),
    };

    Ok(ViewParams {
        query: FigureQuery {
            group,
            member: None,
            partner,
            first_year,
            last_year,
            types,
            field,
            unify_leiden,
        },
        counting,
        compare: seen,
        sort,
        descending,
    })
}

/// The groups a server answers for: never an arbitrary path, since the group parameter comes from
/// the network and `Group::resolve` would read any file named.
fn group_id(spec: &str, cx: &Context) -> Result<String, DashboardError> {
    let spec = spec.trim();
    if let Some(code) = spec.strip_prefix("country:") {
        let code = code.trim().to_ascii_uppercase();
        if !tandem_countries::is_country_code(&code) {
            return Err(bad(
                "group",
                format!("group=country:{code}: {code:?} is not an ISO 3166-1 alpha-2 country code"),
            ));
        }
        return Ok(format!("country:{code}"));
    }
    if let Some((id, _, _)) = tandem_model::groups::BUILTIN_GROUPS
        .iter()
        .find(|g| g.0.eq_ignore_ascii_case(spec))
    {
        return Ok(id.to_string());
    }
    if let Some(id) = cx.extra_groups.iter().find(|g| g.as_str() == spec) {
        return Ok(id.clone());
    }
    let mut known: Vec<String> = tandem_model::groups::BUILTIN_GROUPS
        .iter()
        .map(|g| g.0.to_string())
        .collect();
    known.extend(cx.extra_groups.iter().cloned());
    Err(bad(
        "group",
        format!(
            "unknown group {spec:?}: use {} or country:CC for a whole country",
            known.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx_parts() -> (BTreeMap<i32, u64>, Vec<String>) {
        (
            [(2019, 10), (2020, 10), (2023, 5)].into_iter().collect(),
            vec!["Medicine".to_string(), "Physics and Astronomy".to_string()],
        )
    }

    fn parse(query: &str) -> Result<ViewParams, DashboardError> {
        let (years, fields) = cx_parts();
        let cx = Context {
            years_present: &years,
            fields_present: &fields,
            extra_groups: &["north".to_string()],
        };
        let pairs = parse_pairs(Some(query), crate::pages::PAGE_PARAMS)?;
        view_params(&pairs, &cx)
    }

    fn parameter_of(query: &str) -> String {
        match parse(query) {
            Err(DashboardError::BadParameter { parameter, .. }) => parameter,
            other => panic!("{query}: expected a bad parameter, got {other:?}"),
        }
    }

    #[test]
    fn defaults_and_normalisation() {
        let p = parse("").unwrap();
        assert_eq!(p.query.group, "russell-group");
        assert_eq!(p.query.partner, "US");
        assert_eq!((p.query.first_year, p.query.last_year), (2023, 2023));
        assert_eq!(
            p.query.types,
            vec!["article", "review", "book-chapter", "book"]
        );
        let q = parse("group=Russell-Group&partner=de&years=2019-2020&types=review&types=article,review&field=medicine&unify_countries=leiden&compare=us,cn,us").unwrap();
        assert_eq!(q.query.partner, "DE");
        assert_eq!(q.query.types, vec!["article", "review"]);
        assert_eq!(q.query.field.as_deref(), Some("Medicine"));
        assert!(q.query.unify_leiden);
        assert_eq!(q.compare, vec!["US", "CN"]);
        // The default types in another order are the default types.
        let r = parse("types=book,book-chapter,review,article").unwrap();
        assert_eq!(r.query, parse("").unwrap().query);
        assert_eq!(parse("group=north").unwrap().query.group, "north");
        assert_eq!(parse("group=country:gb").unwrap().query.group, "country:GB");
    }

    #[test]
    fn errors_name_the_parameter() {
        assert_eq!(parameter_of("bogus=1"), "bogus");
        assert_eq!(parameter_of("group=/etc/passwd"), "group");
        assert_eq!(parameter_of("group=country:XX"), "group");
        assert_eq!(parameter_of("partner=ZZ"), "partner");
        assert_eq!(parameter_of("year=abc"), "year");
        assert_eq!(parameter_of("year=2020&years=2019-2020"), "year");
        assert_eq!(parameter_of("years=2020-2019"), "years");
        assert_eq!(parameter_of("years=1990-1991"), "years");
        assert_eq!(parameter_of("types=,"), "types");
        assert_eq!(parameter_of("types=art%20icle"), "types");
        assert_eq!(parameter_of("field=Alchemy"), "field");
        assert_eq!(parameter_of("unify_countries=un"), "unify_countries");
        assert_eq!(parameter_of("counting=half"), "counting");
        assert_eq!(parameter_of("compare=US,XX"), "compare");
        assert_eq!(parameter_of("order=up"), "order");
    }

    #[test]
    fn links_keep_every_parameter() {
        let p = parse("partner=DE&years=2019-2020&field=Medicine&counting=fractional").unwrap();
        let href = p.href("/partners", &[("partner", Some("CN"))]);
        assert_eq!(
            href,
            "/partners?group=russell-group&years=2019-2020&field=Medicine&counting=fractional&partner=CN"
        );
        let back = parse(href.split_once('?').unwrap().1).unwrap();
        assert_eq!(back.query.partner, "CN");
        assert_eq!(back.counting, Counting::Fractional);
    }
}
