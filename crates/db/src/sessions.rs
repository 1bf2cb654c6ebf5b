//! Server-side login sessions. The cookie holds a random token; the database holds its hash, the
//! session's CSRF token and its expiry.

use sqlx::Row;

use crate::{Database, Result, User, now, random_token, token_hash};

/// A live session, as found from its cookie token.
#[derive(Debug, Clone)]
pub struct Session {
    /// The logged-in user.
    pub user: User,
    /// The token every state-changing form of this session must carry.
    pub csrf_token: String,
    /// When the session ends (Unix seconds).
    pub expires_at: i64,
}

impl Database {
    /// Starts a session for a user, lasting `ttl_secs`. Returns the cookie token.
    pub async fn create_session(&self, user_id: i64, ttl_secs: i64) -> Result<String> {
        let token = random_token();
        let created = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(random_token())
        .bind(created)
        .bind(created + ttl_secs)
        .execute(self.pool())
        .await?;
        Ok(token)
    }

    /// The session for a cookie token, if it exists, has not expired and its user is enabled.
    pub async fn session(&self, token: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(now())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let Some(user) = self.user_by_id(row.try_get("user_id")?).await? else {
            return Ok(None);
        };
        if user.disabled {
            return Ok(None);
        }
        Ok(Some(Session {
            user,
            csrf_token: row.try_get("csrf_token")?,
            expires_at: row.try_get("expires_at")?,
        }))
    }

    /// Ends a session (logout). Ending an unknown session is not an error.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes expired sessions and login attempts older than `keep_attempts_secs`.
    pub async fn purge_expired(&self, keep_attempts_secs: i64) -> Result<()> {
        let now = now();
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM login_attempts WHERE attempted_at < $1")
            .bind(now - keep_attempts_secs)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
