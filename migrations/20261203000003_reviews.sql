-- Team review: change requests that propose a revision of a design for an engine, the
-- revisions pushed to them, the reviews (approve / request changes / reject) and the
-- discussion. An engine says how many approvals an apply there needs.

-- How many approvals an apply on the engine needs: 0 (none: anyone with the role applies
-- a plan directly), 1 or 2. It replaces the yes/no `requires_approval` (yes = 1).
ALTER TABLE engines ADD COLUMN approvals_required INTEGER NOT NULL DEFAULT 1
    CHECK (approvals_required BETWEEN 0 AND 2);
UPDATE engines SET approvals_required = CASE WHEN requires_approval THEN 1 ELSE 0 END;
ALTER TABLE engines DROP COLUMN requires_approval;

CREATE TABLE change_requests (
    id           INTEGER PRIMARY KEY,
    design_id    INTEGER NOT NULL REFERENCES designs (id),
    -- The engine, by id and by the name it had (engines can be forgotten; requests stay).
    engine_id    INTEGER REFERENCES engines (id) ON DELETE SET NULL,
    engine_name  TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    author_id    INTEGER NOT NULL REFERENCES users (id),
    -- The revision proposed now (the last one pushed).
    revision     INTEGER NOT NULL,
    -- The newest plan of that revision on the engine, and the page's view of it (JSON).
    plan_id      INTEGER REFERENCES plans (id) ON DELETE SET NULL,
    plan_hash    TEXT,
    plan_view    TEXT,
    -- Why the newest attempt to plan failed (the engine did not answer …), if it did.
    plan_error   TEXT,
    -- `applying` while its apply job runs: nothing else happens to it meanwhile.
    state        TEXT    NOT NULL CHECK (state IN ('open', 'approved', 'changes-requested',
                     'rejected', 'withdrawn', 'applying', 'applied', 'apply-failed')),
    -- The apply that carried it out (or failed to).
    deployment_id INTEGER REFERENCES deployments (id),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);

-- One request in progress per design and engine: a new revision is pushed to it.
CREATE UNIQUE INDEX change_requests_active ON change_requests (design_id, engine_id)
    WHERE state IN ('open', 'approved', 'changes-requested', 'applying', 'apply-failed');

-- Every revision a request proposed, in order. Never changed.
CREATE TABLE request_revisions (
    request_id INTEGER NOT NULL REFERENCES change_requests (id),
    revision   INTEGER NOT NULL,
    pushed_by  INTEGER NOT NULL REFERENCES users (id),
    pushed_at  TEXT    NOT NULL,
    PRIMARY KEY (request_id, revision)
);

CREATE TRIGGER request_revisions_append_only_update BEFORE UPDATE ON request_revisions
BEGIN
    SELECT RAISE(ABORT, 'request revisions are append-only');
END;

CREATE TRIGGER request_revisions_append_only_delete BEFORE DELETE ON request_revisions
BEGIN
    SELECT RAISE(ABORT, 'request revisions are append-only');
END;

-- Reviews: each names the one revision and the plan hash its reviewer saw. A review is
-- dismissed (once, with the reason) when a revision is pushed or the plan changes; nothing
-- else about it ever changes.
CREATE TABLE request_reviews (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL REFERENCES change_requests (id),
    reviewer_id      INTEGER NOT NULL REFERENCES users (id),
    verdict          TEXT    NOT NULL CHECK (verdict IN ('approve', 'changes', 'reject')),
    revision         INTEGER NOT NULL,
    plan_hash        TEXT    NOT NULL,
    message          TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    dismissed_at     TEXT,
    dismissed_reason TEXT
);

CREATE INDEX request_reviews_request ON request_reviews (request_id);

CREATE TRIGGER request_reviews_only_dismissed BEFORE UPDATE ON request_reviews
WHEN OLD.dismissed_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.request_id IS NOT OLD.request_id
  OR NEW.reviewer_id IS NOT OLD.reviewer_id OR NEW.verdict IS NOT OLD.verdict
  OR NEW.revision IS NOT OLD.revision OR NEW.plan_hash IS NOT OLD.plan_hash
  OR NEW.message IS NOT OLD.message OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'a review is only ever dismissed, once');
END;

CREATE TRIGGER request_reviews_append_only_delete BEFORE DELETE ON request_reviews
BEGIN
    SELECT RAISE(ABORT, 'reviews are kept');
END;

-- The discussion: comments by anyone signed in, optionally anchored to a zone, a service
-- or a flow of the revision they were written on. Never changed.
CREATE TABLE request_comments (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES change_requests (id),
    author_id    INTEGER NOT NULL REFERENCES users (id),
    body         TEXT    NOT NULL,
    revision     INTEGER NOT NULL,
    -- `zone`, `service` or `flow` (by its index in the revision), and how it read then.
    anchor_kind  TEXT CHECK (anchor_kind IN ('zone', 'service', 'flow')),
    anchor       TEXT,
    anchor_label TEXT,
    created_at   TEXT    NOT NULL
);

CREATE INDEX request_comments_request ON request_comments (request_id);

CREATE TRIGGER request_comments_append_only_update BEFORE UPDATE ON request_comments
BEGIN
    SELECT RAISE(ABORT, 'comments are append-only');
END;

CREATE TRIGGER request_comments_append_only_delete BEFORE DELETE ON request_comments
BEGIN
    SELECT RAISE(ABORT, 'comments are append-only');
END;

-- A deployment names the request it carried out, and the override that let it past the
-- engine's approvals when an admin gave one.
ALTER TABLE deployments ADD COLUMN request_id INTEGER REFERENCES change_requests (id);
ALTER TABLE deployments ADD COLUMN override_reason TEXT;
