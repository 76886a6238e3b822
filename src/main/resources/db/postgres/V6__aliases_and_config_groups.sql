-- Aliases and config groups (issue 14 items 3 and 5).
--
-- A group is an ordered list of configs served as one TOML document. content_changed_at moves only when the
-- members or their order change (what the served document is made of), so a name, description or alias edit
-- does not make watching agents reload; updated_at moves on every change.
CREATE TABLE config_groups (
  id                  TEXT PRIMARY KEY,
  name                TEXT NOT NULL UNIQUE,
  description         TEXT NOT NULL DEFAULT '',
  content_changed_at  BIGINT NOT NULL,
  created_at          BIGINT NOT NULL,
  updated_at          BIGINT NOT NULL,
  created_by          TEXT
);

-- A config appears at most once in a group. No cascade from configs: a config in a group cannot be deleted,
-- and the foreign key keeps it so when a delete races an edit of the group.
CREATE TABLE config_group_members (
  group_id   TEXT NOT NULL REFERENCES config_groups (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  config_id  TEXT NOT NULL REFERENCES configs (id),
  PRIMARY KEY (group_id, position),
  UNIQUE (group_id, config_id)
);
CREATE INDEX config_group_members_config ON config_group_members (config_id);

-- One namespace for the aliases of configs and groups: the primary key makes two writers racing for one alias
-- (on one node or several) end with one winner. Each row names exactly one owner; an owner has at most one alias.
CREATE TABLE aliases (
  alias      TEXT PRIMARY KEY,
  config_id  TEXT UNIQUE REFERENCES configs (id) ON DELETE CASCADE,
  group_id   TEXT UNIQUE REFERENCES config_groups (id) ON DELETE CASCADE,
  CHECK ((config_id IS NULL AND group_id IS NOT NULL) OR (config_id IS NOT NULL AND group_id IS NULL))
);
