//! Cookies, sessions, CSRF tokens and the client address.

use axum::http::{HeaderMap, HeaderValue, header};
use tandem_db::{Session, User};

use crate::{PortalError, PortalState};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tandem_session";
/// The cookie that carries the CSRF token of forms shown before login (login, set-password).
pub const FORM_COOKIE: &str = "tandem_form";

/// The value of cookie `name` in the request, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly and SameSite=Lax always, Secure when served over TLS.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}");
    if secure {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// Compares two tokens in time independent of where they differ.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The logged-in session of a request, if its cookie names a live one.
pub async fn session(
    state: &PortalState,
    headers: &HeaderMap,
) -> Result<Option<Session>, PortalError> {
    match cookie(headers, SESSION_COOKIE) {
        Some(token) if !token.is_empty() => Ok(state.db.session(&token).await?),
        _ => Ok(None),
    }
}

/// The session, or a redirect to the login page.
pub async fn require(state: &PortalState, headers: &HeaderMap) -> Result<Session, PortalError> {
    session(state, headers).await?.ok_or(PortalError::NeedLogin)
}

/// The session of an admin.
pub async fn require_admin(
    state: &PortalState,
    headers: &HeaderMap,
) -> Result<Session, PortalError> {
    let session = require(state, headers).await?;
    if session.user.is_admin() {
        Ok(session)
    } else {
        Err(PortalError::Forbidden(
            "only administrators can do this".into(),
        ))
    }
}

/// Checks the CSRF token of a state-changing form against the session's.
pub fn check_csrf(session: &Session, submitted: Option<&str>) -> Result<(), PortalError> {
    match submitted {
        Some(token) if tokens_match(token, &session.csrf_token) => Ok(()),
        _ => Err(PortalError::Csrf),
    }
}

/// Checks the CSRF token of a form shown before login against its cookie.
pub fn check_form_csrf(headers: &HeaderMap, submitted: Option<&str>) -> Result<(), PortalError> {
    match (cookie(headers, FORM_COOKIE), submitted) {
        (Some(cookie), Some(token)) if tokens_match(&cookie, token) => Ok(()),
        _ => Err(PortalError::Csrf),
    }
}

/// Whether `user` may see the response-level data of institution `ror`: admins, and members
/// acting for it.
pub fn may_see_responses_of(user: &User, ror: &str) -> bool {
    user.is_admin() || user.acts_for(ror)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; tandem_session=abc; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn session_cookies_carry_the_safety_attributes() {
        let c = set_cookie(SESSION_COOKIE, "t", 60, true);
        let c = c.to_str().unwrap();
        for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/", "Max-Age=60"] {
            assert!(c.contains(part), "{c}");
        }
        assert!(
            !set_cookie(SESSION_COOKIE, "t", 60, false)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
        assert!(!tokens_match("", ""));
    }
}
