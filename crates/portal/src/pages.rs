//! Request handlers and the templates they render.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::Environment;
use tandem_dashboard::charts::{Bar, bar_chart};

use serde::{Deserialize, Serialize};
use tandem_db::{Role, Session, User, now, random_token};
use tandem_survey::answers::parse_values;
use tandem_survey::tabulate::{QuestionTable, crosstab as cross_tabulate, tabulate};
use tandem_survey::{
    Answer, AnswerError, Answers, QuestionKind, Status, StoredInstrument, SurveyError,
    TabulateOptions,
};

use crate::auth::{self, FORM_COOKIE, SESSION_COOKIE};
use crate::{PortalError, PortalState};

type Page = Result<Response, PortalError>;

/// The portal's templates (auto-escaped: every name ends in `.html`).
pub fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("login.html", include_str!("../templates/login.html")),
        (
            "set_password.html",
            include_str!("../templates/set_password.html"),
        ),
        ("surveys.html", include_str!("../templates/surveys.html")),
        ("survey.html", include_str!("../templates/survey.html")),
        ("respond.html", include_str!("../templates/respond.html")),
        ("results.html", include_str!("../templates/results.html")),
        ("crosstab.html", include_str!("../templates/crosstab.html")),
        (
            "cross_analysis.html",
            include_str!("../templates/cross_analysis.html"),
        ),
        (
            "responses.html",
            include_str!("../templates/responses.html"),
        ),
        ("response.html", include_str!("../templates/response.html")),
        ("admin.html", include_str!("../templates/admin.html")),
        (
            "user_added.html",
            include_str!("../templates/user_added.html"),
        ),
    ] {
        env.add_template(name, source)
            .expect("the portal's templates parse (checked by tests)");
    }
    env
}

/// A plain error page (no template, so it renders even when templates fail).
pub fn error_page(status: StatusCode, message: &str) -> Html<String> {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
    };
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{code} – Tandem</title></head>\
         <body><main><h1>{code} {reason}</h1><p>{message}</p><p><a href=\"/surveys\">Surveys</a> · <a href=\"/login\">Log in</a></p></main></body></html>",
        code = status.as_u16(),
        reason = escape(status.canonical_reason().unwrap_or("")),
        message = escape(message),
    ))
}

pub(crate) fn render(
    state: &PortalState,
    name: &str,
    ctx: minijinja::Value,
) -> Result<Html<String>, PortalError> {
    Ok(Html(state.templates.get_template(name)?.render(ctx)?))
}

#[derive(Serialize)]
pub(crate) struct UserView {
    email: String,
    role: Role,
    institution: Option<String>,
    institution_name: Option<String>,
}

pub(crate) async fn user_view(state: &PortalState, user: &User) -> Result<UserView, PortalError> {
    let institution_name = match &user.institution_ror {
        Some(ror) => state.db.institution(ror).await?.map(|i| i.name),
        None => None,
    };
    Ok(UserView {
        email: user.email.clone(),
        role: user.role,
        institution: user.institution_ror.clone(),
        institution_name,
    })
}

fn client_ip(state: &PortalState, headers: &HeaderMap, extensions: &Extensions) -> String {
    if state.config.trust_forwarded_for
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_string();
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |ci| ci.0.ip().to_string())
}

fn short_ror(ror: &str) -> &str {
    ror.trim_start_matches("https://ror.org/")
}

// ---------------------------------------------------------------- login, logout, set-password

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    password_set: Option<String>,
}

fn form_token(headers: &HeaderMap) -> (String, bool) {
    match auth::cookie(headers, FORM_COOKIE) {
        Some(t) if t.len() == 64 => (t, false),
        _ => (random_token(), true),
    }
}

fn with_form_cookie(
    state: &PortalState,
    mut response: Response,
    token: &str,
    fresh: bool,
) -> Response {
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::set_cookie(FORM_COOKIE, token, 3600, state.config.secure_cookies),
        );
    }
    response
}

pub async fn login_page(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Page {
    if auth::session(&state, &headers).await?.is_some() {
        return Ok(Redirect::to("/surveys").into_response());
    }
    let (token, fresh) = form_token(&headers);
    let notice = q
        .password_set
        .map(|_| "Your password is set: you can log in now.");
    let page = render(
        &state,
        "login.html",
        context! { csrf => token.clone(), notice => notice, email => "" },
    )?;
    Ok(with_form_cookie(
        &state,
        page.into_response(),
        &token,
        fresh,
    ))
}

pub async fn login(
    State(state): State<PortalState>,
    headers: HeaderMap,
    extensions: Extensions,
    Form(form): Form<LoginForm>,
) -> Page {
    auth::check_form_csrf(&headers, form.csrf.as_deref())?;
    let ip = client_ip(&state, &headers, &extensions);
    let email = form.email.trim().to_lowercase();
    let since = now() - state.config.login_window_secs;
    let limited = state.db.failed_logins_for_email(&email, since).await?
        >= state.config.max_failed_logins_per_account
        || state.db.failed_logins_for_ip(&ip, since).await?
            >= state.config.max_failed_logins_per_ip;
    let token = form.csrf.clone().unwrap_or_default();
    if limited {
        let page = render(
            &state,
            "login.html",
            context! {
                csrf => token, email => form.email,
                error => "Too many failed logins for this account or from this address: wait a few minutes and try again.",
            },
        )?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    let Some(user) = state.db.verify_login(&email, &form.password).await? else {
        state.db.record_login_attempt(&email, &ip, false).await?;
        let page = render(
            &state,
            "login.html",
            context! {
                csrf => token, email => form.email, error => "Wrong e-mail address or password.",
            },
        )?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    state.db.record_login_attempt(&email, &ip, true).await?;
    state.db.clear_failed_logins(&email).await?;
    let session = state
        .db
        .create_session(user.id, state.config.session_ttl_secs)
        .await?;
    state
        .db
        .audit(
            Some(&user),
            "user.login",
            &format!("user {}", user.email),
            &format!("from {ip}"),
        )
        .await?;
    let mut response = Redirect::to("/surveys").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            SESSION_COOKIE,
            &session,
            state.config.session_ttl_secs,
            state.config.secure_cookies,
        ),
    );
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: Option<String>,
}

pub async fn logout(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Page {
    let session = auth::require(&state, &headers).await?;
    auth::check_csrf(&session, form.csrf.as_deref())?;
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        state.db.delete_session(&token).await?;
    }
    state
        .db
        .audit(
            Some(&session.user),
            "user.logout",
            &format!("user {}", session.user.email),
            "",
        )
        .await?;
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
    );
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

pub async fn set_password_page(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Page {
    let user = state.db.set_password_token_user(&q.token).await?;
    let (token, fresh) = form_token(&headers);
    let page = render(
        &state,
        "set_password.html",
        context! {
            csrf => token.clone(), token => q.token, email => user.as_ref().map(|u| u.email.clone()),
            min => tandem_db::accounts::MIN_PASSWORD_LEN,
        },
    )?;
    let status = if user.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(with_form_cookie(
        &state,
        (status, page).into_response(),
        &token,
        fresh,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetPasswordForm {
    token: String,
    password: String,
    confirm: String,
    csrf: Option<String>,
}

pub async fn set_password(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Form(form): Form<SetPasswordForm>,
) -> Page {
    auth::check_form_csrf(&headers, form.csrf.as_deref())?;
    let user = state.db.set_password_token_user(&form.token).await?;
    let retry = |error: String| -> Page {
        let page = render(
            &state,
            "set_password.html",
            context! {
                csrf => form.csrf.clone(), token => form.token.clone(),
                email => user.as_ref().map(|u| u.email.clone()), error => error,
                min => tandem_db::accounts::MIN_PASSWORD_LEN,
            },
        )?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    if form.password != form.confirm {
        return retry("The two passwords differ.".into());
    }
    match state
        .db
        .set_password_with_token(&form.token, &form.password)
        .await
    {
        Ok(user) => {
            state.db.clear_failed_logins(&user.email).await?;
            state
                .db
                .audit(
                    Some(&user),
                    "user.set_password",
                    &format!("user {}", user.email),
                    "",
                )
                .await?;
            Ok(Redirect::to("/login?password_set=1").into_response())
        }
        Err(tandem_db::DbError::Invalid(message)) => retry(message),
        Err(tandem_db::DbError::NotFound(_)) => {
            Err(PortalError::NotFound("valid set-password link".into()))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- surveys

#[derive(Serialize)]
pub(crate) struct SurveyRow {
    id: i64,
    reference: String,
    title: String,
    opens: String,
    closes: String,
    open: bool,
    progress: Option<String>,
    my_status: Option<String>,
}

pub(crate) async fn survey_row(
    state: &PortalState,
    s: &StoredInstrument,
    user: &User,
) -> Result<SurveyRow, PortalError> {
    let progress = if user.is_admin() {
        Some(state.surveys.progress(s.id).await?.to_string())
    } else {
        None
    };
    let my_status = match &user.institution_ror {
        Some(ror) if user.role == Role::Member => {
            if !state.surveys.is_invited(s.id, ror).await? {
                Some("not invited".to_string())
            } else {
                Some(match state.surveys.response(s, ror).await? {
                    Some(r) if r.status == Status::Submitted => "submitted".to_string(),
                    Some(_) => "draft saved".to_string(),
                    None => "not started".to_string(),
                })
            }
        }
        _ => None,
    };
    Ok(SurveyRow {
        id: s.id,
        reference: s.reference(),
        title: s.instrument.title.clone(),
        opens: s.instrument.opens.clone(),
        closes: s.instrument.closes.clone(),
        open: s.is_open_at(now()),
        progress,
        my_status,
    })
}

pub async fn surveys(State(state): State<PortalState>, headers: HeaderMap) -> Page {
    let session = auth::require(&state, &headers).await?;
    let mut rows = Vec::new();
    for s in state.surveys.instruments().await? {
        rows.push(survey_row(&state, &s, &session.user).await?);
    }
    let page = render(
        &state,
        "surveys.html",
        context! {
            user => user_view(&state, &session.user).await?, csrf => session.csrf_token, surveys => rows,
        },
    )?;
    Ok(page.into_response())
}

pub(crate) async fn load(state: &PortalState, id: &str) -> Result<StoredInstrument, PortalError> {
    let id: i64 = id
        .parse()
        .map_err(|_| PortalError::NotFound(format!("survey '{id}'")))?;
    Ok(state.surveys.instrument(id).await?)
}

pub async fn survey(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Page {
    let session = auth::require(&state, &headers).await?;
    let s = load(&state, &id).await?;
    let row = survey_row(&state, &s, &session.user).await?;
    let page = render(
        &state,
        "survey.html",
        context! {
            user => user_view(&state, &session.user).await?, csrf => session.csrf_token,
            survey => row, description => s.instrument.description.clone(),
            questions => s.instrument.questions.len(),
        },
    )?;
    Ok(page.into_response())
}

// ---------------------------------------------------------------- the survey form

#[derive(Serialize)]
struct OptionView {
    value: String,
    label: String,
    checked: bool,
    rank: String,
}

#[derive(Serialize)]
struct QuestionView {
    id: String,
    number: usize,
    text: String,
    help: Option<String>,
    kind: &'static str,
    required: bool,
    asked_if: Option<String>,
    max_choices: Option<usize>,
    options: Vec<OptionView>,
    ranks: Vec<usize>,
    text_value: String,
    error: Option<String>,
    min_label: Option<String>,
    max_label: Option<String>,
}

/// Raw form values: plain values by question id, and ranks by question id and option.
#[derive(Default)]
struct RawForm {
    values: BTreeMap<String, Vec<String>>,
    ranks: BTreeMap<String, BTreeMap<String, String>>,
}

fn raw_from_answers(answers: &Answers) -> RawForm {
    let mut raw = RawForm::default();
    for (id, answer) in answers {
        match answer {
            Answer::Ranking(order) => {
                raw.ranks.insert(
                    id.clone(),
                    order
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (v.clone(), (i + 1).to_string()))
                        .collect(),
                );
            }
            other => {
                raw.values.insert(id.clone(), other.to_values());
            }
        }
    }
    raw
}

/// Reads the form's `q.ID` fields (and `q.ID.rank.OPTION` for rankings) into answers.
fn answers_from_form(s: &StoredInstrument, raw: &RawForm) -> Result<Answers, Vec<AnswerError>> {
    let mut values = raw.values.clone();
    let mut errors = Vec::new();
    for (id, ranks) in &raw.ranks {
        let mut ranked: Vec<(usize, String)> = Vec::new();
        for (option, rank) in ranks {
            if rank.trim().is_empty() {
                continue;
            }
            match rank.trim().parse::<usize>() {
                Ok(r) if r >= 1 => ranked.push((r, option.clone())),
                _ => errors.push(AnswerError {
                    question: id.clone(),
                    message: format!("'{rank}' is not a rank"),
                }),
            }
        }
        ranked.sort();
        if ranked.windows(2).any(|w| w[0].0 == w[1].0) {
            errors.push(AnswerError {
                question: id.clone(),
                message: "two options have the same rank".into(),
            });
        }
        values.insert(id.clone(), ranked.into_iter().map(|(_, v)| v).collect());
    }
    let parsed = parse_values(&s.instrument, &values);
    match parsed {
        Ok(answers) if errors.is_empty() => Ok(answers),
        Ok(_) => Err(errors),
        Err(mut more) => {
            errors.append(&mut more);
            Err(errors)
        }
    }
}

fn question_views(
    s: &StoredInstrument,
    raw: &RawForm,
    errors: &[AnswerError],
) -> Vec<QuestionView> {
    let def = &s.instrument;
    def.questions
        .iter()
        .enumerate()
        .map(|(index, q)| {
            let given = raw.values.get(&q.id).cloned().unwrap_or_default();
            let ranks = raw.ranks.get(&q.id).cloned().unwrap_or_default();
            let options = q
                .categories()
                .into_iter()
                .map(|c| OptionView {
                    checked: given.contains(&c.value),
                    rank: ranks.get(&c.value).cloned().unwrap_or_default(),
                    value: c.value,
                    label: c.label,
                })
                .collect();
            let asked_if = q.show_if.as_ref().map(|c| {
                let (number, earlier) = def
                    .questions
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.id == c.question)
                    .map(|(i, p)| (i + 1, p))
                    .unwrap_or((0, q));
                format!(
                    "Answer only if you answered “{}” to question {number}.",
                    earlier.label_of(&c.equals)
                )
            });
            let error = errors
                .iter()
                .filter(|e| e.question == q.id)
                .map(|e| e.message.clone())
                .collect::<Vec<_>>();
            QuestionView {
                id: q.id.clone(),
                number: index + 1,
                text: q.text.clone(),
                help: q.help.clone(),
                kind: q.kind.as_str(),
                required: q.required,
                asked_if,
                max_choices: q.max_choices,
                options,
                ranks: (1..=q.options.len()).collect(),
                text_value: if q.kind == QuestionKind::FreeText {
                    given.join("\n")
                } else {
                    String::new()
                },
                error: (!error.is_empty()).then(|| error.join("; ")),
                min_label: q.min_label.clone(),
                max_label: q.max_label.clone(),
            }
        })
        .collect()
}

/// The member's institution, if they may answer this survey.
async fn answering_institution(
    state: &PortalState,
    session: &Session,
    s: &StoredInstrument,
) -> Result<String, PortalError> {
    let user = &session.user;
    let Some(ror) = user
        .institution_ror
        .clone()
        .filter(|_| user.role == Role::Member)
    else {
        return Err(PortalError::Forbidden(
            "only members of an invited institution answer surveys".into(),
        ));
    };
    if !state.surveys.is_invited(s.id, &ror).await? {
        return Err(PortalError::Forbidden(
            "your institution has not been invited to answer this survey".into(),
        ));
    }
    Ok(ror)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn respond_form(
    state: &PortalState,
    session: &Session,
    s: &StoredInstrument,
    ror: &str,
    raw: &RawForm,
    errors: &[AnswerError],
    notice: Option<&str>,
    status: StatusCode,
) -> Page {
    let response = state.surveys.response(s, ror).await?;
    let error_list: Vec<_> = errors
        .iter()
        .map(|e| {
            let number = s
                .instrument
                .questions
                .iter()
                .position(|q| q.id == e.question)
                .map(|i| i + 1);
            context! { id => e.question.clone(), number => number, message => e.message.clone() }
        })
        .collect();
    let page = render(
        state,
        "respond.html",
        context! {
            user => user_view(state, &session.user).await?, csrf => session.csrf_token.clone(),
            survey => survey_row(state, s, &session.user).await?,
            description => s.instrument.description.clone(),
            questions => question_views(s, raw, errors), errors => error_list, notice => notice,
            status => response.as_ref().map(|r| r.status), updated_at => response.as_ref().map(|r| r.updated_at),
            institution_name => state.db.institution(ror).await?.map(|i| i.name), ror => short_ror(ror),
        },
    )?;
    Ok((status, page).into_response())
}

pub async fn respond_page(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Page {
    let session = auth::require(&state, &headers).await?;
    let s = load(&state, &id).await?;
    let ror = answering_institution(&state, &session, &s).await?;
    let raw = state
        .surveys
        .response(&s, &ror)
        .await?
        .map(|r| raw_from_answers(&r.answers))
        .unwrap_or_default();
    let notice = match q.done.as_deref() {
        Some("saved") => Some("Draft saved. You can come back and finish it later."),
        Some("submitted") => Some(
            "Thank you: your institution's response is submitted. You can change it until the survey closes.",
        ),
        _ => None,
    };
    respond_form(
        &state,
        &session,
        &s,
        &ror,
        &raw,
        &[],
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn respond(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Page {
    let session = auth::require(&state, &headers).await?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    auth::check_csrf(&session, field("csrf"))?;
    let s = load(&state, &id).await?;
    let ror = answering_institution(&state, &session, &s).await?;
    let mut raw = RawForm::default();
    for (key, value) in &fields {
        let Some(rest) = key.strip_prefix("q.") else {
            continue;
        };
        match rest.split_once(".rank.") {
            Some((question, option)) => {
                raw.ranks
                    .entry(question.to_string())
                    .or_default()
                    .insert(option.to_string(), value.clone());
            }
            None => raw
                .values
                .entry(rest.to_string())
                .or_default()
                .push(value.clone()),
        }
    }
    let submit = match field("action") {
        Some("submit") => true,
        Some("save") => false,
        _ => {
            return Err(PortalError::BadRequest(
                "the form must say whether to save or submit".into(),
            ));
        }
    };
    let answers = match answers_from_form(&s, &raw) {
        Ok(a) => a,
        Err(errors) => {
            return respond_form(
                &state,
                &session,
                &s,
                &ror,
                &raw,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let result = if submit {
        state
            .surveys
            .submit(&s, &ror, answers, Some(&session.user))
            .await
    } else {
        state
            .surveys
            .save_draft(&s, &ror, answers, Some(&session.user))
            .await
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/surveys/{}/respond?done={}",
            s.id,
            if submit { "submitted" } else { "saved" }
        ))
        .into_response()),
        Err(SurveyError::Answers(errors)) => {
            respond_form(
                &state,
                &session,
                &s,
                &ror,
                &raw,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- results

/// A horizontal bar per row, as a share of respondents: the dashboard's SVG bar chart (which
/// escapes every label), with the count and its denominator at the end of each bar.
fn chart(number: usize, table: &QuestionTable) -> minijinja::Value {
    let bars: Vec<Bar> = table
        .rows
        .iter()
        .map(|row| Bar {
            label: if row.label.chars().count() > 30 {
                format!("{}…", row.label.chars().take(29).collect::<String>())
            } else {
                row.label.clone()
            },
            value: row.of_respondents.percent.unwrap_or(0.0),
            display: format!(
                "{} of {} ({})",
                row.of_respondents.n,
                row.of_respondents.of,
                row.of_respondents.percent_text()
            ),
            href: None,
            highlight: false,
        })
        .collect();
    minijinja::Value::from_safe_string(bar_chart(
        &format!("q-{}", table.id),
        &format!(
            "Question {number}: institutions, of {} respondents",
            table.rows.first().map_or(0, |r| r.of_respondents.of)
        ),
        &bars,
    ))
}

pub async fn results(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Page {
    let session = auth::require(&state, &headers).await?;
    let s = load(&state, &id).await?;
    let responses = state.surveys.submitted_responses(&s).await?;
    let members = state.surveys.member_count().await? as u64;
    let options = TabulateOptions {
        include_free_text: session.user.is_admin(),
        suppress_below: state.config.suppress_below,
    };
    let t = tabulate(&s, &responses, members, &options);
    let names: BTreeMap<String, String> = state
        .db
        .institutions()
        .await?
        .into_iter()
        .map(|i| (i.ror, i.name))
        .collect();
    let questions: Vec<_> = t
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let texts: Option<Vec<(String, String)>> = q.texts.as_ref().map(|texts| {
                texts.iter().map(|(ror, text)| (names.get(ror).cloned().unwrap_or_else(|| ror.clone()), text.clone())).collect()
            });
            context! {
                number => i + 1, table => q, chart => chart(i + 1, q), texts => texts,
                rows => q.rows.iter().map(|r| context! {
                    label => r.label.clone(), describe => r.of_respondents.describe("respondents"),
                    of_members => r.of_members.percent_text(), mean_rank => r.mean_rank.map(|m| format!("{m:.1}")),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let progress = state.surveys.progress(s.id).await?;
    let page = render(
        &state,
        "results.html",
        context! {
            user => user_view(&state, &session.user).await?, csrf => session.csrf_token,
            survey => survey_row(&state, &s, &session.user).await?, t => &t, questions => questions,
            progress => progress.to_string(), members => members,
            choice_questions => s.instrument.questions.iter().filter(|q| q.kind != QuestionKind::FreeText)
                .map(|q| context! { id => q.id.clone(), text => q.text.clone() }).collect::<Vec<_>>(),
        },
    )?;
    Ok(page.into_response())
}

async fn tabulation_for(
    state: &PortalState,
    headers: &HeaderMap,
    id: &str,
) -> Result<tandem_survey::Tabulation, PortalError> {
    let session = auth::require(state, headers).await?;
    let s = load(state, id).await?;
    let responses = state.surveys.submitted_responses(&s).await?;
    let members = state.surveys.member_count().await? as u64;
    let options = TabulateOptions {
        include_free_text: session.user.is_admin(),
        suppress_below: state.config.suppress_below,
    };
    Ok(tabulate(&s, &responses, members, &options))
}

pub async fn results_csv(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Page {
    let t = tabulation_for(&state, &headers, &id).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        t.to_csv()?,
    )
        .into_response())
}

pub async fn results_json(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Page {
    let t = tabulation_for(&state, &headers, &id).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], t.to_json()).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CrosstabQuery {
    row: Option<String>,
    col: Option<String>,
}

pub async fn crosstab(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<CrosstabQuery>,
) -> Page {
    let session = auth::require(&state, &headers).await?;
    let s = load(&state, &id).await?;
    let choice: Vec<_> = s
        .instrument
        .questions
        .iter()
        .filter(|q| q.kind != QuestionKind::FreeText)
        .collect();
    let row = q
        .row
        .clone()
        .or_else(|| choice.first().map(|q| q.id.clone()))
        .unwrap_or_default();
    let col = q
        .col
        .clone()
        .or_else(|| choice.get(1).map(|q| q.id.clone()))
        .unwrap_or_default();
    let responses = state.surveys.submitted_responses(&s).await?;
    let pairs: Vec<(&str, &Answers)> = responses
        .iter()
        .map(|r| (r.institution_ror.as_str(), &r.answers))
        .collect();
    let table = cross_tabulate(
        &s.instrument,
        &pairs,
        &row,
        &col,
        state.config.suppress_below,
    )?;
    let text = |id: &str| {
        s.instrument
            .question(id)
            .map(|q| q.text.clone())
            .unwrap_or_default()
    };
    let grid: Vec<_> = table
        .rows
        .iter()
        .enumerate()
        .map(|(r, category)| {
            context! {
                label => category.label.clone(),
                cells => table.cells[r].iter().map(|c| c.text(table.threshold)).collect::<Vec<_>>(),
                total => table.row_totals[r].text(table.threshold),
            }
        })
        .collect();
    let page = render(
        &state,
        "crosstab.html",
        context! {
            user => user_view(&state, &session.user).await?, csrf => session.csrf_token,
            survey => survey_row(&state, &s, &session.user).await?,
            questions => choice.iter().map(|q| context! { id => q.id.clone(), text => q.text.clone() }).collect::<Vec<_>>(),
            row => row.clone(), col => col.clone(), row_text => text(&row), col_text => text(&col),
            columns => table.columns.iter().map(|c| c.label.clone()).collect::<Vec<_>>(),
            grid => grid,
            column_totals => table.column_totals.iter().map(|c| c.text(table.threshold)).collect::<Vec<_>>(),
            respondents => table.respondents, threshold => table.threshold,
            synthetic => responses.iter().any(|r| r.synthetic),
        },
    )?;
    Ok(page.into_response())
}

// ---------------------------------------------------------------- response-level data

pub async fn responses(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Page {
    let session = auth::require_admin(&state, &headers).await?;
    let s = load(&state, &id).await?;
    let invited = state.surveys.invitations(s.id).await?;
    let mut rows = Vec::new();
    for institution in state.db.institutions().await? {
        let response = state.surveys.response(&s, &institution.ror).await?;
        rows.push(context! {
            name => institution.name, ror => short_ror(&institution.ror).to_string(),
            invited => invited.contains(&institution.ror),
            status => response.as_ref().map(|r| r.status), synthetic => response.as_ref().is_some_and(|r| r.synthetic),
            source => response.map(|r| r.source),
        });
    }
    let page = render(
        &state,
        "responses.html",
        context! {
            user => user_view(&state, &session.user).await?, csrf => session.csrf_token,
            survey => survey_row(&state, &s, &session.user).await?, rows => rows,
        },
    )?;
    Ok(page.into_response())
}

pub async fn responses_csv(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Page {
    auth::require_admin(&state, &headers).await?;
    let s = load(&state, &id).await?;
    let csv = state.surveys.export_responses_csv(&s).await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response())
}

pub async fn response(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path((id, ror)): Path<(String, String)>,
) -> Page {
    let session = auth::require(&state, &headers).await?;
    let ror = tandem_db::institutions::normalize_ror(&ror)
        .map_err(|_| PortalError::NotFound(format!("institution '{ror}'")))?;
    if !auth::may_see_responses_of(&session.user, &ror) {
        return Err(PortalError::Forbidden(
            "response-level data is visible only to administrators and to the responding institution's members".into(),
        ));
    }
    let s = load(&state, &id).await?;
    let institution = state
        .db
        .institution(&ror)
        .await?
        .ok_or_else(|| PortalError::NotFound(format!("institution {ror}")))?;
    let response = state.surveys.response(&s, &ror).await?;
    let answers: Vec<_> = s
        .instrument
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let answer = response.as_ref().and_then(|r| r.answers.get(&q.id));
            let shown = answer.map(|a| match a {
                Answer::Text(t) => t.clone(),
                Answer::Ranking(order) => order
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("{}. {}", i + 1, q.label_of(v)))
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other
                    .to_values()
                    .iter()
                    .map(|v| q.label_of(v))
                    .collect::<Vec<_>>()
                    .join("; "),
            });
            context! { number => i + 1, text => q.text.clone(), answer => shown }
        })
        .collect();
    let page = render(
        &state,
        "response.html",
        context! {
            user => user_view(&state, &session.user).await?, csrf => session.csrf_token,
            survey => survey_row(&state, &s, &session.user).await?, institution => institution.name,
            status => response.as_ref().map(|r| r.status), synthetic => response.as_ref().is_some_and(|r| r.synthetic),
            answers => answers,
        },
    )?;
    Ok(page.into_response())
}

// ---------------------------------------------------------------- administration

pub async fn admin(State(state): State<PortalState>, headers: HeaderMap) -> Page {
    let session = auth::require_admin(&state, &headers).await?;
    let institutions = state.db.institutions().await?;
    let mut surveys = Vec::new();
    for s in state.surveys.instruments().await? {
        let invited = state.surveys.invitations(s.id).await?;
        surveys.push(context! {
            row => survey_row(&state, &s, &session.user).await?,
            institutions => institutions.iter().map(|i| context! {
                ror => i.ror.clone(), name => i.name.clone(), invited => invited.contains(&i.ror),
            }).collect::<Vec<_>>(),
        });
    }
    let users: Vec<_> = state.db.users().await?;
    let page = render(
        &state,
        "admin.html",
        context! {
            user => user_view(&state, &session.user).await?, csrf => session.csrf_token,
            surveys => surveys, users => users, institutions => institutions,
            audit => state.db.audit_log(50).await?,
        },
    )?;
    Ok(page.into_response())
}

pub async fn invite(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Page {
    let session = auth::require_admin(&state, &headers).await?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    auth::check_csrf(&session, field("csrf"))?;
    let s = load(&state, &id).await?;
    let rors: Vec<String> = if field("all").is_some() {
        state
            .db
            .institutions()
            .await?
            .into_iter()
            .map(|i| i.ror)
            .collect()
    } else {
        fields
            .iter()
            .filter(|(k, _)| k == "ror")
            .map(|(_, v)| v.clone())
            .collect()
    };
    for ror in rors {
        match state.surveys.invite(s.id, &ror, Some(&session.user)).await {
            Ok(()) => {}
            Err(SurveyError::NotFound(what)) => {
                return Err(PortalError::BadRequest(format!("{what} not found")));
            }
            Err(SurveyError::Db(tandem_db::DbError::Invalid(m))) => {
                return Err(PortalError::BadRequest(m));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AddUserForm {
    csrf: Option<String>,
    email: String,
    role: String,
    institution: String,
}

pub async fn add_user(
    State(state): State<PortalState>,
    headers: HeaderMap,
    Form(form): Form<AddUserForm>,
) -> Page {
    let session = auth::require_admin(&state, &headers).await?;
    auth::check_csrf(&session, form.csrf.as_deref())?;
    let role: Role = form
        .role
        .parse()
        .map_err(|e: tandem_db::DbError| PortalError::BadRequest(e.to_string()))?;
    let institution = Some(form.institution.trim()).filter(|s| !s.is_empty());
    let user = match state.db.create_user(&form.email, role, institution).await {
        Ok(user) => user,
        Err(e @ (tandem_db::DbError::Invalid(_) | tandem_db::DbError::Conflict(_))) => {
            return Err(PortalError::BadRequest(e.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    let token = state.db.issue_set_password_token(user.id).await?;
    let detail = format!(
        "role {}{}",
        user.role,
        user.institution_ror
            .as_ref()
            .map(|r| format!(", institution {r}"))
            .unwrap_or_default()
    );
    state
        .db
        .audit(
            Some(&session.user),
            "user.add",
            &format!("user {}", user.email),
            &detail,
        )
        .await?;
    let page = render(
        &state,
        "user_added.html",
        context! {
            user => user_view(&state, &session.user).await?, csrf => session.csrf_token,
            added => user, link => tandem_db::set_password_link(&state.config.base_url, &token),
        },
    )?;
    Ok(page.into_response())
}
