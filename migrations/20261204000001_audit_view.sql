-- The audit view: how each entry ended (derived from what it records, so nothing hashed
-- changes), and the indexes that let any filter read its newest page without a scan.

-- Something failed: a sign-in, an apply or a removal, a verify (mismatches or could not
-- run), an engine found drifting or unreachable, an operation on an engine refused.
ALTER TABLE audit_log ADD COLUMN failed INTEGER GENERATED ALWAYS AS (
    coalesce(
        action IN ('sign-in-failed', 'sign-in-throttled', 'request-apply-failed', 'engine-refused')
        -- CASE, not AND: SQLite may evaluate both sides of an AND, and a json_ call on a
        -- text that is not JSON (a tampered entry) fails the whole read.
        OR CASE WHEN json_valid(details) THEN
            json_extract(details, '$.result') = 'failed'
            OR (action = 'engine-drift'
                AND json_extract(details, '$.state') IN ('drifting', 'unreachable'))
        END,
        0)
) VIRTUAL;

-- A rule was bypassed: an approval gate overridden, an engine lock broken, errors accepted
-- when a design was saved, an apply run without the firewall its design needs.
ALTER TABLE audit_log ADD COLUMN overridden INTEGER GENERATED ALWAYS AS (
    coalesce(
        action IN ('request-override', 'engine-lock-break')
        OR CASE WHEN json_valid(details) THEN
            json_type(details, '$.override') NOT IN ('null')
            OR json_extract(details, '$.firewall') LIKE 'skipped with --no-firewall%'
            OR coalesce(json_array_length(details, '$.accepted_errors'), 0) > 0
        END,
        0)
) VIRTUAL;

CREATE INDEX audit_log_failed ON audit_log (failed);
CREATE INDEX audit_log_overridden ON audit_log (overridden);
CREATE INDEX audit_log_target ON audit_log (target);
-- A design's or an engine's timeline: one seek per key action.
CREATE INDEX audit_log_design_action ON audit_log (design_id, action);
CREATE INDEX audit_log_target_action ON audit_log (target, action);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id);
CREATE INDEX audit_log_at ON audit_log (at);

-- Words of the summaries, for the free-text search. It holds no text of its own (it reads
-- the log's), and the log only grows, so one trigger keeps it whole.
CREATE VIRTUAL TABLE audit_search USING fts5 (
    summary,
    content = 'audit_log',
    content_rowid = 'id'
);
INSERT INTO audit_search (rowid, summary) SELECT id, summary FROM audit_log;
CREATE TRIGGER audit_log_search AFTER INSERT ON audit_log
BEGIN
    INSERT INTO audit_search (rowid, summary) VALUES (new.id, new.summary);
END;

-- Retention: entries older than a point in time move to a compressed file under the data
-- directory. Each archive is recorded here with the hash of the newest entry it took (which
-- the first entry kept links to) and a seal (the audit key's MAC over both); only entries an
-- archive record covers may be removed, and the records themselves never change.
CREATE TABLE audit_archives (
    id          INTEGER PRIMARY KEY,
    through     INTEGER NOT NULL,
    last_hash   TEXT    NOT NULL,
    entries     INTEGER NOT NULL,
    file        TEXT    NOT NULL,
    archived_at TEXT    NOT NULL,
    seal        TEXT    NOT NULL
);

CREATE TRIGGER audit_archives_append_only_update BEFORE UPDATE ON audit_archives
BEGIN
    SELECT RAISE(ABORT, 'the audit archive records are append-only');
END;

CREATE TRIGGER audit_archives_append_only_delete BEFORE DELETE ON audit_archives
BEGIN
    SELECT RAISE(ABORT, 'the audit archive records are append-only');
END;

DROP TRIGGER audit_log_append_only_delete;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM audit_archives WHERE OLD.id <= through)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_search_delete AFTER DELETE ON audit_log
BEGIN
    INSERT INTO audit_search (audit_search, rowid, summary) VALUES ('delete', old.id, old.summary);
END;
