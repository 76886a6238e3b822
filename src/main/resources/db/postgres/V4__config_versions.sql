-- Versions of each config's TOML (issue 14 item 2). configs.version is the current one, always present in
-- config_versions. The author is a snapshot (type, id and name at the time); null when unknown: a caller let in
-- without credentials, or a version recorded by this migration.
ALTER TABLE configs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE config_versions (
  config_id    TEXT NOT NULL REFERENCES configs (id) ON DELETE CASCADE,
  version      INTEGER NOT NULL,
  toml         TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  author_type  TEXT CHECK (author_type IN ('user', 'token')),
  author_id    TEXT,
  author_name  TEXT,
  note         TEXT,
  PRIMARY KEY (config_id, version)
);

-- Every existing config gets version 1: its current TOML, dated when that TOML was written.
INSERT INTO config_versions (config_id, version, toml, created_at)
  SELECT id, 1, toml, toml_changed_at FROM configs;
