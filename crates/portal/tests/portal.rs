//! The portal served on 127.0.0.1, driven over HTTP: authorization of every route for every role,
//! CSRF, sessions, rate limiting, injection, and the survey flow. Each test runs on SQLite and on
//! PostgreSQL (see `tandem_db::backend_tests!`).

use std::net::SocketAddr;

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tandem_db::test_support::TestDb;
use tandem_db::{Database, Role};
use tandem_portal::{PortalConfig, PortalState, router};
use tandem_survey::{Instrument, Surveys};

const OXFORD: &str = "https://ror.org/052gg0110";
const CAMBRIDGE: &str = "https://ror.org/013meh722";
const PASSWORD: &str = "correct horse battery";
const HOSTILE: &str = "<script>alert(\"x\")</script>'; DROP TABLE users; --";

struct App {
    base: String,
    db: Database,
    survey: i64,
    http: reqwest::Client,
}

/// A logged-in (or anonymous) browser: its session cookie and the CSRF token of its session.
#[derive(Clone, Default)]
struct Browser {
    cookie: Option<String>,
    csrf: String,
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn cookie_value(set_cookie: &[String], name: &str) -> Option<String> {
    set_cookie
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

async fn user(db: &Database, email: &str, role: Role, ror: Option<&str>) {
    let user = db.create_user(email, role, ror).await.unwrap();
    let token = db.issue_set_password_token(user.id).await.unwrap();
    db.set_password_with_token(&token, PASSWORD).await.unwrap();
}

async fn start(db: &TestDb, config: PortalConfig) -> App {
    // Plain HTTP only, but a workspace build of reqwest wants a rustls provider installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let surveys = Surveys::new(db.db.clone());
    let mut instrument = Instrument::bundled();
    instrument.opens = "2000-01-01".into();
    instrument.closes = "2100-01-01".into();
    let (survey, _) = surveys.import_instrument(&instrument, None).await.unwrap();
    surveys.invite(survey.id, OXFORD, None).await.unwrap();
    user(db, "admin@group.org", Role::Admin, None).await;
    user(db, "viewer@group.org", Role::Viewer, None).await;
    user(db, "a@ox.ac.uk", Role::Member, Some(OXFORD)).await;
    user(db, "b@cam.ac.uk", Role::Member, Some(CAMBRIDGE)).await;

    let app = router(PortalState::new(db.db.clone(), config));
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
        db: db.db.clone(),
        survey: survey.id,
        http: reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap(),
    }
}

impl App {
    async fn get(&self, browser: &Browser, path: &str) -> reqwest::Response {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = &browser.cookie {
            request = request.header("cookie", c);
        }
        request.send().await.unwrap()
    }

    async fn post(
        &self,
        browser: &Browser,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(c) = &browser.cookie {
            request = request.header("cookie", c);
        }
        request.send().await.unwrap()
    }

    /// Logs in through the form and returns the session's browser, or the login response.
    async fn try_login(
        &self,
        email: &str,
        password: &str,
        ip: &str,
    ) -> Result<Browser, reqwest::Response> {
        let page = self.get(&Browser::default(), "/login").await;
        let form_cookie = cookie_value(&set_cookies(&page), tandem_portal::FORM_COOKIE).unwrap();
        let token = csrf_in(&page.text().await.unwrap());
        let response = self
            .http
            .post(format!("{}/login", self.base))
            .header("cookie", &form_cookie)
            .header("x-forwarded-for", ip)
            .form(&[("email", email), ("password", password), ("csrf", &token)])
            .send()
            .await
            .unwrap();
        if response.status() != StatusCode::SEE_OTHER {
            return Err(response);
        }
        let session = cookie_value(&set_cookies(&response), tandem_portal::SESSION_COOKIE).unwrap();
        let mut browser = Browser {
            cookie: Some(session),
            csrf: String::new(),
        };
        let page = self.get(&browser, "/surveys").await.text().await.unwrap();
        browser.csrf = csrf_in(&page);
        Ok(browser)
    }

    async fn login(&self, email: &str) -> Browser {
        match self.try_login(email, PASSWORD, "10.0.0.1").await {
            Ok(b) => b,
            Err(r) => panic!("login of {email} failed: {}", r.status()),
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/surveys/{}{rest}", self.survey)
    }
}

fn test_config() -> PortalConfig {
    PortalConfig {
        max_failed_logins_per_account: 3,
        max_failed_logins_per_ip: 5,
        trust_forwarded_for: true,
        suppress_below: 1,
        ..PortalConfig::default()
    }
}

fn full_answers(csrf: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_string()),
        ("q.regions_of_focus", "north_america".into()),
        ("q.regions_of_focus", "europe".into()),
        ("q.top_priority_region", "north_america".into()),
        ("q.highest_priority_regions", "north_america".into()),
        ("q.us_presence", "yes".into()),
        ("q.us_presence_kind", "office".into()),
        ("q.us_presence_purposes", "research".into()),
        ("q.partnership_models", "joint_phd".into()),
        ("q.barriers", "other".into()),
        ("q.barriers_other", HOSTILE.into()),
        ("q.comments", "secret-comment-of-oxford".into()),
        ("action", "submit".into()),
    ]
}

async fn submit_as(app: &App, browser: &Browser) -> reqwest::Response {
    let form = full_answers(&browser.csrf);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(browser, &app.path("/respond"), &pairs).await
}

tandem_db::backend_tests! {
    async fn every_route_allows_and_denies_by_role(db: &TestDb) {
        let app = start(db, test_config()).await;
        let anon = Browser::default();
        let admin = app.login("admin@group.org").await;
        let viewer = app.login("viewer@group.org").await;
        let a = app.login("a@ox.ac.uk").await;
        let b = app.login("b@cam.ac.uk").await;
        assert_eq!(submit_as(&app, &a).await.status(), StatusCode::SEE_OTHER);

        let ok = StatusCode::OK;
        let login = StatusCode::SEE_OTHER;
        let no = StatusCode::FORBIDDEN;
        // route, then the status for: anonymous, viewer, member of A, member of B, admin.
        let table: Vec<(String, [StatusCode; 5])> = vec![
            ("/surveys".into(), [login, ok, ok, ok, ok]),
            (app.path(""), [login, ok, ok, ok, ok]),
            (app.path("/respond"), [login, no, ok, no, no]),
            (app.path("/results"), [login, ok, ok, ok, ok]),
            (app.path("/results.csv"), [login, ok, ok, ok, ok]),
            (app.path("/results.json"), [login, ok, ok, ok, ok]),
            (app.path("/crosstab"), [login, ok, ok, ok, ok]),
            // Without a store the page says so; with one, tests/cross_analysis.rs checks the rows.
            (app.path("/cross-analysis"), [login, ok, ok, ok, ok]),
            (app.path("/responses"), [login, no, no, no, ok]),
            (app.path("/responses.csv"), [login, no, no, no, ok]),
            (app.path("/responses/052gg0110"), [login, no, ok, no, ok]),
            (app.path("/responses/013meh722"), [login, no, no, ok, ok]),
            ("/admin".into(), [login, no, no, no, ok]),
        ];
        let browsers = [&anon, &viewer, &a, &b, &admin];
        for (path, expected) in &table {
            for (who, (browser, status)) in ["anonymous", "viewer", "member A", "member B", "admin"].iter().zip(browsers.iter().zip(expected)) {
                let response = app.get(browser, path).await;
                assert_eq!(response.status(), *status, "GET {path} as {who}");
                if *status == login {
                    assert_eq!(response.headers()["location"], "/login", "GET {path} as {who}");
                }
            }
        }

        // Free text and response-level data: admins and the institution's own members only.
        for (who, browser, sees) in [("viewer", &viewer, false), ("member A", &a, false), ("member B", &b, false), ("admin", &admin, true)] {
            let results = app.get(browser, &app.path("/results")).await.text().await.unwrap();
            assert_eq!(results.contains("secret-comment-of-oxford"), sees, "results as {who}");
            let json = app.get(browser, &app.path("/results.json")).await.text().await.unwrap();
            assert_eq!(json.contains("secret-comment-of-oxford"), sees, "results.json as {who}");
            assert!(results.contains("1 institution (100%) of 1 respondents"), "aggregates for {who}");
        }
        let own = app.get(&a, &app.path("/responses/052gg0110")).await.text().await.unwrap();
        assert!(own.contains("secret-comment-of-oxford"));
        let export = app.get(&admin, &app.path("/responses.csv")).await.text().await.unwrap();
        assert!(export.contains("secret-comment-of-oxford"));

        // State-changing routes: the action happens only for the allowed role.
        let surveys = Surveys::new(app.db.clone());
        for (who, browser) in [("viewer", &viewer), ("member A", &a), ("member B", &b)] {
            let r = app.post(browser, &format!("/admin/surveys/{}/invite", app.survey), &[("csrf", &browser.csrf), ("ror", CAMBRIDGE)]).await;
            assert_eq!(r.status(), no, "invite as {who}");
            let r = app.post(browser, "/admin/users", &[("csrf", &browser.csrf), ("email", "new@x.org"), ("role", "admin"), ("institution", "")]).await;
            assert_eq!(r.status(), no, "add user as {who}");
        }
        let r = app.post(&anon, &format!("/admin/surveys/{}/invite", app.survey), &[("ror", CAMBRIDGE)]).await;
        assert_eq!(r.status(), login);
        assert_eq!(surveys.invitations(app.survey).await.unwrap(), [OXFORD]);
        assert!(app.db.user_by_email("new@x.org").await.unwrap().is_none());

        for (who, browser) in [("viewer", &viewer), ("member B", &b), ("admin", &admin)] {
            assert_eq!(submit_as(&app, browser).await.status(), no, "answer as {who}");
        }
        assert_eq!(submit_as(&app, &anon).await.status(), login);
        let s = surveys.instrument(app.survey).await.unwrap();
        assert_eq!(surveys.submitted_responses(&s).await.unwrap().len(), 1);

        let r = app.post(&admin, &format!("/admin/surveys/{}/invite", app.survey), &[("csrf", &admin.csrf), ("ror", CAMBRIDGE)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(surveys.invitations(app.survey).await.unwrap(), [CAMBRIDGE, OXFORD]);
        assert_eq!(app.get(&b, &app.path("/respond")).await.status(), ok, "B may answer once invited");
        let r = app.post(&admin, "/admin/users", &[("csrf", &admin.csrf), ("email", "new@x.org"), ("role", "viewer"), ("institution", "")]).await;
        assert_eq!(r.status(), ok);
        assert!(r.text().await.unwrap().contains("set-password?token="), "the one-time link is shown");
        assert!(app.db.user_by_email("new@x.org").await.unwrap().is_some());
        let log = app.db.audit_log(20).await.unwrap();
        assert!(log.iter().any(|e| e.action == "user.add" && e.actor == "admin@group.org"));
        assert!(log.iter().any(|e| e.action == "survey.invite" && e.actor == "admin@group.org"));
        assert!(log.iter().any(|e| e.action == "survey.submit" && e.actor == "a@ox.ac.uk"));
    }

    async fn forms_without_the_session_csrf_token_are_refused(db: &TestDb) {
        let app = start(db, test_config()).await;
        let a = app.login("a@ox.ac.uk").await;
        let admin = app.login("admin@group.org").await;
        for token in ["", "0000", admin.csrf.as_str()] {
            let mut browser = a.clone();
            browser.csrf = token.to_string();
            assert_eq!(submit_as(&app, &browser).await.status(), StatusCode::FORBIDDEN, "token {token:?}");
        }
        let r = app.post(&a, &app.path("/respond"), &[("q.us_presence", "yes"), ("action", "save")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "no token at all");
        let surveys = Surveys::new(app.db.clone());
        let s = surveys.instrument(app.survey).await.unwrap();
        assert!(surveys.response(&s, OXFORD).await.unwrap().is_none(), "nothing saved");
        let r = app.post(&admin, &format!("/admin/surveys/{}/invite", app.survey), &[("csrf", &a.csrf), ("all", "1")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(surveys.invitations(app.survey).await.unwrap().len(), 1);
        let r = app.post(&a, "/logout", &[("csrf", "wrong")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.get(&a, "/surveys").await.status(), StatusCode::OK, "still logged in");

        // The login form has its own token, tied to a cookie.
        let r = app.post(&Browser::default(), "/login", &[("email", "a@ox.ac.uk"), ("password", PASSWORD), ("csrf", "x")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }

    async fn sessions_expire_and_logout_ends_them(db: &TestDb) {
        let app = start(db, PortalConfig { secure_cookies: true, ..test_config() }).await;
        let page = app.get(&Browser::default(), "/login").await;
        let form_cookie = set_cookies(&page).join("\n");
        assert!(form_cookie.contains("HttpOnly") && form_cookie.contains("SameSite=Lax") && form_cookie.contains("Secure"), "{form_cookie}");
        let token = csrf_in(&page.text().await.unwrap());
        let r = app.http.post(format!("{}/login", app.base))
            .header("cookie", cookie_value(std::slice::from_ref(&form_cookie), tandem_portal::FORM_COOKIE).unwrap())
            .form(&[("email", "viewer@group.org"), ("password", PASSWORD), ("csrf", &token)])
            .send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let cookies = set_cookies(&r);
        let session_cookie = cookies.iter().find(|c| c.starts_with("tandem_session=")).unwrap();
        for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(session_cookie.contains(attribute), "{session_cookie}");
        }
        let viewer = app.login("viewer@group.org").await;
        assert_eq!(app.get(&viewer, "/surveys").await.status(), StatusCode::OK);
        let r = app.post(&viewer, "/logout", &[("csrf", &viewer.csrf)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(set_cookies(&r).iter().any(|c| c.starts_with("tandem_session=;") && c.contains("Max-Age=0")));
        let after = app.get(&viewer, "/surveys").await;
        assert_eq!(after.status(), StatusCode::SEE_OTHER, "the old cookie no longer works");
        assert_eq!(after.headers()["location"], "/login");

        let id = app.db.user_by_email("viewer@group.org").await.unwrap().unwrap().id;
        let expired = app.db.create_session(id, -1).await.unwrap();
        let browser = Browser { cookie: Some(format!("tandem_session={expired}")), csrf: String::new() };
        assert_eq!(app.get(&browser, "/surveys").await.status(), StatusCode::SEE_OTHER);
        let log = app.db.audit_log(10).await.unwrap();
        assert!(log.iter().any(|e| e.action == "user.logout" && e.actor == "viewer@group.org"));
    }

    async fn failed_logins_are_limited_per_account_and_per_ip(db: &TestDb) {
        let app = start(db, test_config()).await;
        // Per account: three failures from three addresses lock the account, even for the right
        // password, while other accounts still log in.
        for ip in ["10.1.0.1", "10.1.0.2", "10.1.0.3"] {
            let r = app.try_login("a@ox.ac.uk", "wrong password", ip).await.err().unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            assert!(r.text().await.unwrap().contains("Wrong e-mail address or password"));
        }
        let r = app.try_login("a@ox.ac.uk", PASSWORD, "10.1.0.4").await.err().unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(app.try_login("b@cam.ac.uk", PASSWORD, "10.1.0.4").await.is_ok());

        // Per IP: five failures against different accounts from one address block that address.
        for email in ["x1@x.org", "x2@x.org", "x3@x.org", "x4@x.org", "x5@x.org"] {
            let r = app.try_login(email, "wrong password", "10.2.0.1").await.err().unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
        let r = app.try_login("viewer@group.org", PASSWORD, "10.2.0.1").await.err().unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(app.try_login("viewer@group.org", PASSWORD, "10.2.0.2").await.is_ok());
    }

    async fn the_per_address_limit_uses_the_connection_address(db: &TestDb) {
        // Not behind a proxy: X-Forwarded-For is ignored, and the address the connection came from
        // (127.0.0.1 here, through axum's ConnectInfo) is what gets limited.
        let app = start(db, PortalConfig { trust_forwarded_for: false, ..test_config() }).await;
        for (i, email) in ["y1@x.org", "y2@x.org", "y3@x.org", "y4@x.org", "y5@x.org"].iter().enumerate() {
            let r = app.try_login(email, "wrong password", &format!("10.9.0.{i}")).await.err().unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
        let r = app.try_login("viewer@group.org", PASSWORD, "10.9.1.1").await.err().unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "a made-up X-Forwarded-For does not get round the limit");
        let since = tandem_db::now() - 3600;
        assert_eq!(app.db.failed_logins_for_ip("127.0.0.1", since).await.unwrap(), 5);
    }

    async fn hostile_text_is_stored_verbatim_and_shown_escaped(db: &TestDb) {
        let app = start(db, test_config()).await;
        let a = app.login("a@ox.ac.uk").await;
        assert_eq!(submit_as(&app, &a).await.status(), StatusCode::SEE_OTHER);
        let surveys = Surveys::new(app.db.clone());
        let s = surveys.instrument(app.survey).await.unwrap();
        let stored = surveys.response(&s, OXFORD).await.unwrap().unwrap();
        assert_eq!(stored.answers["barriers_other"], tandem_survey::Answer::Text(HOSTILE.into()));
        assert_eq!(app.db.institutions().await.unwrap().len(), 24);
        assert!(app.db.user_by_email("admin@group.org").await.unwrap().is_some(), "users table intact");

        let admin = app.login("admin@group.org").await;
        for path in [app.path("/results"), app.path("/responses/052gg0110"), app.path("/respond")] {
            let browser = if path.ends_with("/respond") { &a } else { &admin };
            let html = app.get(browser, &path).await.text().await.unwrap();
            assert!(!html.contains("<script>alert"), "{path} renders raw HTML");
            assert!(html.contains("&lt;script&gt;alert("), "{path} shows the text escaped");
        }
        // The same in account fields: an e-mail address that is also markup.
        let evil = "<script>x</script>@evil.org";
        let r = app.post(&admin, "/admin/users", &[("csrf", &admin.csrf), ("email", evil), ("role", "viewer"), ("institution", "")]).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(!r.text().await.unwrap().contains("<script>x"));
        assert!(app.db.user_by_email(evil).await.unwrap().is_some(), "stored verbatim");
        let html = app.get(&admin, "/admin").await.text().await.unwrap();
        assert!(!html.contains("<script>x") && html.contains("&lt;script&gt;x"));
        let r = app.try_login("' OR '1'='1", "' OR '1'='1", "10.3.0.1").await.err().unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }

    async fn every_text_field_takes_hostile_input(db: &TestDb) {
        let app = start(db, test_config()).await;
        let no_markup = |html: &str, what: &str| {
            assert!(!html.contains("<script>alert") && !html.contains("<img src=x"), "{what} renders raw HTML");
        };
        const SQL_AND_HTML: &str = "Robert'); DROP TABLE responses; -- <img src=x onerror=alert(1)>";

        // Free text in a draft: kept byte for byte, shown escaped when the form comes back.
        let a = app.login("a@ox.ac.uk").await;
        let r = app.post(&a, &app.path("/respond"), &[("csrf", &a.csrf), ("q.comments", SQL_AND_HTML), ("q.barriers", "other"), ("q.barriers_other", HOSTILE), ("action", "save")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let surveys = Surveys::new(app.db.clone());
        let s = surveys.instrument(app.survey).await.unwrap();
        let stored = surveys.response(&s, OXFORD).await.unwrap().unwrap();
        assert_eq!(stored.answers["comments"], tandem_survey::Answer::Text(SQL_AND_HTML.into()));
        assert_eq!(stored.answers["barriers_other"], tandem_survey::Answer::Text(HOSTILE.into()));
        let html = app.get(&a, &app.path("/respond")).await.text().await.unwrap();
        no_markup(&html, "the draft");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));

        // An option value that is not an option: refused, and echoed escaped.
        let r = app.post(&a, &app.path("/respond"), &[("csrf", &a.csrf), ("q.top_priority_region", HOSTILE), ("action", "save")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        no_markup(&r.text().await.unwrap(), "a bad option");
        let r = app.post(&a, &app.path("/respond"), &[("csrf", &a.csrf), ("q.<script>alert(1)</script>", "x"), ("action", "save")]).await;
        assert!(r.status().is_client_error(), "{}", r.status());
        no_markup(&r.text().await.unwrap(), "a bad question id");

        // The login form: SQL in both fields is just a wrong login, and the address comes back escaped.
        for (email, password) in [(HOSTILE, "x"), ("a@ox.ac.uk", "' OR '1'='1' --"), ("admin@group.org' --", PASSWORD)] {
            let r = app.try_login(email, password, "10.5.0.1").await.err().unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{email}");
            no_markup(&r.text().await.unwrap(), "the login form");
        }

        // Account fields: a markup institution is refused with an escaped message.
        let admin = app.login("admin@group.org").await;
        let r = app.post(&admin, "/admin/users", &[("csrf", &admin.csrf), ("email", "m@x.org"), ("role", "member"), ("institution", HOSTILE)]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        no_markup(&r.text().await.unwrap(), "the add-user error");
        assert!(app.db.user_by_email("m@x.org").await.unwrap().is_none(), "nothing half-added");
        let r = app.post(&admin, "/admin/users", &[("csrf", &admin.csrf), ("email", "m@x.org"), ("role", HOSTILE), ("institution", "")]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        no_markup(&r.text().await.unwrap(), "a bad role");

        // A password made of SQL and markup is a password like any other.
        let user = app.db.create_user("sql@ox.ac.uk", Role::Member, Some(OXFORD)).await.unwrap();
        let token = app.db.issue_set_password_token(user.id).await.unwrap();
        app.db.set_password_with_token(&token, SQL_AND_HTML).await.unwrap();
        assert!(app.try_login("sql@ox.ac.uk", SQL_AND_HTML, "10.5.0.2").await.is_ok());
        let r = app.get(&Browser::default(), &format!("/set-password?token={}", "%3Cscript%3Ealert(1)%3C/script%3E")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        no_markup(&r.text().await.unwrap(), "a bad set-password token");

        // Paths and query strings: not found or bad request, escaped.
        for path in [
            "/surveys/%3Cscript%3Ealert(1)%3C%2Fscript%3E/results".to_string(),
            app.path("/crosstab?row=%3Cscript%3Ealert(1)%3C/script%3E&col=us_presence"),
            app.path("/responses/%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
            app.path("/cross-analysis?partner=%3Cscript%3Ealert(1)%3C/script%3E"),
        ] {
            let r = app.get(&admin, &path).await;
            assert!(r.status().is_client_error(), "{path}: {}", r.status());
            no_markup(&r.text().await.unwrap(), &path);
        }
        assert_eq!(app.db.institutions().await.unwrap().len(), 24, "tables intact");
    }

    async fn members_save_resume_and_submit_through_the_form(db: &TestDb) {
        let app = start(db, test_config()).await;
        let a = app.login("a@ox.ac.uk").await;
        let form = app.get(&a, &app.path("/respond")).await.text().await.unwrap();
        assert!(form.contains("<fieldset id=\"q-regions_of_focus\""));
        assert!(form.contains("name=\"action\" value=\"save\""));
        assert!(!form.contains("<script"), "works without JavaScript");

        let r = app.post(&a, &app.path("/respond"), &[("csrf", &a.csrf), ("q.regions_of_focus", "europe"), ("q.us_presence", "no"), ("action", "save")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], format!("/surveys/{}/respond?done=saved", app.survey));
        let resumed = app.get(&a, &app.path("/respond?done=saved")).await.text().await.unwrap();
        assert!(resumed.contains("Draft saved"));
        assert!(resumed.contains("name=\"q.regions_of_focus\" value=\"europe\" checked"), "resumes with the draft");
        assert!(resumed.contains("name=\"q.us_presence\" value=\"no\" checked"));

        // Submitting the incomplete draft lists what is missing and keeps what was typed.
        let r = app.post(&a, &app.path("/respond"), &[("csrf", &a.csrf), ("q.regions_of_focus", "europe"), ("q.comments", "kept text"), ("action", "submit")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("Some answers need attention"));
        assert!(html.contains("href=\"#q-top_priority_region\""));
        assert!(html.contains("kept text"));
        let r = app.post(&a, &app.path("/respond"), &[("csrf", &a.csrf), ("q.top_priority_region", "mars"), ("action", "save")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        assert_eq!(submit_as(&app, &a).await.status(), StatusCode::SEE_OTHER);
        let done = app.get(&a, &app.path("/respond?done=submitted")).await.text().await.unwrap();
        assert!(done.contains("Update submitted response"));
        assert!(!done.contains("value=\"save\""), "a submitted response is not turned back into a draft");

        let admin = app.login("admin@group.org").await;
        let progress = app.get(&admin, "/admin").await.text().await.unwrap();
        assert!(progress.contains("1 of 1 institutions responded"), "{progress}");
        let results = app.get(&admin, &app.path("/results")).await.text().await.unwrap();
        assert!(results.contains("<svg") && results.contains("role=\"img\""), "a chart per question");
        assert!(results.contains("1 institution (100%) of 1 respondents"));
        let crosstab = app.get(&admin, &app.path("/crosstab?row=top_priority_region&col=us_presence")).await;
        assert_eq!(crosstab.status(), StatusCode::OK);
        assert!(crosstab.text().await.unwrap().contains("of 1 respondents"));
        let bad = app.get(&admin, &app.path("/crosstab?row=comments&col=us_presence")).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.get(&admin, "/surveys/999999/results").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get(&admin, "/surveys/abc/results").await.status(), StatusCode::NOT_FOUND);
    }

    async fn set_password_link_works_once(db: &TestDb) {
        let app = start(db, test_config()).await;
        let user = app.db.create_user("new@ox.ac.uk", Role::Member, Some(OXFORD)).await.unwrap();
        let token = app.db.issue_set_password_token(user.id).await.unwrap();
        let page = app.get(&Browser::default(), &format!("/set-password?token={token}")).await;
        assert_eq!(page.status(), StatusCode::OK);
        let form_cookie = cookie_value(&set_cookies(&page), tandem_portal::FORM_COOKIE).unwrap();
        let csrf = csrf_in(&page.text().await.unwrap());
        let post = |password: &'static str, confirm: &'static str| {
            app.http.post(format!("{}/set-password", app.base))
                .header("cookie", &form_cookie)
                .form(&[("token", token.as_str()), ("password", password), ("confirm", confirm), ("csrf", csrf.as_str())])
                .send()
        };
        assert_eq!(post("short", "short").await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(post("long enough one", "long enough two").await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
        let ok = post("long enough password", "long enough password").await.unwrap();
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        assert_eq!(ok.headers()["location"], "/login?password_set=1");
        assert_eq!(post("another password!", "another password!").await.unwrap().status(), StatusCode::NOT_FOUND);
        let again = app.get(&Browser::default(), &format!("/set-password?token={token}")).await;
        assert_eq!(again.status(), StatusCode::NOT_FOUND);
        assert!(app.try_login("new@ox.ac.uk", "long enough password", "10.4.0.1").await.is_ok());
    }
}
