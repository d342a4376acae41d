-- Webhooks: where change-request events are announced (a chat, a ticket system), and every
-- delivery with its attempts and result. A delivery that fails is retried with backoff; it
-- never holds up the review it announces.

CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    url        TEXT    NOT NULL,
    -- The engine whose requests it announces; NULL: every engine's.
    engine_id  INTEGER REFERENCES engines (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    created_by TEXT    NOT NULL
);

CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY,
    webhook_id   INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- The audit action it announces (`request-approve` …), or `test`.
    event        TEXT    NOT NULL,
    request_id   INTEGER REFERENCES change_requests (id),
    -- The JSON body sent.
    payload      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    -- Unix seconds of the next attempt while pending.
    next_at      INTEGER NOT NULL,
    -- What the last attempt got: `HTTP 200`, `HTTP 500`, `connection refused` …
    last_result  TEXT,
    created_at   TEXT    NOT NULL,
    delivered_at TEXT
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);
