-- Where the designer draws each zone: kept beside the revision, outside the design format.
ALTER TABLE revisions ADD COLUMN layout TEXT NOT NULL DEFAULT '{}';
