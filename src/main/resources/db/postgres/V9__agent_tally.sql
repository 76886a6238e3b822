-- The summary's counts by reported status and release at a million agents (issue 15): counting the agents takes
-- hundreds of milliseconds (one pass over a table every heartbeat rewrites), so triggers keep the counts in
-- agent_tally as agents are written. Several nodes write agents at once, and counters updated in place would make
-- their heartbeat batches wait on each other's counter rows; so the triggers only append changes (+n, -n), and the
-- summary adds them up by (reported_status, version). Inserts and deletes append one row per pair per statement
-- (a heartbeat batch, a batch of the auto-delete job), from the statement's transition table; an update appends two
-- rows, and only when the status or the release changed (a heartbeat that leaves both as they were costs only the
-- WHEN test). The auto-delete job's leader folds the changes into one row per pair on each run.
CREATE TABLE agent_tally (
  reported_status  TEXT,
  version          TEXT,
  agents           BIGINT NOT NULL
);
CREATE FUNCTION agent_tally_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO agent_tally (reported_status, version, agents)
    SELECT reported_status, version, COUNT(*) FROM added GROUP BY reported_status, version;
  RETURN NULL;
END
$$;
CREATE FUNCTION agent_tally_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO agent_tally (reported_status, version, agents)
    SELECT reported_status, version, -COUNT(*) FROM removed GROUP BY reported_status, version;
  RETURN NULL;
END
$$;
CREATE FUNCTION agent_tally_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO agent_tally (reported_status, version, agents)
    VALUES (OLD.reported_status, OLD.version, -1), (NEW.reported_status, NEW.version, 1);
  RETURN NULL;
END
$$;
CREATE TRIGGER agent_tally_insert AFTER INSERT ON agents REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION agent_tally_added();
CREATE TRIGGER agent_tally_delete AFTER DELETE ON agents REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION agent_tally_removed();
CREATE TRIGGER agent_tally_update AFTER UPDATE OF reported_status, version ON agents
  FOR EACH ROW WHEN (OLD.reported_status IS DISTINCT FROM NEW.reported_status OR OLD.version IS DISTINCT FROM NEW.version)
  EXECUTE FUNCTION agent_tally_changed();
-- After the triggers: creating them locks agents against writes until this migration commits, so no agent written
-- by a node still running the previous release is missed or counted twice.
INSERT INTO agent_tally (reported_status, version, agents)
  SELECT reported_status, version, COUNT(*) FROM agents GROUP BY reported_status, version;
