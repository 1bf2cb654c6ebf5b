//! The member survey: instruments defined in TOML, versioned imports, responses (draft, submit,
//! edit until close), tabulation with the denominator always shown, cross-tabulation with small-cell
//! suppression, and CSV/JSON export and CSV import. Records live in the group database
//! (`tandem-db`).

pub mod answers;
pub mod demo;
pub mod instrument;
pub mod regions;
pub mod store;
pub mod tabulate;

pub use answers::{Answer, AnswerError, Answers};
pub use instrument::{Choice, Condition, Instrument, Question, QuestionKind};
pub use store::{ImportKind, Progress, Response, RowError, Status, StoredInstrument, Surveys};
pub use tabulate::{CrossTab, TabulateOptions, Tabulation};

/// Result type of this crate.
pub type Result<T, E = SurveyError> = std::result::Result<T, E>;

/// Errors from the survey.
#[derive(Debug, thiserror::Error)]
pub enum SurveyError {
    /// An instrument definition that cannot be used.
    #[error("{origin}: {message}")]
    Definition {
        /// The file (or "bundled instrument").
        origin: String,
        /// What is wrong, naming the question.
        message: String,
    },
    /// A survey, response or institution that does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The survey has not opened yet.
    #[error("the survey opens on {0}")]
    NotOpen(String),
    /// The survey has closed.
    #[error("the survey closed on {0}: answers can no longer be changed")]
    Closed(String),
    /// The institution was not invited to answer.
    #[error("{0} has not been invited to answer this survey")]
    NotInvited(String),
    /// A draft save after submission.
    #[error("this response has been submitted: change it and submit again")]
    AlreadySubmitted,
    /// Answers that do not fit the questions.
    #[error("{} problem(s) with the answers: {}", .0.len(), join(.0))]
    Answers(Vec<AnswerError>),
    /// A CSV import with bad rows: nothing was imported.
    #[error("nothing imported: {} problem(s): {}", .0.len(), join(.0))]
    Import(Vec<RowError>),
    /// Stored data that cannot be read back, or an export that failed.
    #[error("stored survey data: {0}")]
    Stored(String),
    /// Tabulation asked for something the questions do not support.
    #[error("{0}")]
    Tabulation(String),
    /// The group database failed.
    #[error(transparent)]
    Db(#[from] tandem_db::DbError),
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
