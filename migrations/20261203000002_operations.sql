-- What Bulkhead learns about what it applied: verify reports, designs removed again, the
-- drift state of every applied design, and the containers quarantined on each engine.

-- Verify reports: what the probes saw on an engine beside what the analysis predicted.
-- One row per verify, written when it ends; never changed.
CREATE TABLE verifications (
    id            INTEGER PRIMARY KEY,
    design_name   TEXT    NOT NULL,
    design_id     INTEGER REFERENCES designs (id),
    revision      INTEGER,
    -- The engine, by id and by the name it had (engines can be forgotten; history stays).
    engine_id     INTEGER NOT NULL,
    engine_name   TEXT    NOT NULL,
    -- The apply it checked: the newest of that design on that engine when it ran.
    deployment_id INTEGER REFERENCES deployments (id),
    actor_id      INTEGER REFERENCES users (id),
    -- A user's name, `cli:<operating system user>`, or `schedule`.
    actor_name    TEXT    NOT NULL,
    started_at    TEXT    NOT NULL,
    finished_at   TEXT    NOT NULL,
    passed        INTEGER NOT NULL CHECK (passed IN (0, 1)),
    checks        INTEGER NOT NULL,
    mismatches    INTEGER NOT NULL,
    -- Checks neither matched nor mismatched (firewall missing, silent UDP).
    not_judged    INTEGER NOT NULL,
    -- The design's firewall on the host while the probes ran, in words.
    firewall      TEXT    NOT NULL,
    -- The verify report (JSON).
    report        TEXT    NOT NULL
);

CREATE INDEX verifications_pair ON verifications (design_id, engine_id);

CREATE TRIGGER verifications_append_only_update BEFORE UPDATE ON verifications
BEGIN
    SELECT RAISE(ABORT, 'verifications are append-only');
END;

CREATE TRIGGER verifications_append_only_delete BEFORE DELETE ON verifications
BEGIN
    SELECT RAISE(ABORT, 'verifications are append-only');
END;

-- Designs removed from an engine (`destroy`): after one, nothing of the design is live
-- there until the next apply. Never changed.
CREATE TABLE teardowns (
    id          INTEGER PRIMARY KEY,
    design_name TEXT    NOT NULL,
    design_id   INTEGER REFERENCES designs (id),
    engine_id   INTEGER NOT NULL,
    engine_name TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    actor_name  TEXT    NOT NULL,
    finished_at TEXT    NOT NULL,
    -- The newest deployment of the design on the engine when it was removed: later ones
    -- are live again.
    after_deployment INTEGER NOT NULL DEFAULT 0,
    -- `removed` or `failed`, and the destroy report (JSON).
    result      TEXT    NOT NULL CHECK (result IN ('removed', 'failed')),
    report      TEXT    NOT NULL
);

CREATE TRIGGER teardowns_append_only_update BEFORE UPDATE ON teardowns
BEGIN
    SELECT RAISE(ABORT, 'teardowns are append-only');
END;

CREATE TRIGGER teardowns_append_only_delete BEFORE DELETE ON teardowns
BEGIN
    SELECT RAISE(ABORT, 'teardowns are append-only');
END;

-- The last drift check of each applied design on each engine: one row per pair, replaced at
-- every check. The audit log records only the changes of state.
CREATE TABLE drift_states (
    design_id   INTEGER NOT NULL REFERENCES designs (id),
    engine_id   INTEGER NOT NULL REFERENCES engines (id) ON DELETE CASCADE,
    -- The baseline the check compared with.
    revision    INTEGER NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('in-sync', 'drifting', 'unreachable')),
    -- The differences in words (JSON array of strings); for `unreachable`, the error.
    differences TEXT    NOT NULL,
    checked_at  TEXT    NOT NULL,
    -- When the pair entered this state.
    since       TEXT    NOT NULL,
    PRIMARY KEY (design_id, engine_id)
);

-- Containers cut from every network (incident response), and what release restores.
CREATE TABLE quarantines (
    id                INTEGER PRIMARY KEY,
    engine_id         INTEGER NOT NULL,
    engine_name       TEXT    NOT NULL,
    container         TEXT    NOT NULL,
    container_id      TEXT    NOT NULL,
    reason            TEXT    NOT NULL,
    -- The networks it was on, with address, pinning and aliases (JSON).
    networks          TEXT    NOT NULL,
    quarantined_by_id INTEGER REFERENCES users (id),
    quarantined_by    TEXT    NOT NULL,
    quarantined_at    TEXT    NOT NULL,
    released_by_id    INTEGER REFERENCES users (id),
    released_by       TEXT,
    released_at       TEXT
);

-- A container is quarantined at most once at a time.
CREATE UNIQUE INDEX quarantines_active ON quarantines (engine_id, container)
    WHERE released_at IS NULL;
