//! The group database's behaviour, run once on SQLite and once on PostgreSQL (see
//! `tandem_db::backend_tests!`).

use tandem_db::test_support::TestDb;
use tandem_db::{Backend, DbError, Role, set_password_link};

const OXFORD: &str = "https://ror.org/052gg0110";
const CAMBRIDGE: &str = "https://ror.org/013meh722";

async fn user_with_password(db: &TestDb, email: &str, role: Role, ror: Option<&str>) -> i64 {
    let user = db.create_user(email, role, ror).await.unwrap();
    let token = db.issue_set_password_token(user.id).await.unwrap();
    db.set_password_with_token(&token, "correct horse battery")
        .await
        .unwrap();
    user.id
}

tandem_db::backend_tests! {
    async fn migrations_seed_the_russell_group(db: &TestDb) {
        let members = db.institutions().await.unwrap();
        assert_eq!(members.len(), 24);
        assert!(members.windows(2).all(|w| w[0].name <= w[1].name), "ordered by name");
        let oxford = db.institution("052gg0110").await.unwrap().unwrap();
        assert_eq!(oxford.name, "University of Oxford");
        assert_eq!(oxford.ror, OXFORD);
        assert_eq!(db.institution("ror.org/052GG0110").await.unwrap().unwrap().ror, OXFORD);
        assert!(db.institution("not a ror").await.unwrap().is_none());
        assert!(db.institution("https://ror.org/0abcdef12").await.unwrap().is_none());
        let name = db.institution("https://ror.org/0220mzb33").await.unwrap().unwrap().name;
        assert_eq!(name, "King's College London", "quotes in seed data survive");
    }

    async fn reopening_an_existing_database_keeps_its_rows(db: &TestDb) {
        db.create_user("keep@example.org", Role::Viewer, None).await.unwrap();
        let again = db.reopen().await.unwrap();
        assert_eq!(again.backend(), db.backend());
        assert!(again.user_by_email("keep@example.org").await.unwrap().is_some());
        assert_eq!(again.institutions().await.unwrap().len(), 24, "seed rows not inserted twice");
        again.close().await;
    }

    async fn create_user_normalises_and_validates(db: &TestDb) {
        let user = db
            .create_user("  Alice@Example.ORG ", Role::Member, Some("052gg0110"))
            .await
            .unwrap();
        assert_eq!(user.email, "alice@example.org");
        assert_eq!(user.role, Role::Member);
        assert_eq!(user.institution_ror.as_deref(), Some(OXFORD));
        assert!(!user.has_password);
        assert!(!user.disabled);
        assert!(user.acts_for(OXFORD));
        assert!(!user.acts_for(CAMBRIDGE));
        assert!(!user.is_admin());

        let duplicate = db.create_user("ALICE@example.org", Role::Viewer, None).await;
        assert!(matches!(duplicate, Err(DbError::Conflict(_))), "{duplicate:?}");
        for bad in ["", "no-at-sign", "@example.org", "a@nodot", "a b@example.org"] {
            let result = db.create_user(bad, Role::Viewer, None).await;
            assert!(matches!(result, Err(DbError::Invalid(_))), "{bad}: {result:?}");
        }
        let no_institution = db.create_user("m@example.org", Role::Member, None).await;
        assert!(matches!(no_institution, Err(DbError::Invalid(_))));
        let unknown = db.create_user("m@example.org", Role::Member, Some("https://ror.org/0abcdef12")).await;
        assert!(matches!(unknown, Err(DbError::Invalid(_))), "{unknown:?}");
        let admin_with_institution = db.create_user("a@example.org", Role::Admin, Some(OXFORD)).await;
        assert!(matches!(admin_with_institution, Err(DbError::Invalid(_))));

        let admin = db.create_user("root@example.org", Role::Admin, None).await.unwrap();
        assert!(admin.is_admin());
        assert!(!admin.acts_for(OXFORD), "admins do not act for an institution");
        assert_eq!(db.user_by_id(admin.id).await.unwrap().unwrap(), admin);
        assert_eq!(db.user_by_email("ROOT@example.org").await.unwrap().unwrap(), admin);
        let emails: Vec<_> = db.users().await.unwrap().into_iter().map(|u| u.email).collect();
        assert_eq!(emails, ["alice@example.org", "root@example.org"]);
    }

    async fn roles_parse_from_their_names(_db: &TestDb) {
        for role in [Role::Admin, Role::Member, Role::Viewer] {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert_eq!(role.to_string(), role.as_str());
        }
        assert!("root".parse::<Role>().is_err());
    }

    async fn set_password_token_is_single_use(db: &TestDb) {
        let user = db.create_user("bob@example.org", Role::Viewer, None).await.unwrap();
        let token = db.issue_set_password_token(user.id).await.unwrap();
        assert_eq!(token.len(), 64);
        let link = set_password_link("https://tandem.example.org/", &token);
        assert_eq!(link, format!("https://tandem.example.org/set-password?token={token}"));

        assert_eq!(db.set_password_token_user(&token).await.unwrap().unwrap().id, user.id);
        let short = db.set_password_with_token(&token, "short").await;
        assert!(matches!(short, Err(DbError::Invalid(_))));
        // A rejected password does not spend the token.
        let user = db.set_password_with_token(&token, "a long enough password").await.unwrap();
        assert!(user.has_password);
        assert!(db.set_password_token_user(&token).await.unwrap().is_none());
        let again = db.set_password_with_token(&token, "another long password").await;
        assert!(matches!(again, Err(DbError::NotFound(_))), "{again:?}");
        assert!(db.verify_login("bob@example.org", "a long enough password").await.unwrap().is_some());
        assert!(db.verify_login("bob@example.org", "another long password").await.unwrap().is_none());
        let bogus = db.set_password_with_token("0123", "a long enough password").await;
        assert!(matches!(bogus, Err(DbError::NotFound(_))));
    }

    async fn expired_set_password_token_is_refused(db: &TestDb) {
        let user = db.create_user("late@example.org", Role::Viewer, None).await.unwrap();
        let token = db.issue_set_password_token(user.id).await.unwrap();
        sqlx::query("UPDATE password_tokens SET expires_at = $1")
            .bind(tandem_db::now() - 1)
            .execute(db.pool())
            .await
            .unwrap();
        assert!(db.set_password_token_user(&token).await.unwrap().is_none());
        assert!(db.set_password_with_token(&token, "a long enough password").await.is_err());
    }

    async fn passwords_are_stored_as_argon2id_hashes(db: &TestDb) {
        let id = user_with_password(db, "carol@example.org", Role::Viewer, None).await;
        let row: (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert!(row.0.starts_with("$argon2id$"), "{}", row.0);
        assert!(!row.0.contains("correct horse"));
        // Tokens are stored as hashes too.
        let stored: (String,) = sqlx::query_as("SELECT token_hash FROM password_tokens")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(stored.0.len(), 64);
    }

    async fn login_checks_password_and_account_state(db: &TestDb) {
        let id = user_with_password(db, "dave@example.org", Role::Member, Some(CAMBRIDGE)).await;
        let user = db.verify_login(" DAVE@example.org", "correct horse battery").await.unwrap().unwrap();
        assert_eq!(user.id, id);
        assert!(db.verify_login("dave@example.org", "wrong password!").await.unwrap().is_none());
        assert!(db.verify_login("nobody@example.org", "correct horse battery").await.unwrap().is_none());

        let no_password = db.create_user("eve@example.org", Role::Viewer, None).await.unwrap();
        assert!(db.verify_login(&no_password.email, "").await.unwrap().is_none());

        db.set_user_disabled(id, true).await.unwrap();
        assert!(db.verify_login("dave@example.org", "correct horse battery").await.unwrap().is_none());
        db.set_user_disabled(id, false).await.unwrap();
        assert!(db.verify_login("dave@example.org", "correct horse battery").await.unwrap().is_some());
        assert!(matches!(db.set_user_disabled(999_999, true).await, Err(DbError::NotFound(_))));
    }

    async fn sessions_expire_and_end_on_logout(db: &TestDb) {
        let id = user_with_password(db, "fay@example.org", Role::Admin, None).await;
        let token = db.create_session(id, 3600).await.unwrap();
        let session = db.session(&token).await.unwrap().unwrap();
        assert_eq!(session.user.id, id);
        assert_eq!(session.csrf_token.len(), 64);
        assert_ne!(session.csrf_token, token);
        assert!(session.expires_at > tandem_db::now() + 3500);
        assert!(db.session("not a token").await.unwrap().is_none());

        let other = db.create_session(id, 3600).await.unwrap();
        assert_ne!(
            db.session(&other).await.unwrap().unwrap().csrf_token,
            session.csrf_token,
            "each session has its own CSRF token"
        );
        db.delete_session(&token).await.unwrap();
        assert!(db.session(&token).await.unwrap().is_none());
        assert!(db.session(&other).await.unwrap().is_some(), "logout ends one session only");
        db.delete_session(&token).await.unwrap();

        let expired = db.create_session(id, -1).await.unwrap();
        assert!(db.session(&expired).await.unwrap().is_none());
        db.purge_expired(3600).await.unwrap();
        let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(left, 1);
    }

    async fn disabling_or_resetting_ends_sessions(db: &TestDb) {
        let id = user_with_password(db, "gus@example.org", Role::Viewer, None).await;
        let token = db.create_session(id, 3600).await.unwrap();
        db.set_user_disabled(id, true).await.unwrap();
        assert!(db.session(&token).await.unwrap().is_none());
        db.set_user_disabled(id, false).await.unwrap();

        let token = db.create_session(id, 3600).await.unwrap();
        let reset = db.issue_set_password_token(id).await.unwrap();
        db.set_password_with_token(&reset, "a brand new password").await.unwrap();
        assert!(db.session(&token).await.unwrap().is_none(), "a new password ends old sessions");
    }

    async fn failed_logins_are_counted_per_account_and_ip(db: &TestDb) {
        let since = tandem_db::now() - 60;
        for _ in 0..3 {
            db.record_login_attempt("Hal@example.org", "10.0.0.1", false).await.unwrap();
        }
        db.record_login_attempt("ida@example.org", "10.0.0.1", false).await.unwrap();
        db.record_login_attempt("hal@example.org", "10.0.0.2", true).await.unwrap();
        assert_eq!(db.failed_logins_for_email("hal@example.org", since).await.unwrap(), 3);
        assert_eq!(db.failed_logins_for_email("ida@example.org", since).await.unwrap(), 1);
        assert_eq!(db.failed_logins_for_ip("10.0.0.1", since).await.unwrap(), 4);
        assert_eq!(db.failed_logins_for_ip("10.0.0.2", since).await.unwrap(), 0);
        assert_eq!(
            db.failed_logins_for_email("hal@example.org", tandem_db::now() + 10).await.unwrap(),
            0,
            "only attempts inside the window count"
        );
        db.clear_failed_logins("HAL@example.org").await.unwrap();
        assert_eq!(db.failed_logins_for_email("hal@example.org", since).await.unwrap(), 0);
        assert_eq!(db.failed_logins_for_ip("10.0.0.1", since).await.unwrap(), 1);
    }

    async fn audit_log_keeps_actor_and_order(db: &TestDb) {
        let admin = db.create_user("admin@example.org", Role::Admin, None).await.unwrap();
        db.audit(None, "user.add", "user admin@example.org", "role admin").await.unwrap();
        db.audit(Some(&admin), "survey.invite", OXFORD, "").await.unwrap();
        let log = db.audit_log(10).await.unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].action, "survey.invite");
        assert_eq!(log[0].actor, "admin@example.org");
        assert_eq!(log[0].actor_user_id, Some(admin.id));
        assert_eq!(log[1].actor, "cli");
        assert_eq!(log[1].actor_user_id, None);
        assert_eq!(log[1].detail, "role admin");
        assert!(log[0].at >= log[1].at);
        assert_eq!(db.audit_log(1).await.unwrap().len(), 1);
    }

    async fn hostile_text_is_stored_verbatim(db: &TestDb) {
        let hostile = "'); DROP TABLE users; -- <script>alert(1)</script> \"é\" \\ %_";
        db.audit(None, hostile, hostile, hostile).await.unwrap();
        let entry = &db.audit_log(1).await.unwrap()[0];
        assert_eq!(entry.action, hostile);
        assert_eq!(entry.detail, hostile);
        assert!(db.user_by_email(hostile).await.unwrap().is_none());
        assert!(db.verify_login(hostile, hostile).await.unwrap().is_none());
        assert_eq!(db.institutions().await.unwrap().len(), 24, "tables intact");
    }
}

#[tokio::test]
async fn sqlite_file_is_created_in_the_data_folder_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested").join("data");
    let db = tandem_db::Database::open_in_data_dir(&data).await.unwrap();
    assert_eq!(db.backend(), Backend::Sqlite);
    db.create_user("wal@example.org", Role::Viewer, None)
        .await
        .unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    db.close().await;
    assert!(data.join(tandem_db::SQLITE_FILE_NAME).is_file());

    // Opening again (as a path, and as a sqlite:// URL) keeps the data and re-runs no migration.
    let path = data.join(tandem_db::SQLITE_FILE_NAME);
    let again = tandem_db::Database::open(path.to_str().unwrap())
        .await
        .unwrap();
    assert!(
        again
            .user_by_email("wal@example.org")
            .await
            .unwrap()
            .is_some()
    );
    again.close().await;
    let url = format!("sqlite://{}", path.display());
    let again = tandem_db::Database::open(&url).await.unwrap();
    assert_eq!(again.users().await.unwrap().len(), 1);
    again.close().await;
}

#[tokio::test]
async fn unsupported_database_urls_are_refused() {
    let err = tandem_db::Database::open("mysql://localhost/x")
        .await
        .unwrap_err();
    assert!(matches!(err, DbError::UnsupportedUrl(_)), "{err}");
    assert!(err.to_string().contains("postgres://"));
}
