-- Group database, version 1: member institutions, accounts, sessions, audit log and the survey.
-- Times are Unix seconds (UTC). The same schema exists for SQLite and PostgreSQL.

CREATE TABLE institutions (
    ror TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country_code TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
    institution_ror TEXT REFERENCES institutions (ror),
    password_hash TEXT,
    created_at INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    CHECK ((role = 'member') = (institution_ror IS NOT NULL))
);

CREATE TABLE password_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    attempted_at INTEGER NOT NULL,
    succeeded INTEGER NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, attempted_at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, attempted_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);

CREATE TABLE survey_instruments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    definition TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    opens_at INTEGER NOT NULL,
    closes_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (slug, version)
);

CREATE TABLE survey_invitations (
    instrument_id INTEGER NOT NULL REFERENCES survey_instruments (id),
    institution_ror TEXT NOT NULL REFERENCES institutions (ror),
    invited_at INTEGER NOT NULL,
    invited_by INTEGER,
    PRIMARY KEY (instrument_id, institution_ror)
);

CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    instrument_id INTEGER NOT NULL REFERENCES survey_instruments (id),
    institution_ror TEXT NOT NULL REFERENCES institutions (ror),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    answers TEXT NOT NULL,
    source TEXT NOT NULL,
    synthetic INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    submitted_at INTEGER,
    updated_by INTEGER,
    UNIQUE (instrument_id, institution_ror)
);

-- The default group: the 24 members of the Russell Group (ROR ids, ROR data release v1.43-v2.9).
INSERT INTO institutions (ror, name, country_code) VALUES
    ('https://ror.org/03angcq70', 'University of Birmingham', 'GB'),
    ('https://ror.org/0524sp257', 'University of Bristol', 'GB'),
    ('https://ror.org/013meh722', 'University of Cambridge', 'GB'),
    ('https://ror.org/03kk7td41', 'Cardiff University', 'GB'),
    ('https://ror.org/01v29qb04', 'Durham University', 'GB'),
    ('https://ror.org/01nrxwf90', 'University of Edinburgh', 'GB'),
    ('https://ror.org/03yghzc09', 'University of Exeter', 'GB'),
    ('https://ror.org/00vtgdb53', 'University of Glasgow', 'GB'),
    ('https://ror.org/041kmwe10', 'Imperial College London', 'GB'),
    ('https://ror.org/0220mzb33', 'King''s College London', 'GB'),
    ('https://ror.org/024mrxd33', 'University of Leeds', 'GB'),
    ('https://ror.org/04xs57h96', 'University of Liverpool', 'GB'),
    ('https://ror.org/0090zs177', 'London School of Economics and Political Science', 'GB'),
    ('https://ror.org/027m9bs27', 'University of Manchester', 'GB'),
    ('https://ror.org/01kj2bm70', 'Newcastle University', 'GB'),
    ('https://ror.org/01ee9ar58', 'University of Nottingham', 'GB'),
    ('https://ror.org/052gg0110', 'University of Oxford', 'GB'),
    ('https://ror.org/026zzn846', 'Queen Mary University of London', 'GB'),
    ('https://ror.org/00hswnk62', 'Queen''s University Belfast', 'GB'),
    ('https://ror.org/05krs5044', 'University of Sheffield', 'GB'),
    ('https://ror.org/01ryk1543', 'University of Southampton', 'GB'),
    ('https://ror.org/02jx3x895', 'University College London', 'GB'),
    ('https://ror.org/01a77tt86', 'University of Warwick', 'GB'),
    ('https://ror.org/04m01e293', 'University of York', 'GB');
