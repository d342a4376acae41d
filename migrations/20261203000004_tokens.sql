-- API tokens: for scripts and CI on the JSON API (`Authorization: Bearer …`), never for
-- pages. Each acts as its user with the user's current role; only its SHA-256 is kept.

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    -- What it is for, chosen by whoever made it ("ci", "release script").
    name         TEXT    NOT NULL,
    -- SHA-256 of the token (hex): the token itself is shown once and never stored.
    hash         TEXT    NOT NULL UNIQUE,
    -- Its first characters, to tell tokens apart in lists.
    prefix       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    -- A user's name, or `cli:<operating system user>`.
    created_by   TEXT    NOT NULL,
    revoked_at   TEXT,
    revoked_by   TEXT,
    last_used_at TEXT
);

-- One token in force of a name per user.
CREATE UNIQUE INDEX api_tokens_name ON api_tokens (user_id, name) WHERE revoked_at IS NULL;
