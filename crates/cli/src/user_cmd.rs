//! `tandem user`: accounts in the group database.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use tandem_db::{Database, Role};

/// Where the group database is: an SQLite file in the data folder (created on first start), or
/// the database named by `--database`.
#[derive(Args, Clone)]
pub struct DbArgs {
    /// The group database: postgres://USER:PASSWORD@HOST/DB, sqlite://PATH, or a file path.
    /// Default: tandem.db in the data folder.
    #[arg(long, value_name = "URL", env = "TANDEM_DATABASE")]
    pub database: Option<String>,
    /// The data folder holding the default SQLite database.
    #[arg(
        long,
        value_name = "DIR",
        env = "TANDEM_DATA",
        default_value = "tandem-data"
    )]
    pub data: PathBuf,
}

impl DbArgs {
    /// Opens (and migrates) the group database.
    pub async fn open(&self) -> anyhow::Result<Database> {
        match &self.database {
            Some(spec) => Database::open(spec)
                .await
                .with_context(|| format!("cannot open the database {}", redact(spec))),
            None => Database::open_in_data_dir(&self.data)
                .await
                .with_context(|| {
                    format!(
                        "cannot open the database in {}",
                        self.data.join(tandem_db::SQLITE_FILE_NAME).display()
                    )
                }),
        }
    }
}

/// A database URL without its password, for messages.
fn redact(spec: &str) -> String {
    match (spec.find("://"), spec.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &spec[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &spec[..scheme + 3], &spec[at..]),
                None => spec.to_string(),
            }
        }
        _ => spec.to_string(),
    }
}

/// Runs a future on a fresh Tokio runtime (the command line is otherwise synchronous).
pub fn block_on<F: std::future::Future>(future: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(future))
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user and print a one-time link to set their password.
    Add(AddArgs),
    /// List users.
    List(DbArgs),
    /// Print a new one-time set-password link for an existing user.
    ResetPassword(ResetArgs),
}

#[derive(Args)]
pub struct AddArgs {
    /// The user's e-mail address (their login name).
    pub email: String,
    /// What the user may do.
    #[arg(long, value_parser = ["admin", "member", "viewer"])]
    pub role: String,
    /// For members: the ROR id of the member institution they act for.
    #[arg(long, value_name = "ROR")]
    pub institution: Option<String>,
    /// The address the portal is served at, for the link.
    #[arg(
        long,
        value_name = "URL",
        env = "TANDEM_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub base_url: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Args)]
pub struct ResetArgs {
    /// The user's e-mail address.
    pub email: String,
    /// The address the portal is served at, for the link.
    #[arg(
        long,
        value_name = "URL",
        env = "TANDEM_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub base_url: String,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(command: UserCommand) -> anyhow::Result<()> {
    block_on(async move {
        match command {
            UserCommand::Add(args) => add(args).await,
            UserCommand::List(db) => list(db).await,
            UserCommand::ResetPassword(args) => reset(args).await,
        }
    })?
}

async fn add(args: AddArgs) -> anyhow::Result<()> {
    let db = args.db.open().await?;
    let role: Role = args.role.parse()?;
    let user = db
        .create_user(&args.email, role, args.institution.as_deref())
        .await
        .with_context(|| format!("cannot add {}", args.email))?;
    let token = db.issue_set_password_token(user.id).await?;
    let detail = match &user.institution_ror {
        Some(ror) => format!("role {role}, institution {ror}"),
        None => format!("role {role}"),
    };
    db.audit(None, "user.add", &format!("user {}", user.email), &detail)
        .await?;
    db.close().await;
    println!("Added {} ({detail}).", user.email);
    println!(
        "One-time link to set the password (valid for {} days; share it privately):",
        tandem_db::accounts::SET_PASSWORD_TTL_SECS / 86_400
    );
    println!("{}", tandem_db::set_password_link(&args.base_url, &token));
    Ok(())
}

async fn reset(args: ResetArgs) -> anyhow::Result<()> {
    let db = args.db.open().await?;
    let user = db
        .user_by_email(&args.email)
        .await?
        .with_context(|| format!("no user {}", args.email))?;
    let token = db.issue_set_password_token(user.id).await?;
    db.audit(
        None,
        "user.reset_password",
        &format!("user {}", user.email),
        "link issued",
    )
    .await?;
    db.close().await;
    println!("One-time link to set the password of {}:", user.email);
    println!("{}", tandem_db::set_password_link(&args.base_url, &token));
    Ok(())
}

async fn list(args: DbArgs) -> anyhow::Result<()> {
    let db = args.open().await?;
    for user in db.users().await? {
        let mut line = format!("{}\t{}", user.email, user.role);
        if let Some(ror) = &user.institution_ror {
            line.push_str(&format!("\t{ror}"));
        }
        if !user.has_password {
            line.push_str("\t(no password yet)");
        }
        if user.disabled {
            line.push_str("\t(disabled)");
        }
        println!("{line}");
    }
    db.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_not_printed() {
        assert_eq!(
            super::redact("postgres://tandem:secret@127.0.0.1/db"),
            "postgres://tandem:***@127.0.0.1/db"
        );
        assert_eq!(super::redact("/tmp/tandem.db"), "/tmp/tandem.db");
    }
}
