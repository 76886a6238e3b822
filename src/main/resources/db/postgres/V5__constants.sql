-- Constants (issue 14 item 4): named values that ::{name} in a config's TOML is filled with when the TOML is
-- served. value_changed_at is when the value (or the name) last changed: the served documents that use the
-- constant take it into their Last-Modified; a description change leaves it (and watching agents) alone.
CREATE TABLE constants (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,
  value             TEXT NOT NULL,
  description       TEXT NOT NULL DEFAULT '',
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  value_changed_at  BIGINT NOT NULL
);
