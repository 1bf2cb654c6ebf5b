//! The JSON API and pages over a real HTTP server on 127.0.0.1, on a store built by the real ingest from a
//! small synthetic world. Every endpoint, every error path, the OpenAPI document, the cache.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use tandem_dashboard::{Dashboard, Options};

struct Server {
    addr: SocketAddr,
    store: PathBuf,
}

/// One store and one server for every test in this file.
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let world = dir.join("world");
        let config = tandem_synth::Config {
            works: 4_000,
            seed: 5,
            works_per_part: 1_000,
            ..Default::default()
        };
        tandem_synth::generate(&config, &world, &tandem_synth::NoProgress).unwrap();
        let store = dir.join("store");
        let inputs = tandem_openalex::inputs_from_paths(std::slice::from_ref(&world)).unwrap();
        tandem_store::ingest(&store, inputs, &tandem_store::IngestOptions::default()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let store_for_server = store.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let dashboard = Dashboard::open(&store_for_server, Options::default())
                    .await
                    .unwrap();
                let app = tandem_dashboard::router(Arc::new(dashboard));
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        Server { addr, store }
    })
}

struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| {
            panic!("not JSON ({e}): {}", &self.body[..self.body.len().min(300)])
        })
    }
}

/// A plain HTTP/1.1 GET (the path is sent as given, so tests can send malformed queries).
fn get(path: &str) -> Answer {
    let s = server();
    let mut stream = TcpStream::connect(s.addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        s.addr
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Answer {
        status,
        content_type,
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

/// The figures computed directly by the engine, as `tandem figures --format json` would print them.
fn engine_figures(partner: &str, first: i32, last: i32, field: Option<&str>) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let engine = tandem_metrics::Engine::open(&server().store).await.unwrap();
        let request = tandem_metrics::FigureRequest {
            group: tandem_metrics::Group::resolve("russell-group").unwrap(),
            partner: partner.into(),
            first_year: first,
            last_year: last,
            types: tandem_model::DEFAULT_TYPES
                .iter()
                .map(|t| t.to_string())
                .collect(),
            field: field.map(str::to_string),
            unify: tandem_metrics::CountryUnification::None,
            home: Vec::new(),
        };
        serde_json::to_value(engine.figures(request).await.unwrap()).unwrap()
    })
}

/// `a` and `b` hold the same keys, items, strings and integers, and fractional numbers equal to 12
/// significant digits. Two reasons the last bits may differ: the API's answers are parsed from text,
/// and serde_json's default float parser (without its `float_roundtrip` feature) can read a
/// shortest-form f64 one unit in the last place off; and fractional sums (`papers_fractional`) are
/// added up by the engine in partitions whose order varies from one computation to the next.
fn assert_same_figures(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1.0),
                "{path}: {x} vs {y}"
            );
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                assert_same_figures(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(x), keys(y), "{path}: keys");
            for (k, v) in x {
                assert_same_figures(v, &y[k], &format!("{path}/{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// A figures value without the time it was computed.
fn timeless(mut v: Value) -> Value {
    v["provenance"]["computed_at"] = Value::Null;
    v
}

const PINNED_KEYS: [&str; 16] = [
    "group",
    "years",
    "types",
    "home",
    "papers",
    "papers_fractional",
    "collab_papers",
    "international_papers",
    "international_share",
    "partner",
    "next_partner",
    "lead_over_next",
    "partners",
    "institutions",
    "by_year",
    "provenance",
];

#[test]
fn figures_endpoint_returns_the_cli_json() {
    let a = get("/api/v1/figures?group=russell-group&partner=DE&years=2022-2023");
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.content_type.starts_with("application/json"));
    let api = a.json();
    for key in PINNED_KEYS {
        assert!(api.get(key).is_some(), "missing {key}");
    }
    assert_eq!(api["years"], serde_json::json!([2022, 2023]));
    assert!(api["papers"].as_u64().unwrap() > 0);
    assert_same_figures(
        &timeless(api),
        &timeless(engine_figures("DE", 2022, 2023, None)),
        "",
    );
}

#[test]
fn partners_members_and_series_are_parts_of_the_figures() {
    let q = "group=russell-group&partner=US&year=2023";
    let all = get(&format!("/api/v1/figures?{q}")).json();
    let partners = get(&format!("/api/v1/partners?{q}"));
    assert_eq!(partners.status, 200, "{}", partners.body);
    let partners = partners.json();
    for key in [
        "partner",
        "next_partner",
        "lead_over_next",
        "partners",
        "international_papers",
        "group",
        "years",
    ] {
        assert_eq!(partners[key], all[key], "{key}");
    }
    let members = get(&format!("/api/v1/members?{q}")).json();
    assert_eq!(members["institutions"], all["institutions"]);
    assert_eq!(members["institutions"].as_array().unwrap().len(), 24);
    let series =
        get("/api/v1/series?group=russell-group&partner=US&years=2019-2024&compare=US,DE").json();
    assert_eq!(series["by_year"].as_array().unwrap().len(), 6);
    let compare = series["compare"].as_array().unwrap();
    assert_eq!(compare.len(), 2);
    assert_eq!(compare[1]["country"], "DE");
    let de = engine_figures("DE", 2019, 2024, None);
    for (row, expected) in compare[1]["by_year"]
        .as_array()
        .unwrap()
        .iter()
        .zip(de["by_year"].as_array().unwrap())
    {
        assert_eq!(row["year"], expected["year"]);
        assert_eq!(row["partner_papers"], expected["partner_papers"]);
        let international = expected["international_papers"].as_f64().unwrap();
        if international > 0.0 {
            let share = row["share_of_international"].as_f64().unwrap();
            assert!(
                (share - expected["partner_papers"].as_f64().unwrap() / international).abs()
                    < 1e-12
            );
        }
    }
    // Without compare, the series compares the partner alone.
    let alone = get("/api/v1/series?years=2019-2024").json();
    assert_eq!(alone["compare"].as_array().unwrap().len(), 1);
    assert_eq!(alone["compare"][0]["country"], "US");
}

#[test]
fn fields_endpoint_gives_the_figures_of_each_field() {
    let a = get("/api/v1/fields?years=2019-2024&partner=US");
    assert_eq!(a.status, 200, "{}", a.body);
    let fields = a.json()["fields"].as_array().unwrap().clone();
    assert!(fields.len() >= 3, "{fields:?}");
    let total: u64 = fields.iter().map(|f| f["papers"].as_u64().unwrap()).sum();
    assert!(total > 0);
    for row in fields
        .iter()
        .filter(|f| f["papers"].as_u64().unwrap() > 0)
        .take(2)
    {
        let name = row["field"].as_str().unwrap();
        let direct = engine_figures("US", 2019, 2024, Some(name));
        for key in [
            "papers",
            "international_papers",
            "collab_papers",
            "partner",
            "next_partner",
            "lead_over_next",
        ] {
            assert_same_figures(&row[key], &direct[key], &format!("{name}: {key}"));
        }
    }
}

#[test]
fn explain_endpoint_gives_the_cli_explain_text() {
    let a = get("/api/v1/explain?year=2023");
    assert_eq!(a.status, 200);
    assert!(a.content_type.starts_with("text/plain"));
    assert!(a.body.contains("CREATE VIEW scope AS"), "{}", a.body);
    assert!(a.body.contains("CREATE TABLE credited AS"), "{}", a.body);
    assert!(a.body.contains("-- figure international_share"));
}

#[test]
fn bad_parameters_get_400_naming_the_parameter() {
    let cases = [
        ("bogus=1", "bogus"),
        ("group=ivy-league", "group"),
        ("group=%2Fetc%2Fpasswd", "group"),
        ("group=country:XX", "group"),
        ("partner=ZZ", "partner"),
        ("partner=", "partner"),
        ("year=twenty", "year"),
        ("year=2023&years=2022-2023", "year"),
        ("years=2023-2019", "years"),
        ("years=1900-1901", "years"),
        ("years=99999", "years"),
        ("types=", "types"),
        ("types=%3Cscript%3E", "types"),
        ("field=Alchemy", "field"),
        ("unify_countries=everything", "unify_countries"),
    ];
    for endpoint in ["figures", "partners", "members", "series", "explain"] {
        for (query, parameter) in cases {
            let a = get(&format!("/api/v1/{endpoint}?{query}"));
            assert_eq!(a.status, 400, "{endpoint}?{query}: {}", a.body);
            let v = a.json();
            assert_eq!(v["parameter"], parameter, "{endpoint}?{query}: {v}");
            assert!(!v["error"].as_str().unwrap().is_empty());
        }
    }
    for (endpoint, query, parameter) in [
        ("series", "compare=US,QQ", "compare"),
        ("series", "compare=US,DE,CN,FR,IT,ES,NL,CH,SE", "compare"),
        ("fields", "field=Medicine", "field"),
        ("figures", "compare=US", "compare"),
        ("figures", "counting=fractional", "counting"),
        ("openapi.json", "x=1", "x"),
    ] {
        let a = get(&format!("/api/v1/{endpoint}?{query}"));
        assert_eq!(a.status, 400, "{endpoint}?{query}: {}", a.body);
        assert_eq!(a.json()["parameter"], parameter, "{endpoint}?{query}");
    }
}

#[test]
fn requests_without_data_or_route_get_404_and_odd_input_never_500() {
    // A valid country with no works in the store.
    let a = get("/api/v1/figures?group=country:AQ&year=2023");
    assert_eq!(a.status, 404, "{}", a.body);
    assert!(a.json()["error"].as_str().unwrap().contains("no "));
    let a = get("/api/v1/nothing-here");
    assert_eq!(a.status, 404);
    assert_eq!(a.json()["status"], 404);
    for query in [
        "group=%FF%FE",
        "partner=%00%00",
        "years=2019-2019-2019",
        "years=-",
        "types=a,,b,,",
        "field=%E2%82%AC",
        "year=2147483648",
        "group=country:",
        "&&&=&",
        "partner=us&partner=de",
    ] {
        for endpoint in ["figures", "fields", "series"] {
            let a = get(&format!("/api/v1/{endpoint}?{query}"));
            assert!(
                a.status < 500,
                "{endpoint}?{query}: {} {}",
                a.status,
                a.body
            );
        }
        for page in [
            "/",
            "/partners",
            "/members",
            "/trends",
            "/fields",
            "/explain",
        ] {
            let a = get(&format!("{page}?{query}"));
            assert!(a.status < 500, "{page}?{query}: {}", a.status);
        }
    }
    let long = "x".repeat(5000);
    assert_eq!(get(&format!("/api/v1/figures?field={long}")).status, 400);
}

#[test]
fn cached_figures_are_reused_for_the_same_normalised_query() {
    let first =
        get("/api/v1/figures?group=russell-group&partner=CN&years=2020-2021&types=article,review")
            .json();
    let again = get(
        "/api/v1/figures?group=Russell-Group&partner=cn&years=2020-2021&types=review&types=article",
    )
    .json();
    // The same computation, not a second one: the time it was computed is the same.
    assert_eq!(first, again);
    let other = get("/api/v1/figures?group=russell-group&partner=CN&years=2020-2021").json();
    assert_ne!(first["papers"], Value::Null);
    assert_ne!(first["types"], other["types"]);
}

fn resolve_refs(doc: &Value, v: &Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                let pointer = r.strip_prefix('#').expect("a local $ref");
                assert!(doc.pointer(pointer).is_some(), "unresolved $ref {r}");
            }
            m.values().for_each(|x| resolve_refs(doc, x));
        }
        Value::Array(a) => a.iter().for_each(|x| resolve_refs(doc, x)),
        _ => {}
    }
}

#[test]
fn openapi_document_is_valid_and_matches_the_routes() {
    let a = get("/api/v1/openapi.json");
    assert_eq!(a.status, 200);
    let doc = a.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    resolve_refs(&doc, &doc);
    let paths = doc["paths"].as_object().unwrap();
    let mut documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = tandem_dashboard::api::ENDPOINTS
        .iter()
        .map(|e| e.path)
        .collect();
    expected.push("/api/v1/openapi.json");
    documented.sort_unstable();
    expected.sort_unstable();
    assert_eq!(documented, expected);
    for (path, item) in paths {
        let op = &item["get"];
        assert!(op["operationId"].is_string(), "{path}");
        assert!(op["responses"]["200"].is_object(), "{path}");
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        // Every documented parameter is taken by the route (a valid value gives 200).
        for p in &params {
            assert_eq!(p["in"], "query");
            assert!(p["schema"].is_object());
            let name = p["name"].as_str().unwrap();
            let value = match name {
                "group" => "russell-group",
                "partner" => "DE",
                "year" => "2023",
                "years" => "2022-2023",
                "types" => "article,review",
                "field" => "",
                "unify_countries" => "leiden",
                "compare" => "US,CN",
                other => panic!("{path}: undocumented test value for {other}"),
            };
            let a = get(&format!("{path}?{name}={value}"));
            assert_eq!(a.status, 200, "{path}?{name}={value}: {}", a.body);
        }
        // The route answers, and refuses a parameter the document does not list.
        assert_eq!(get(path).status, 200, "{path}");
        let a = get(&format!("{path}?not_documented=1"));
        assert_eq!(a.status, 400, "{path}");
        if path != "/api/v1/openapi.json" {
            assert!(op["responses"]["400"].is_object(), "{path}");
        }
    }
}

#[test]
fn pages_render_with_charts_and_downloads() {
    for (page, needle) in [
        ("/?year=2023", "data-chart=\"top-partners\""),
        (
            "/partners?year=2023&counting=fractional",
            "data-chart=\"partners-map\"",
        ),
        (
            "/members?year=2023&sort=international_share&order=asc",
            "id=\"members-table\"",
        ),
        (
            "/trends?years=2019-2024&compare=US,DE,CN",
            "data-chart=\"partner-share-trend\"",
        ),
        ("/fields?year=2023", "data-chart=\"fields-papers\""),
        ("/explain?year=2023", "id=\"step-international_share\""),
    ] {
        let a = get(page);
        assert_eq!(
            a.status,
            200,
            "{page}: {}",
            &a.body[..a.body.len().min(500)]
        );
        assert!(a.content_type.starts_with("text/html"));
        assert!(a.body.contains(needle), "{page} lacks {needle}");
        assert!(
            a.body.contains("how is this computed?") || page.starts_with("/explain"),
            "{page}"
        );
        assert!(
            !a.body.contains("http://") || a.body.contains("http://www.w3.org/2000/svg"),
            "{page}: external reference"
        );
    }
    // A member's own page, reached from the members table.
    let members = get("/members?year=2023").body;
    let href = members
        .split("href=\"/members/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let a = get(&format!("/members/{href}"));
    assert_eq!(a.status, 200, "{href}");
    assert!(a.body.contains("data-chart=\"member-by-year\""));
    assert_eq!(get("/members/notaror?year=2023").status, 400);
    assert_eq!(
        get("/members/052gg0110?group=country:GB&year=2023").status,
        404
    );
    // The years table has one row per year of the period: the pages link it with their whole period
    // (Trends: every year in the store when one year is selected).
    for (table, period) in [
        ("figures", "year=2023"),
        ("partners", "year=2023"),
        ("members", "year=2023"),
        ("years", "years=2019-2024"),
        ("fields", "year=2023"),
    ] {
        let a = get(&format!("/csv/{table}.csv?{period}"));
        assert_eq!(a.status, 200, "{table}");
        assert!(a.content_type.starts_with("text/csv"), "{table}");
        assert!(a.body.lines().count() > 2, "{table}");
    }
    assert_eq!(
        get("/csv/years.csv?years=2019-2024").body.lines().count(),
        1 + 6
    );
    let one_year = get("/csv/years.csv?year=2023").body;
    assert_eq!(one_year.lines().count(), 1 + 1, "{one_year}");
    assert!(
        one_year.lines().nth(1).unwrap().starts_with("2023,"),
        "{one_year}"
    );
    // With one year selected, the Trends page links the table of every year in the store.
    let trends = get("/trends?year=2023")
        .body
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    let link = trends
        .split("href=\"/csv/years?")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a years download on the Trends page");
    let linked = get(&format!("/csv/years?{link}"));
    assert_eq!(linked.status, 200, "{link}");
    assert!(linked.body.lines().count() > 2, "{link}: {}", linked.body);
    // The navigation bar links the member portal's surveys, without the dashboard's parameters.
    let overview = get("/?year=2023").body.replace("&#x2f;", "/");
    assert!(
        overview.contains("href=\"/surveys\"") && overview.contains("data-nav=\"survey\""),
        "no survey link in the navigation bar"
    );
    assert_eq!(get("/csv/nope?year=2023").status, 404);
    assert_eq!(get("/members?sort=colour").status, 400);
    let bad = get("/partners?partner=ZZ");
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("data-parameter=\"partner\""));
    assert_eq!(get("/no-such-page").status, 404);
    let css = get("/assets/tandem.css");
    assert_eq!(css.status, 200);
    assert!(css.content_type.starts_with("text/css"));
    assert!(get("/assets/tandem.js").body.contains("data-download"));
}

#[test]
fn csv_tables_hold_the_api_numbers() {
    let api = get("/api/v1/figures?year=2023&partner=US").json();
    let csv = get("/csv/partners?year=2023&partner=US").body;
    let first = csv.lines().nth(1).unwrap();
    let cells: Vec<&str> = first.split(',').collect();
    assert_eq!(cells[1], api["partners"][0]["country"].as_str().unwrap());
    assert_eq!(cells[3], api["partners"][0]["papers"].to_string());
}
