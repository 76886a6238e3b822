-- Login attempts, counted when they start (users/LoginLimits): per username and client address ('pair'), per
-- client address ('address') and per username ('user'), each in a window that ends at ends_at; and the addresses
-- a user logged in from lately ('known', until ends_at). The subject of an unknown username is kept like that of
-- a known one, so the limits do not tell them apart. Rows whose ends_at has passed mean nothing and are purged.
-- users.failed_logins and users.locked_until are no longer read or written; they stay until no node of the
-- previous release can be running against this database.
CREATE TABLE login_attempts (
  scope           TEXT NOT NULL CHECK (scope IN ('pair', 'address', 'user', 'known')),
  subject         TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  ends_at         BIGINT NOT NULL,
  PRIMARY KEY (scope, subject)
);
CREATE INDEX login_attempts_ends ON login_attempts (ends_at);
