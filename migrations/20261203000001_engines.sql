-- Docker engines Bulkhead operates on, and the lock that lets one job at a time change one.

CREATE TABLE engines (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    -- unix:///path, tcp://host:port or https://host:port (TLS with the files below).
    endpoint          TEXT    NOT NULL,
    -- Paths, on the server, of the CA certificate, the client certificate and its key.
    tls_ca            TEXT,
    tls_cert          TEXT,
    tls_key           TEXT,
    note              TEXT    NOT NULL DEFAULT '',
    -- Whether applying there needs an approved change.
    requires_approval INTEGER NOT NULL DEFAULT 1 CHECK (requires_approval IN (0, 1)),
    created_at        TEXT    NOT NULL,
    -- NULL: registered by Bulkhead itself (the local engine at first start).
    created_by        INTEGER REFERENCES users (id)
);

-- One job at a time per engine (apply, destroy, quarantine …), across the web server and
-- the command line: a row is the lock, its holder says who and what, and a lock whose
-- holder stopped renewing it expires.
CREATE TABLE engine_locks (
    engine_id   INTEGER PRIMARY KEY REFERENCES engines (id) ON DELETE CASCADE,
    -- Random, known only to the holder: renewing and releasing need it.
    token       TEXT    NOT NULL,
    -- What holds it, in words: "apply of three-tier r7 by alice".
    holder      TEXT    NOT NULL,
    acquired_at TEXT    NOT NULL,
    -- Unix seconds after which the lock is free for the taking.
    expires_at  INTEGER NOT NULL
);

-- Plans computed in the browser: what applying one revision to one engine would change,
-- against the engine state its fingerprint names. Apply carries out a stored plan only
-- while the engine still has that fingerprint.
CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    design_id   INTEGER NOT NULL REFERENCES designs (id),
    revision    INTEGER NOT NULL,
    engine_id   INTEGER NOT NULL REFERENCES engines (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    -- The plan as JSON, its SHA-256, and the fingerprint of the engine state it was made
    -- against.
    plan        TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL
);

CREATE INDEX plans_design ON plans (design_id, engine_id);

-- What was applied where: one row per apply, written when it ends; never changed.
CREATE TABLE deployments (
    id          INTEGER PRIMARY KEY,
    -- The design by name, and by id and revision when it was a stored revision (the command
    -- line applies a file).
    design_name TEXT    NOT NULL,
    design_id   INTEGER REFERENCES designs (id),
    revision    INTEGER,
    -- The engine, by id and by the name it had (engines can be forgotten; history stays).
    engine_id   INTEGER NOT NULL,
    engine_name TEXT    NOT NULL,
    plan_id     INTEGER,
    actor_id    INTEGER REFERENCES users (id),
    -- A user's name, or `cli:<operating system user>`.
    actor_name  TEXT    NOT NULL,
    started_at  TEXT    NOT NULL,
    finished_at TEXT    NOT NULL,
    -- The plan applied (JSON), its SHA-256, and the engine fingerprint it was made against.
    plan        TEXT    NOT NULL,
    plan_hash   TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    result      TEXT    NOT NULL CHECK (result IN ('applied', 'failed', 'cancelled')),
    -- The step that failed and why, when one did.
    failed_step TEXT,
    -- The firewall after apply, in words.
    firewall    TEXT    NOT NULL,
    -- The apply report (JSON).
    report      TEXT    NOT NULL
);

CREATE INDEX deployments_engine ON deployments (engine_id, design_id);

CREATE TRIGGER deployments_append_only_update BEFORE UPDATE ON deployments
BEGIN
    SELECT RAISE(ABORT, 'deployments are append-only');
END;

CREATE TRIGGER deployments_append_only_delete BEFORE DELETE ON deployments
BEGIN
    SELECT RAISE(ABORT, 'deployments are append-only');
END;
