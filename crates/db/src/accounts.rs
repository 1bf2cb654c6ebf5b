//! User accounts, roles, argon2id password hashes and one-time set-password tokens.

use std::fmt;
use std::str::FromStr;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Database, DbError, Result, institutions, now, random_token, token_hash};

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

/// How long a set-password link stays valid.
pub const SET_PASSWORD_TTL_SECS: i64 = 7 * 24 * 3600;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs surveys, invites institutions, sees response-level data.
    Admin,
    /// Acts for one member institution: answers its survey, sees its own responses.
    Member,
    /// Sees aggregate results only.
    Viewer,
}

impl Role {
    /// The name stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DbError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            "viewer" => Ok(Role::Viewer),
            other => Err(DbError::Invalid(format!(
                "unknown role '{other}': expected admin, member or viewer"
            ))),
        }
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Lower-cased e-mail address, the login name.
    pub email: String,
    /// What the user may do.
    pub role: Role,
    /// For members: the ROR id (`https://ror.org/...`) of the institution they act for.
    pub institution_ror: Option<String>,
    /// Whether a password has been set (accounts start without one).
    pub has_password: bool,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
}

impl User {
    /// Whether this user is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether this user acts for the institution `ror`.
    pub fn acts_for(&self, ror: &str) -> bool {
        self.role == Role::Member && self.institution_ror.as_deref() == Some(ror)
    }
}

const USER_COLUMNS: &str = "id, email, role, institution_ror, password_hash, disabled";

fn user_from_row(row: &AnyRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    let password_hash: Option<String> = row.try_get("password_hash")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        role: role.parse()?,
        institution_ror: row.try_get("institution_ror")?,
        has_password: password_hash.is_some(),
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

/// Normalises an e-mail address (trimmed, lower-case) and checks its shape.
pub fn normalize_email(email: &str) -> Result<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if valid {
        Ok(email)
    } else {
        Err(DbError::Invalid(format!(
            "'{email}' is not an e-mail address (expected name@example.org)"
        )))
    }
}

/// Hashes a password with argon2id and a fresh random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String> {
    // 16 random bytes from the operating system (what SaltString::generate would draw, without
    // pulling rand_core's getrandom feature in).
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| DbError::PasswordHash(e.to_string()))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| DbError::PasswordHash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| DbError::PasswordHash(e.to_string()))
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A password hash to verify against when the account does not exist, so that a login for an
/// unknown e-mail takes as long as one for a known e-mail.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password never matches").unwrap_or_default())
}

impl Database {
    /// Creates a user. Members need the ROR id of a member institution; admins and viewers must
    /// not have one.
    pub async fn create_user(
        &self,
        email: &str,
        role: Role,
        institution: Option<&str>,
    ) -> Result<User> {
        let email = normalize_email(email)?;
        let institution_ror = match (role, institution) {
            (Role::Member, Some(ror)) => {
                let ror = institutions::normalize_ror(ror)?;
                if self.institution(&ror).await?.is_none() {
                    return Err(DbError::Invalid(format!(
                        "{ror} is not a member institution of this group"
                    )));
                }
                Some(ror)
            }
            (Role::Member, None) => {
                return Err(DbError::Invalid(
                    "a member must belong to an institution: give --institution ROR".into(),
                ));
            }
            (_, Some(_)) => {
                return Err(DbError::Invalid(format!(
                    "only members belong to an institution, not a {role}"
                )));
            }
            (_, None) => None,
        };
        if self.user_by_email(&email).await?.is_some() {
            return Err(DbError::Conflict(format!("user {email}")));
        }
        let row = sqlx::query(
            "INSERT INTO users (email, role, institution_ror, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, email, role, institution_ror, password_hash, disabled",
        )
        .bind(&email)
        .bind(role.as_str())
        .bind(institution_ror.as_deref())
        .bind(now())
        .fetch_one(self.pool())
        .await?;
        user_from_row(&row)
    }

    /// Looks a user up by e-mail (case-insensitive).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = email.trim().to_lowercase();
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&email)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Looks a user up by id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// All users, ordered by e-mail.
    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY email");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Checks an e-mail and password. Returns the user when they match an enabled account with a
    /// password; `None` otherwise (without saying which part was wrong).
    pub async fn verify_login(&self, email: &str, password: &str) -> Result<Option<User>> {
        let email = email.trim().to_lowercase();
        let row = sqlx::query(
            "SELECT id, email, role, institution_ror, password_hash, disabled FROM users WHERE email = $1",
        )
        .bind(&email)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            password_matches(password, decoy_hash());
            return Ok(None);
        };
        let user = user_from_row(&row)?;
        let phc: Option<String> = row.try_get("password_hash")?;
        let password = password.to_string();
        let phc_for_check = phc.clone().unwrap_or_else(|| decoy_hash().to_string());
        // argon2 is deliberately slow: keep it off the async worker threads.
        let matches =
            tokio::task::spawn_blocking(move || password_matches(&password, &phc_for_check))
                .await
                .unwrap_or(false);
        Ok((matches && phc.is_some() && !user.disabled).then_some(user))
    }

    /// Issues a one-time set-password token for a user, valid for [`SET_PASSWORD_TTL_SECS`].
    /// Returns the token; only its hash is stored.
    pub async fn issue_set_password_token(&self, user_id: i64) -> Result<String> {
        let token = random_token();
        let created = now();
        sqlx::query(
            "INSERT INTO password_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(created)
        .bind(created + SET_PASSWORD_TTL_SECS)
        .execute(self.pool())
        .await?;
        Ok(token)
    }

    /// The user a set-password token belongs to, if the token is unused and unexpired.
    pub async fn set_password_token_user(&self, token: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT user_id FROM password_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(now())
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) => self.user_by_id(row.try_get("user_id")?).await,
            None => Ok(None),
        }
    }

    /// Sets a password with a one-time token, then spends the token and ends the user's existing
    /// sessions. Fails if the token is unknown, used or expired, or the password is too short.
    pub async fn set_password_with_token(&self, token: &str, password: &str) -> Result<User> {
        if password.chars().count() < MIN_PASSWORD_LEN {
            return Err(DbError::Invalid(format!(
                "the password must have at least {MIN_PASSWORD_LEN} characters"
            )));
        }
        let user = self
            .set_password_token_user(token)
            .await?
            .ok_or_else(|| DbError::NotFound("valid set-password link".into()))?;
        let password = password.to_string();
        let phc = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| DbError::PasswordHash(e.to_string()))??;
        let mut tx = self.pool().begin().await?;
        // Spending the token in the same transaction, guarded by used_at IS NULL, makes it
        // single-use even under concurrent requests.
        let spent = sqlx::query(
            "UPDATE password_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(now())
        .bind(token_hash(token))
        .execute(&mut *tx)
        .await?;
        if spent.rows_affected() != 1 {
            return Err(DbError::NotFound("valid set-password link".into()));
        }
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&phc)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(User {
            has_password: true,
            ..user
        })
    }

    /// Enables or disables an account; disabling also ends its sessions.
    pub async fn set_user_disabled(&self, user_id: i64, disabled: bool) -> Result<()> {
        let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user_id)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(DbError::NotFound(format!("user {user_id}")));
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    /// Records a login attempt, for rate limiting.
    pub async fn record_login_attempt(&self, email: &str, ip: &str, succeeded: bool) -> Result<()> {
        sqlx::query(
            "INSERT INTO login_attempts (email, ip, attempted_at, succeeded) VALUES ($1, $2, $3, $4)",
        )
        .bind(email.trim().to_lowercase())
        .bind(ip)
        .bind(now())
        .bind(i64::from(succeeded))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Failed logins for an account since `since` (Unix seconds).
    pub async fn failed_logins_for_email(&self, email: &str, since: i64) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM login_attempts WHERE email = $1 AND attempted_at >= $2 AND succeeded = 0",
        )
        .bind(email.trim().to_lowercase())
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// Failed logins from an IP address since `since` (Unix seconds).
    pub async fn failed_logins_for_ip(&self, ip: &str, since: i64) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM login_attempts WHERE ip = $1 AND attempted_at >= $2 AND succeeded = 0",
        )
        .bind(ip)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// Forgets an account's failed logins (after a successful login or a password reset).
    pub async fn clear_failed_logins(&self, email: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_attempts WHERE email = $1 AND succeeded = 0")
            .bind(email.trim().to_lowercase())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// A set-password link for a token, under the portal's base URL.
pub fn set_password_link(base_url: &str, token: &str) -> String {
    format!(
        "{}/set-password?token={token}",
        base_url.trim_end_matches('/')
    )
}
