-- The summary's counts by reported status and release at a million agents (issue 15): counting the agents takes
-- hundreds of milliseconds however it is indexed, so triggers keep the counts in agent_tally as agents are
-- written, one row per (reported_status, version) that any agent has had. A heartbeat that leaves both as they
-- were costs only the update trigger's WHEN test. SQLite has one writer, so the triggers update the counts in place
-- (on PostgreSQL, where several nodes write at once, they append changes instead: see its V9). A count that drops
-- to zero stays until the auto-delete job's next run removes it; the summary skips it meanwhile.
-- The summary no longer counts from agents_status_version (V7), so that index goes: one index less per agent.
CREATE TABLE agent_tally (
  reported_status  TEXT,
  version          TEXT,
  agents           BIGINT NOT NULL
);
CREATE INDEX agent_tally_key ON agent_tally (reported_status, version);
CREATE TRIGGER agent_tally_insert AFTER INSERT ON agents BEGIN
  INSERT INTO agent_tally (reported_status, version, agents) SELECT new.reported_status, new.version, 0
    WHERE NOT EXISTS (SELECT 1 FROM agent_tally WHERE reported_status IS new.reported_status AND version IS new.version);
  UPDATE agent_tally SET agents = agents + 1 WHERE reported_status IS new.reported_status AND version IS new.version;
END;
CREATE TRIGGER agent_tally_update AFTER UPDATE OF reported_status, version ON agents
  WHEN old.reported_status IS NOT new.reported_status OR old.version IS NOT new.version BEGIN
  UPDATE agent_tally SET agents = agents - 1 WHERE reported_status IS old.reported_status AND version IS old.version;
  INSERT INTO agent_tally (reported_status, version, agents) SELECT new.reported_status, new.version, 0
    WHERE NOT EXISTS (SELECT 1 FROM agent_tally WHERE reported_status IS new.reported_status AND version IS new.version);
  UPDATE agent_tally SET agents = agents + 1 WHERE reported_status IS new.reported_status AND version IS new.version;
END;
CREATE TRIGGER agent_tally_delete AFTER DELETE ON agents BEGIN
  UPDATE agent_tally SET agents = agents - 1 WHERE reported_status IS old.reported_status AND version IS old.version;
END;
INSERT INTO agent_tally (reported_status, version, agents)
  SELECT reported_status, version, COUNT(*) FROM agents GROUP BY reported_status, version;
DROP INDEX agents_status_version;
