-- Audit forwarding: destinations an admin set up (RFC 5424 syslog over UDP or TCP, a JSON
-- Lines file, an HTTP endpoint) and how far each has got. Each destination reads the log
-- after its own cursor, in order, so nothing is skipped when it was down and nothing
-- waits for it: an audited action only appends to the log.

CREATE TABLE audit_forwarders (
    id            INTEGER PRIMARY KEY,
    -- syslog-udp, syslog-tcp, file or http.
    kind          TEXT    NOT NULL CHECK (kind IN ('syslog-udp', 'syslog-tcp', 'file', 'http')),
    -- host:port, an absolute path, or a URL.
    target        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    -- The id of the last entry delivered (entries after it are still to send).
    delivered_id  INTEGER NOT NULL,
    delivered     INTEGER NOT NULL DEFAULT 0,
    last_ok_at    TEXT,
    last_error    TEXT,
    last_error_at TEXT,
    -- Attempts that failed in a row, and when the next one is due (unix seconds).
    failures      INTEGER NOT NULL DEFAULT 0,
    next_at       INTEGER NOT NULL DEFAULT 0
);
