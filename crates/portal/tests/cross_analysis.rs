//! The cross-analysis page over a real store (a small synthetic world through the real ingest) and
//! the demonstration's synthetic survey responses: who sees which rows, that the numbers are the
//! metrics' figures, suppression of small groups, bad parameters, and the page without a store.
//! Each test runs on SQLite and on PostgreSQL (see `tandem_db::backend_tests!`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tandem_dashboard::{Dashboard, Options, charts::percent};
use tandem_db::test_support::TestDb;
use tandem_db::{Database, Role};
use tandem_portal::{PortalConfig, PortalState, router};
use tandem_survey::Surveys;

const PASSWORD: &str = "correct horse battery";

/// One small store for every test in this file.
fn store() -> &'static PathBuf {
    static STORE: OnceLock<PathBuf> = OnceLock::new();
    STORE.get_or_init(|| {
        std::thread::spawn(|| {
            let dir = tempfile::tempdir().unwrap().keep();
            let world = dir.join("world");
            let config = tandem_synth::Config {
                works: 4_000,
                seed: 11,
                works_per_part: 1_000,
                ..Default::default()
            };
            tandem_synth::generate(&config, &world, &tandem_synth::NoProgress).unwrap();
            let store = dir.join("store");
            let inputs = tandem_openalex::inputs_from_paths(std::slice::from_ref(&world)).unwrap();
            tandem_store::ingest(&store, inputs, &tandem_store::IngestOptions::default()).unwrap();
            store
        })
        .join()
        .unwrap()
    })
}

struct App {
    base: String,
    http: reqwest::Client,
    survey: i64,
    dashboard: Arc<Dashboard>,
    /// Member institutions by name order: (ROR, name).
    members: Vec<(String, String)>,
}

async fn user(db: &Database, email: &str, role: Role, ror: Option<&str>) {
    let user = db.create_user(email, role, ror).await.unwrap();
    let token = db.issue_set_password_token(user.id).await.unwrap();
    db.set_password_with_token(&token, PASSWORD).await.unwrap();
}

/// The demonstration's survey (20 synthetic responses of 24 members), four users, and the portal
/// with (or without) the store's figures.
async fn start(db: &TestDb, config: PortalConfig, with_store: bool) -> App {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let surveys = Surveys::new(db.db.clone());
    let survey = tandem_survey::demo::load(&surveys).await.unwrap();
    let members: Vec<(String, String)> = db
        .db
        .institutions()
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.ror, i.name))
        .collect();
    user(db, "admin@group.org", Role::Admin, None).await;
    user(db, "viewer@group.org", Role::Viewer, None).await;
    // A: the first member, whose synthetic answer puts North America first; B: a respondent that
    // puts Europe first.
    user(db, "a@member.org", Role::Member, Some(&members[0].0)).await;
    user(db, "b@member.org", Role::Member, Some(&members[10].0)).await;

    let dashboard = Arc::new(Dashboard::open(store(), Options::default()).await.unwrap());
    let mut state = PortalState::new(db.db.clone(), config);
    if with_store {
        state = state.with_dashboard(dashboard.clone());
    }
    let app = router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    App {
        base: format!("http://{addr}"),
        http: reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap(),
        survey: survey.id,
        dashboard,
        members,
    }
}

fn cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap()
}

fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

impl App {
    /// Logs in through the form; returns the session cookie.
    async fn login(&self, email: &str) -> String {
        let page = self
            .http
            .get(format!("{}/login", self.base))
            .send()
            .await
            .unwrap();
        let form_cookie = cookie(&page, tandem_portal::FORM_COOKIE);
        let token = csrf_in(&page.text().await.unwrap());
        let response = self
            .http
            .post(format!("{}/login", self.base))
            .header("cookie", form_cookie)
            .form(&[("email", email), ("password", PASSWORD), ("csrf", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email}");
        cookie(&response, tandem_portal::SESSION_COOKIE)
    }

    async fn get(&self, session: Option<&str>, query: &str) -> reqwest::Response {
        let mut request = self.http.get(format!(
            "{}/surveys/{}/cross-analysis{query}",
            self.base, self.survey
        ));
        if let Some(c) = session {
            request = request.header("cookie", c);
        }
        request.send().await.unwrap()
    }
}

/// The members' (international papers, papers with the partner) as the metrics compute them for
/// the group over every year of the store (with Hong Kong and Macao as China when `leiden`).
async fn observed(app: &App, partner: &str, leiden: bool) -> Vec<(String, u64, u64)> {
    let (first, last) = app.dashboard.store_years().unwrap();
    let mut pairs = vec![
        ("group".to_string(), "russell-group".to_string()),
        ("partner".into(), partner.into()),
        ("years".into(), format!("{first}-{last}")),
    ];
    if leiden {
        pairs.push(("unify_countries".into(), "leiden".into()));
    }
    let params = app.dashboard.params_from_pairs(&pairs).unwrap();
    let figures = app.dashboard.figures(&params.query).await.unwrap();
    figures
        .institutions
        .iter()
        .map(|i| (i.ror.clone(), i.international_papers, i.partner_papers))
        .collect()
}

fn members_table(html: &str) -> &str {
    match html.find("id=\"cross-members-table\"") {
        Some(start) => &html[start..start + html[start..].find("</table>").unwrap()],
        None => "",
    }
}

/// The rendered name of an institution (the page escapes apostrophes).
fn shown(name: &str) -> String {
    name.replace('\'', "&#x27;")
}

tandem_db::backend_tests! {
    async fn each_role_sees_aggregates_or_its_rows(db: &TestDb) {
        let app = start(db, PortalConfig::default(), true).await;
        let anonymous = app.get(None, "").await;
        assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
        assert_eq!(anonymous.headers()["location"], "/login");

        let viewer = app.login("viewer@group.org").await;
        let a = app.login("a@member.org").await;
        let b = app.login("b@member.org").await;
        let admin = app.login("admin@group.org").await;

        // Viewers: aggregates only, labelled synthetic, no member's row or name.
        let html = app.get(Some(&viewer), "").await.text().await.unwrap();
        assert!(html.contains("id=\"cross-groups-table\""));
        assert!(html.contains("<svg"), "a chart of the aggregates");
        assert!(html.contains("Synthetic data"));
        assert!(members_table(&html).is_empty(), "no response-level rows for viewers");
        for (_, name) in &app.members {
            assert!(!html.contains(&shown(name)), "viewer sees {name}");
        }

        // Members: the aggregates and their own institution's row only.
        for (session, own) in [(&a, 0usize), (&b, 10)] {
            let html = app.get(Some(session), "").await.text().await.unwrap();
            let table = members_table(&html);
            assert_eq!(table.matches("<th scope=\"row\">").count(), 1, "{table}");
            assert!(table.contains(&shown(&app.members[own].1)));
        }
        let html = app.get(Some(&a), "").await.text().await.unwrap();
        assert!(members_table(&html).contains("<td>yes</td><td>yes</td>"), "A states North America first");

        // Administrators: every member, with the metrics' numbers beside the stated priority.
        let html = app.get(Some(&admin), "").await.text().await.unwrap();
        let table = members_table(&html);
        assert_eq!(table.matches("<th scope=\"row\">").count(), 24);
        assert_eq!(table.matches("no response").count(), 4, "20 of 24 responded");
        assert_eq!(table.matches("class=\"highlight\"").count(), 5, "five put North America first");
        let observed_us = observed(&app, "US", false).await;
        assert_eq!(observed_us.len(), 24);
        assert!(observed_us.iter().any(|(_, i, _)| *i > 0), "the store has international papers");
        for (ror, international, with_us) in &observed_us {
            let name = &app.members.iter().find(|(r, _)| r == ror).unwrap().1;
            let row_start = table.find(&format!("<th scope=\"row\">{}</th>", shown(name))).unwrap();
            let row = &table[row_start..row_start + table[row_start..].find("</tr>").unwrap()];
            let share = (*international > 0).then(|| *with_us as f64 / *international as f64);
            assert!(
                row.contains(&format!("<td class=\"n\">{international}</td><td class=\"n\">{with_us}</td><td class=\"n\">{}</td>", percent(share))),
                "{name}: {row}"
            );
        }
        // The top-priority group's pooled share, computed here from the responses and figures.
        let surveys = Surveys::new(db.db.clone());
        let s = surveys.instrument(app.survey).await.unwrap();
        let top: Vec<String> = surveys.submitted_responses(&s).await.unwrap().into_iter()
            .filter(|r| tandem_survey::regions::stated(&r.answers, "north_america").top)
            .map(|r| r.institution_ror)
            .collect();
        assert_eq!(top.len(), 5);
        let (i, p) = observed_us.iter().filter(|(r, _, _)| top.contains(r))
            .fold((0, 0), |(i, p), (_, ii, pp)| (i + ii, p + pp));
        let expected = format!(
            "is the top priority</th><td class=\"n\">5</td><td class=\"n\">{}</td>",
            percent(Some(p as f64 / i as f64))
        );
        assert!(html.contains(&expected), "{expected}");

        // Another partner: its region is named, and the numbers are that partner's.
        let html = app.get(Some(&admin), "?partner=cn").await.text().await.unwrap();
        assert!(html.contains("region <strong>China</strong>"));
        assert!(html.contains("so this is the share for the whole region"), "CN with HK and MO");
        let observed_cn = observed(&app, "CN", true).await;
        let (_, international, with_cn) = &observed_cn[0];
        assert!(members_table(&html).contains(&format!("<td class=\"n\">{international}</td><td class=\"n\">{with_cn}</td>")));

        // Bad parameters are the user's to fix, and are shown escaped.
        let r = app.get(Some(&admin), "?partner=GB").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.text().await.unwrap().contains("in none of this survey"));
        let r = app.get(Some(&admin), "?partner=%3Cscript%3E").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(!r.text().await.unwrap().contains("<script>"));
        let r = app.get(Some(&admin), "?years=abc").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }

    async fn small_groups_are_hidden(db: &TestDb) {
        let config = PortalConfig { suppress_below: 6, ..PortalConfig::default() };
        let app = start(db, config, true).await;
        let viewer = app.login("viewer@group.org").await;
        let html = app.get(Some(&viewer), "").await.text().await.unwrap();
        // 5 put North America first and 4 did not respond: both below 6.
        assert!(html.contains("is the top priority</th><td class=\"n\">5</td><td class=\"n\">hidden</td><td class=\"n\">hidden</td>"), "{html}");
        assert!(html.contains("Did not respond</th><td class=\"n\">4</td><td class=\"n\">hidden</td>"));
        assert!(!html.contains("is the top priority (5)"), "the chart leaves the hidden group out");
        assert!(html.contains("not the top (7)"), "the chart shows the groups that are large enough");
    }

    async fn without_a_store_the_page_says_so(db: &TestDb) {
        let app = start(db, PortalConfig::default(), false).await;
        let admin = app.login("admin@group.org").await;
        let r = app.get(Some(&admin), "").await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("No publication store is configured"));
        assert!(members_table(&html).is_empty());
    }
}
