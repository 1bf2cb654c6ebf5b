//! Survey records in the group database: instrument versions, invitations, responses, progress
//! and CSV import of responses.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use tandem_db::{Database, User, institutions::normalize_ror, now};

use crate::answers::{self, Answer, AnswerError, Answers, finalize};
use crate::instrument::Instrument;
use crate::{Result, SurveyError};

/// Access to the survey tables of a group database.
#[derive(Debug, Clone)]
pub struct Surveys {
    db: Database,
}

/// One version of an instrument, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredInstrument {
    /// Database id: responses belong to exactly one version.
    pub id: i64,
    /// The instrument's stable name.
    pub slug: String,
    /// 1, 2, ...: a new version each time the questions change.
    pub version: i64,
    /// The definition.
    pub instrument: Instrument,
    /// When answers are first accepted (Unix seconds).
    pub opens_at: i64,
    /// When answers stop being accepted (Unix seconds, exclusive).
    pub closes_at: i64,
}

impl StoredInstrument {
    /// `slug@version`, the name the command line accepts.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.slug, self.version)
    }

    /// Whether answers are accepted at time `at`.
    pub fn is_open_at(&self, at: i64) -> bool {
        self.opens_at <= at && at < self.closes_at
    }
}

/// What importing an instrument did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportKind {
    /// A new version (the first, or one with changed questions).
    New,
    /// Same questions and dates as the latest version: nothing changed.
    Unchanged,
    /// Same questions, new dates: the latest version was rescheduled.
    Rescheduled,
}

/// Whether a response is still a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Saved but not submitted: not counted in results.
    Draft,
    /// Submitted: counted. Can still be edited until the survey closes.
    Submitted,
}

/// One institution's response to one instrument version.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// Database id.
    pub id: i64,
    /// The version answered.
    pub instrument_id: i64,
    /// The responding institution (ROR URL).
    pub institution_ror: String,
    /// Draft or submitted.
    pub status: Status,
    /// The answers.
    pub answers: Answers,
    /// Where it came from: `web`, `csv:FILE`, `demo`.
    pub source: String,
    /// Synthetic (demo) data, labelled as such wherever shown.
    pub synthetic: bool,
    /// Last change (Unix seconds).
    pub updated_at: i64,
    /// First submission (Unix seconds).
    pub submitted_at: Option<i64>,
}

/// How far collection has got: "20 of 24 institutions responded".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Institutions invited (all members when none were invited explicitly).
    pub invited: i64,
    /// Institutions with a submitted response.
    pub submitted: i64,
    /// Institutions with a draft only.
    pub drafts: i64,
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} institutions responded ({} draft{} in progress)",
            self.submitted,
            self.invited,
            self.drafts,
            if self.drafts == 1 { "" } else { "s" }
        )
    }
}

/// A problem with one row of an imported CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// The column, when one is to blame.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

fn instrument_from_row(row: &AnyRow) -> Result<StoredInstrument> {
    let definition: String = row
        .try_get("definition")
        .map_err(tandem_db::DbError::from)?;
    let instrument: Instrument = serde_json::from_str(&definition)
        .map_err(|e| SurveyError::Stored(format!("instrument definition: {e}")))?;
    Ok(StoredInstrument {
        id: row.try_get("id").map_err(tandem_db::DbError::from)?,
        slug: row.try_get("slug").map_err(tandem_db::DbError::from)?,
        version: row.try_get("version").map_err(tandem_db::DbError::from)?,
        opens_at: row.try_get("opens_at").map_err(tandem_db::DbError::from)?,
        closes_at: row.try_get("closes_at").map_err(tandem_db::DbError::from)?,
        instrument,
    })
}

const INSTRUMENT_COLUMNS: &str = "id, slug, version, definition, opens_at, closes_at";
const RESPONSE_COLUMNS: &str = "id, instrument_id, institution_ror, status, answers, source, synthetic, updated_at, submitted_at";

fn sql(e: sqlx::Error) -> SurveyError {
    SurveyError::Db(e.into())
}

impl Surveys {
    /// Survey access over a migrated group database.
    pub fn new(db: Database) -> Surveys {
        Surveys { db }
    }

    /// The underlying database.
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// Imports an instrument. Changed questions make a new version; changed dates alone
    /// reschedule the latest version; an identical definition changes nothing.
    pub async fn import_instrument(
        &self,
        instrument: &Instrument,
        actor: Option<&User>,
    ) -> Result<(StoredInstrument, ImportKind)> {
        instrument
            .check()
            .map_err(|message| SurveyError::Definition {
                origin: instrument.slug.clone(),
                message,
            })?;
        let hash = instrument.content_hash();
        let definition =
            serde_json::to_string(instrument).map_err(|e| SurveyError::Stored(e.to_string()))?;
        let (opens, closes) = (instrument.opens_at(), instrument.closes_at());
        let mut tx = self.db.pool().begin().await.map_err(sql)?;
        let latest = sqlx::query("SELECT id, version, content_hash, opens_at, closes_at FROM survey_instruments WHERE slug = $1 ORDER BY version DESC LIMIT 1")
            .bind(&instrument.slug)
            .fetch_optional(&mut *tx)
            .await
            .map_err(sql)?;
        let (id, kind, version) = match latest {
            Some(row) => {
                let id: i64 = row.try_get("id").map_err(sql)?;
                let version: i64 = row.try_get("version").map_err(sql)?;
                let old_hash: String = row.try_get("content_hash").map_err(sql)?;
                let old_opens: i64 = row.try_get("opens_at").map_err(sql)?;
                let old_closes: i64 = row.try_get("closes_at").map_err(sql)?;
                if old_hash == hash && (old_opens, old_closes) == (opens, closes) {
                    (id, ImportKind::Unchanged, version)
                } else if old_hash == hash {
                    sqlx::query("UPDATE survey_instruments SET opens_at = $1, closes_at = $2, definition = $3 WHERE id = $4")
                        .bind(opens)
                        .bind(closes)
                        .bind(&definition)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(sql)?;
                    (id, ImportKind::Rescheduled, version)
                } else {
                    let id =
                        insert_instrument(&mut tx, instrument, version + 1, &definition, &hash)
                            .await?;
                    (id, ImportKind::New, version + 1)
                }
            }
            None => (
                insert_instrument(&mut tx, instrument, 1, &definition, &hash).await?,
                ImportKind::New,
                1,
            ),
        };
        tx.commit().await.map_err(sql)?;
        if kind != ImportKind::Unchanged {
            let action = if kind == ImportKind::New {
                "survey.import"
            } else {
                "survey.reschedule"
            };
            let detail = format!("opens {} closes {}", instrument.opens, instrument.closes);
            self.db
                .audit(
                    actor,
                    action,
                    &format!("{}@{version}", instrument.slug),
                    &detail,
                )
                .await?;
        }
        Ok((self.instrument(id).await?, kind))
    }

    /// One instrument version by id.
    pub async fn instrument(&self, id: i64) -> Result<StoredInstrument> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {INSTRUMENT_COLUMNS} FROM survey_instruments WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(sql)?
        .ok_or_else(|| SurveyError::NotFound(format!("survey {id}")))?;
        instrument_from_row(&row)
    }

    /// Finds a version by `slug` (the latest), `slug@N` or database id.
    pub async fn find(&self, reference: &str) -> Result<StoredInstrument> {
        let reference = reference.trim();
        if let Ok(id) = reference.parse::<i64>() {
            return self.instrument(id).await;
        }
        let (slug, version) = match reference.split_once('@') {
            Some((slug, v)) => {
                let v = v.trim_start_matches('v').parse::<i64>().map_err(|_| {
                    SurveyError::NotFound(format!("survey '{reference}' (expected SLUG@VERSION)"))
                })?;
                (slug, Some(v))
            }
            None => (reference, None),
        };
        let row = match version {
            Some(v) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {INSTRUMENT_COLUMNS} FROM survey_instruments WHERE slug = $1 AND version = $2"
            )))
            .bind(slug)
            .bind(v)
            .fetch_optional(self.db.pool())
            .await,
            None => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {INSTRUMENT_COLUMNS} FROM survey_instruments WHERE slug = $1 ORDER BY version DESC LIMIT 1"
            )))
            .bind(slug)
            .fetch_optional(self.db.pool())
            .await,
        }
        .map_err(sql)?;
        match row {
            Some(row) => instrument_from_row(&row),
            None => Err(SurveyError::NotFound(format!("survey '{reference}'"))),
        }
    }

    /// Every instrument version, newest first.
    pub async fn instruments(&self) -> Result<Vec<StoredInstrument>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {INSTRUMENT_COLUMNS} FROM survey_instruments ORDER BY slug, version DESC"
        )))
        .fetch_all(self.db.pool())
        .await
        .map_err(sql)?;
        rows.iter().map(instrument_from_row).collect()
    }

    /// Invites a member institution to answer. Inviting twice is harmless.
    pub async fn invite(&self, instrument_id: i64, ror: &str, actor: Option<&User>) -> Result<()> {
        let ror = normalize_ror(ror)?;
        if self.db.institution(&ror).await?.is_none() {
            return Err(SurveyError::NotFound(format!("member institution {ror}")));
        }
        let existing = sqlx::query("SELECT 1 AS one FROM survey_invitations WHERE instrument_id = $1 AND institution_ror = $2")
            .bind(instrument_id)
            .bind(&ror)
            .fetch_optional(self.db.pool())
            .await
            .map_err(sql)?;
        if existing.is_some() {
            return Ok(());
        }
        sqlx::query("INSERT INTO survey_invitations (instrument_id, institution_ror, invited_at, invited_by) VALUES ($1, $2, $3, $4)")
            .bind(instrument_id)
            .bind(&ror)
            .bind(now())
            .bind(actor.map(|u| u.id))
            .execute(self.db.pool())
            .await
            .map_err(sql)?;
        self.db
            .audit(
                actor,
                "survey.invite",
                &format!("survey {instrument_id} / {ror}"),
                "",
            )
            .await?;
        Ok(())
    }

    /// The invited institutions (ROR URLs), sorted.
    pub async fn invitations(&self, instrument_id: i64) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT institution_ror FROM survey_invitations WHERE instrument_id = $1 ORDER BY institution_ror")
            .bind(instrument_id)
            .fetch_all(self.db.pool())
            .await
            .map_err(sql)?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("institution_ror").map_err(sql))
            .collect()
    }

    /// Whether an institution may answer through the web form.
    pub async fn is_invited(&self, instrument_id: i64, ror: &str) -> Result<bool> {
        Ok(self
            .invitations(instrument_id)
            .await?
            .iter()
            .any(|r| r == ror))
    }

    /// Collection progress.
    pub async fn progress(&self, instrument_id: i64) -> Result<Progress> {
        let invited = self.invitations(instrument_id).await?.len() as i64;
        let invited = if invited == 0 {
            self.db.institutions().await?.len() as i64
        } else {
            invited
        };
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM survey_responses WHERE instrument_id = $1 GROUP BY status")
            .bind(instrument_id)
            .fetch_all(self.db.pool())
            .await
            .map_err(sql)?;
        let mut progress = Progress {
            invited,
            submitted: 0,
            drafts: 0,
        };
        for row in rows {
            let status: String = row.try_get("status").map_err(sql)?;
            let n: i64 = row.try_get("n").map_err(sql)?;
            if status == "submitted" {
                progress.submitted = n;
            } else {
                progress.drafts = n;
            }
        }
        Ok(progress)
    }

    /// The number of member institutions in the group (the "of all members" denominator).
    pub async fn member_count(&self) -> Result<i64> {
        Ok(self.db.institutions().await?.len() as i64)
    }

    /// An institution's response (draft or submitted), if any.
    pub async fn response(
        &self,
        instrument: &StoredInstrument,
        ror: &str,
    ) -> Result<Option<Response>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RESPONSE_COLUMNS} FROM survey_responses WHERE instrument_id = $1 AND institution_ror = $2"
        )))
        .bind(instrument.id)
        .bind(ror)
        .fetch_optional(self.db.pool())
        .await
        .map_err(sql)?;
        row.map(|row| response_from_row(&instrument.instrument, &row))
            .transpose()
    }

    /// Every submitted response of a version, by institution.
    pub async fn submitted_responses(
        &self,
        instrument: &StoredInstrument,
    ) -> Result<Vec<Response>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RESPONSE_COLUMNS} FROM survey_responses WHERE instrument_id = $1 AND status = 'submitted' ORDER BY institution_ror"
        )))
        .bind(instrument.id)
        .fetch_all(self.db.pool())
        .await
        .map_err(sql)?;
        rows.iter()
            .map(|row| response_from_row(&instrument.instrument, row))
            .collect()
    }

    fn check_collecting(&self, instrument: &StoredInstrument) -> Result<()> {
        let at = now();
        if at < instrument.opens_at {
            return Err(SurveyError::NotOpen(instrument.instrument.opens.clone()));
        }
        if at >= instrument.closes_at {
            return Err(SurveyError::Closed(instrument.instrument.closes.clone()));
        }
        Ok(())
    }

    async fn check_may_answer(&self, instrument: &StoredInstrument, ror: &str) -> Result<()> {
        self.check_collecting(instrument)?;
        if !self.is_invited(instrument.id, ror).await? {
            return Err(SurveyError::NotInvited(ror.to_string()));
        }
        Ok(())
    }

    /// Saves a draft for an invited institution while the survey is open. Drafts may be
    /// incomplete; answers that are given must be valid. A submitted response cannot go back to
    /// being a draft: edit it with [`Surveys::submit`].
    pub async fn save_draft(
        &self,
        instrument: &StoredInstrument,
        ror: &str,
        answers: Answers,
        actor: Option<&User>,
    ) -> Result<Response> {
        self.check_may_answer(instrument, ror).await?;
        let answers =
            finalize(&instrument.instrument, answers, false).map_err(SurveyError::Answers)?;
        let at = now();
        let done = sqlx::query(
            "INSERT INTO survey_responses (instrument_id, institution_ror, status, answers, source, synthetic, created_at, updated_at, updated_by) \
             VALUES ($1, $2, 'draft', $3, 'web', 0, $4, $4, $5) \
             ON CONFLICT (instrument_id, institution_ror) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at, updated_by = excluded.updated_by \
             WHERE survey_responses.status = 'draft'",
        )
        .bind(instrument.id)
        .bind(ror)
        .bind(answers::to_json(&answers))
        .bind(at)
        .bind(actor.map(|u| u.id))
        .execute(self.db.pool())
        .await
        .map_err(sql)?;
        if done.rows_affected() == 0 {
            return Err(SurveyError::AlreadySubmitted);
        }
        self.db
            .audit(
                actor,
                "survey.save_draft",
                &format!("{} / {ror}", instrument.reference()),
                &format!("{} answers", answers.len()),
            )
            .await?;
        self.response(instrument, ror)
            .await?
            .ok_or_else(|| SurveyError::NotFound("saved response".into()))
    }

    /// Submits (or, once submitted, updates) an institution's response while the survey is open.
    /// Every required question that applies must be answered. An institution has one response.
    pub async fn submit(
        &self,
        instrument: &StoredInstrument,
        ror: &str,
        answers: Answers,
        actor: Option<&User>,
    ) -> Result<Response> {
        self.check_may_answer(instrument, ror).await?;
        let answers =
            finalize(&instrument.instrument, answers, true).map_err(SurveyError::Answers)?;
        let before = self.response(instrument, ror).await?;
        let at = now();
        sqlx::query(
            "INSERT INTO survey_responses (instrument_id, institution_ror, status, answers, source, synthetic, created_at, updated_at, submitted_at, updated_by) \
             VALUES ($1, $2, 'submitted', $3, 'web', 0, $4, $4, $4, $5) \
             ON CONFLICT (instrument_id, institution_ror) DO UPDATE SET status = 'submitted', answers = excluded.answers, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by, \
             submitted_at = COALESCE(survey_responses.submitted_at, excluded.submitted_at)",
        )
        .bind(instrument.id)
        .bind(ror)
        .bind(answers::to_json(&answers))
        .bind(at)
        .bind(actor.map(|u| u.id))
        .execute(self.db.pool())
        .await
        .map_err(sql)?;
        let action = match before.as_ref().map(|r| r.status) {
            Some(Status::Submitted) => "survey.edit",
            _ => "survey.submit",
        };
        let changed = changed_questions(&before.map(|r| r.answers).unwrap_or_default(), &answers);
        self.db
            .audit(
                actor,
                action,
                &format!("{} / {ror}", instrument.reference()),
                &changed,
            )
            .await?;
        self.response(instrument, ror)
            .await?
            .ok_or_else(|| SurveyError::NotFound("submitted response".into()))
    }

    /// Imports submitted responses from CSV (a column `institution` with ROR ids, then one column
    /// per question id; multiple choices separated by `;`, rankings by `>`). Every row is checked
    /// first; if any row is wrong, every problem is returned and nothing is written. Otherwise all
    /// rows are written in one transaction. Institutions that already responded are errors unless
    /// `replace`.
    pub async fn import_responses_csv(
        &self,
        instrument: &StoredInstrument,
        csv_text: &str,
        source: &str,
        replace: bool,
        synthetic: bool,
        actor: Option<&User>,
    ) -> Result<usize> {
        let parsed = self
            .check_responses_csv(instrument, csv_text, replace)
            .await?;
        let at = now();
        let mut tx = self.db.pool().begin().await.map_err(sql)?;
        for (ror, answers) in &parsed {
            sqlx::query(
                "INSERT INTO survey_responses (instrument_id, institution_ror, status, answers, source, synthetic, created_at, updated_at, submitted_at, updated_by) \
                 VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $6, $6, $7) \
                 ON CONFLICT (instrument_id, institution_ror) DO UPDATE SET status = 'submitted', answers = excluded.answers, \
                 source = excluded.source, synthetic = excluded.synthetic, updated_at = excluded.updated_at, \
                 updated_by = excluded.updated_by, submitted_at = COALESCE(survey_responses.submitted_at, excluded.submitted_at)",
            )
            .bind(instrument.id)
            .bind(ror)
            .bind(answers::to_json(answers))
            .bind(source)
            .bind(i64::from(synthetic))
            .bind(at)
            .bind(actor.map(|u| u.id))
            .execute(&mut *tx)
            .await
            .map_err(sql)?;
        }
        tx.commit().await.map_err(sql)?;
        self.db
            .audit(
                actor,
                "survey.import_responses",
                &instrument.reference(),
                &format!("{} responses from {source}", parsed.len()),
            )
            .await?;
        Ok(parsed.len())
    }

    async fn check_responses_csv(
        &self,
        instrument: &StoredInstrument,
        csv_text: &str,
        replace: bool,
    ) -> Result<Vec<(String, Answers)>> {
        let def = &instrument.instrument;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(csv_text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| {
                SurveyError::Import(vec![RowError {
                    line: 1,
                    column: None,
                    message: format!("cannot read the header: {e}"),
                }])
            })?
            .clone();
        let mut errors = Vec::new();
        let header_error = |message: String, column: Option<String>| RowError {
            line: 1,
            column,
            message,
        };
        let Some(institution_column) = headers.iter().position(|h| h.trim() == "institution")
        else {
            return Err(SurveyError::Import(vec![header_error(
                "no 'institution' column (ROR ids)".into(),
                None,
            )]));
        };
        let mut columns = Vec::new();
        for (index, name) in headers.iter().enumerate() {
            let name = name.trim();
            if index == institution_column || name == "institution_name" {
                continue;
            }
            match def.question(name) {
                Some(q) => columns.push((index, q)),
                None => errors.push(header_error(
                    format!("'{name}' is not a question of {}", instrument.reference()),
                    Some(name.to_string()),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(SurveyError::Import(errors));
        }
        let members: BTreeSet<String> = self
            .db
            .institutions()
            .await?
            .into_iter()
            .map(|i| i.ror)
            .collect();
        let existing: BTreeSet<String> = {
            let rows = sqlx::query(
                "SELECT institution_ror FROM survey_responses WHERE instrument_id = $1",
            )
            .bind(instrument.id)
            .fetch_all(self.db.pool())
            .await
            .map_err(sql)?;
            rows.iter()
                .filter_map(|r| r.try_get::<String, _>("institution_ror").ok())
                .collect()
        };
        let mut seen: BTreeMap<String, u64> = BTreeMap::new();
        let mut parsed = Vec::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    errors.push(RowError {
                        line,
                        column: None,
                        message: format!("not valid CSV: {e}"),
                    });
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let raw_ror = record.get(institution_column).unwrap_or("");
            let ror = match normalize_ror(raw_ror) {
                Ok(ror) if members.contains(&ror) => ror,
                Ok(ror) => {
                    errors.push(RowError {
                        line,
                        column: Some("institution".into()),
                        message: format!("{ror} is not a member institution of this group"),
                    });
                    continue;
                }
                Err(e) => {
                    errors.push(RowError {
                        line,
                        column: Some("institution".into()),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            if let Some(first) = seen.insert(ror.clone(), line) {
                errors.push(RowError {
                    line,
                    column: Some("institution".into()),
                    message: format!(
                        "{ror} already answered on line {first}: one response per institution"
                    ),
                });
                continue;
            }
            if !replace && existing.contains(&ror) {
                errors.push(RowError {
                    line,
                    column: Some("institution".into()),
                    message: format!(
                        "{ror} already has a response to {} (import with replace to overwrite it)",
                        instrument.reference()
                    ),
                });
                continue;
            }
            let mut answers = Answers::new();
            let mut row_ok = true;
            for (index, question) in &columns {
                match Answer::from_cell(question, record.get(*index).unwrap_or("")) {
                    Ok(Some(answer)) => {
                        answers.insert(question.id.clone(), answer);
                    }
                    Ok(None) => {}
                    Err(message) => {
                        row_ok = false;
                        errors.push(RowError {
                            line,
                            column: Some(question.id.clone()),
                            message,
                        });
                    }
                }
            }
            if !row_ok {
                continue;
            }
            match finalize(def, answers, true) {
                Ok(answers) => parsed.push((ror, answers)),
                Err(problems) => {
                    errors.extend(problems.into_iter().map(|p: AnswerError| RowError {
                        line,
                        column: Some(p.question),
                        message: p.message,
                    }))
                }
            }
        }
        if errors.is_empty() {
            Ok(parsed)
        } else {
            Err(SurveyError::Import(errors))
        }
    }

    /// Submitted responses as CSV, in the format [`Surveys::import_responses_csv`] reads.
    pub async fn export_responses_csv(&self, instrument: &StoredInstrument) -> Result<String> {
        let responses = self.submitted_responses(instrument).await?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["institution".to_string()];
        header.extend(instrument.instrument.questions.iter().map(|q| q.id.clone()));
        writer
            .write_record(&header)
            .map_err(|e| SurveyError::Stored(e.to_string()))?;
        for response in &responses {
            let mut row = vec![response.institution_ror.clone()];
            row.extend(instrument.instrument.questions.iter().map(|q| {
                response
                    .answers
                    .get(&q.id)
                    .map(Answer::to_cell)
                    .unwrap_or_default()
            }));
            writer
                .write_record(&row)
                .map_err(|e| SurveyError::Stored(e.to_string()))?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| SurveyError::Stored(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| SurveyError::Stored(e.to_string()))
    }
}

fn changed_questions(before: &Answers, after: &Answers) -> String {
    let ids: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let changed: Vec<&str> = ids
        .into_iter()
        .filter(|id| before.get(*id) != after.get(*id))
        .map(|s| s.as_str())
        .collect();
    if changed.is_empty() {
        String::new()
    } else {
        format!("changed: {}", changed.join(", "))
    }
}

async fn insert_instrument(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    instrument: &Instrument,
    version: i64,
    definition: &str,
    hash: &str,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO survey_instruments (slug, version, title, definition, content_hash, opens_at, closes_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&instrument.slug)
    .bind(version)
    .bind(&instrument.title)
    .bind(definition)
    .bind(hash)
    .bind(instrument.opens_at())
    .bind(instrument.closes_at())
    .bind(now())
    .fetch_one(&mut **tx)
    .await
    .map_err(sql)?;
    row.try_get("id").map_err(sql)
}

fn response_from_row(instrument: &Instrument, row: &AnyRow) -> Result<Response> {
    let status: String = row.try_get("status").map_err(sql)?;
    let json: String = row.try_get("answers").map_err(sql)?;
    Ok(Response {
        id: row.try_get("id").map_err(sql)?,
        instrument_id: row.try_get("instrument_id").map_err(sql)?,
        institution_ror: row.try_get("institution_ror").map_err(sql)?,
        status: if status == "submitted" {
            Status::Submitted
        } else {
            Status::Draft
        },
        answers: answers::from_json(instrument, &json).map_err(SurveyError::Stored)?,
        source: row.try_get("source").map_err(sql)?,
        synthetic: row.try_get::<i64, _>("synthetic").map_err(sql)? != 0,
        updated_at: row.try_get("updated_at").map_err(sql)?,
        submitted_at: row.try_get("submitted_at").map_err(sql)?,
    })
}
