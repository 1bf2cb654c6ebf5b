//! The audit log: who changed what, and when.

use serde::Serialize;
use sqlx::Row;

use crate::{Database, Result, User, now};

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// When (Unix seconds).
    pub at: i64,
    /// The acting user's id; `None` for the command line or the system.
    pub actor_user_id: Option<i64>,
    /// Who acted: an e-mail address, or `cli` / `system`.
    pub actor: String,
    /// What was done, e.g. `survey.submit`.
    pub action: String,
    /// What it was done to, e.g. `survey 3 / https://ror.org/052gg0110`.
    pub target: String,
    /// Free detail, e.g. the changed fields.
    pub detail: String,
}

impl Database {
    /// Appends an entry. `actor` is `None` for actions taken from the command line.
    pub async fn audit(
        &self,
        actor: Option<&User>,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_user_id, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now())
        .bind(actor.map(|u| u.id))
        .bind(actor.map_or("cli", |u| u.email.as_str()))
        .bind(action)
        .bind(target)
        .bind(detail)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The latest `limit` entries, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT at, actor_user_id, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    at: row.try_get("at")?,
                    actor_user_id: row.try_get("actor_user_id")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    target: row.try_get("target")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }
}
