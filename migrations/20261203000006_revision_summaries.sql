-- What each revision changed, in one line (`+2 services, 1 flow changed`), for the history.
-- Worked out once per revision, from it and the one before it, when the history is first
-- read; kept here (revisions themselves are never changed).
CREATE TABLE revision_summaries (
    design_id INTEGER NOT NULL,
    number    INTEGER NOT NULL,
    summary   TEXT    NOT NULL,
    PRIMARY KEY (design_id, number),
    FOREIGN KEY (design_id, number) REFERENCES revisions (design_id, number)
);
