-- Heartgate initial schema (SQLite). Times are epoch milliseconds (BIGINT) in both dialects, so the
-- repositories' SQL is the same for SQLite and PostgreSQL.

CREATE TABLE users (
  id              TEXT PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE,
  password_hash   TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('owner', 'administrator', 'manager', 'viewer')),
  status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  failed_logins   INTEGER NOT NULL DEFAULT 0,
  locked_until    BIGINT,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
-- Exactly one owner: the store refuses a second one whatever the code does.
CREATE UNIQUE INDEX users_single_owner ON users (role) WHERE role = 'owner';

CREATE TABLE sessions (
  id_hash         TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at      BIGINT NOT NULL,
  expires_at      BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  token_hash      TEXT NOT NULL UNIQUE,
  user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  permissions     TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked')),
  source          TEXT NOT NULL CHECK (source IN ('api', 'bootstrap', 'preshared')),
  expires_at      BIGINT,
  created_at      BIGINT NOT NULL,
  created_by      TEXT,
  revoked_at      BIGINT,
  revoked_by      TEXT,
  last_used_at    BIGINT
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE reporting_rules (
  id                           TEXT PRIMARY KEY,
  name                         TEXT NOT NULL UNIQUE,
  not_reporting_after_seconds  INTEGER NOT NULL CHECK (not_reporting_after_seconds > 0),
  auto_delete_after_seconds    INTEGER CHECK (auto_delete_after_seconds > 0),
  is_default                   INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at                   BIGINT NOT NULL,
  updated_at                   BIGINT NOT NULL
);
CREATE UNIQUE INDEX reporting_rules_single_default ON reporting_rules (is_default) WHERE is_default = 1;
INSERT INTO reporting_rules (id, name, not_reporting_after_seconds, auto_delete_after_seconds, is_default,
                             created_at, updated_at)
VALUES ('default', 'Default', 180, NULL, 1, 0, 0);

-- The often-written, narrow part of an agent: one small row rewritten per heartbeat batch.
CREATE TABLE agents (
  id                 TEXT PRIMARY KEY,
  hostname           TEXT,
  ip                 TEXT,
  version            TEXT,
  reported_status    TEXT,
  first_seen         BIGINT NOT NULL,
  last_seen          BIGINT NOT NULL,
  heartbeats         BIGINT NOT NULL DEFAULT 0,
  statistics         TEXT,
  reporting_rule_id  TEXT REFERENCES reporting_rules (id) ON DELETE SET NULL,
  labels             TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX agents_last_seen ON agents (last_seen);
CREATE INDEX agents_hostname ON agents (hostname);

-- The big part of an agent's latest heartbeat, rewritten only when it changes.
CREATE TABLE agent_heartbeats (
  agent_id        TEXT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
  configurations  TEXT NOT NULL DEFAULT '[]',
  logs            TEXT,
  payload         TEXT NOT NULL,
  received_at     BIGINT NOT NULL
);

CREATE TABLE configs (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,
  description       TEXT NOT NULL DEFAULT '',
  toml              TEXT NOT NULL,
  toml_changed_at   BIGINT NOT NULL,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  created_by        TEXT
);

CREATE TABLE audit_events (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at           BIGINT NOT NULL,
  action       TEXT NOT NULL,
  actor_type   TEXT NOT NULL,
  actor_id     TEXT,
  target_type  TEXT,
  target_id    TEXT,
  outcome      TEXT NOT NULL,
  client_ip    TEXT,
  user_agent   TEXT,
  details      TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  BIGINT NOT NULL
);
