-- Users, designs with their revisions, and the append-only, hash-chained audit log.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'editor', 'approver', 'admin')),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    -- Bumped when the password, role or status changes: sessions carrying an older epoch end.
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL
);

CREATE TABLE designs (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    head       INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    deleted_at TEXT,
    deleted_by INTEGER REFERENCES users (id)
);

-- Live designs have unique names; deleted ones keep theirs until restored.
CREATE UNIQUE INDEX designs_live_name ON designs (name) WHERE deleted_at IS NULL;

CREATE TABLE revisions (
    design_id  INTEGER NOT NULL REFERENCES designs (id),
    number     INTEGER NOT NULL,
    document   TEXT    NOT NULL,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL,
    message    TEXT    NOT NULL,
    PRIMARY KEY (design_id, number)
);

CREATE TRIGGER revisions_append_only_update BEFORE UPDATE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are append-only');
END;

CREATE TRIGGER revisions_append_only_delete BEFORE DELETE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are append-only');
END;

-- Every action that changes anything. `target` and `details` leave room for approvals,
-- applies to Docker targets and verification results.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT,
    address     TEXT,
    action      TEXT    NOT NULL,
    object_kind TEXT,
    object_id   TEXT,
    design_id   INTEGER,
    target      TEXT,
    summary     TEXT    NOT NULL,
    details     TEXT    NOT NULL DEFAULT '{}',
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);

CREATE INDEX audit_log_actor ON audit_log (actor_name);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_design ON audit_log (design_id);

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Failed sign-ins, for throttling (the audit log keeps the permanent record).
CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    name    TEXT    NOT NULL COLLATE NOCASE,
    address TEXT    NOT NULL
);

CREATE INDEX login_failures_name ON login_failures (name, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
