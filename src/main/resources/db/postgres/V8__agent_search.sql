-- ?search= at a million agents (issue 15): the contract makes it match any part of an agent's id, hostname or ip,
-- which no ordinary index serves. A trigram index (pg_trgm) on one text per agent does: its id, hostname and ip,
-- lower-cased as the agents query compares them, one line each. The agents query keeps its own exact test; this
-- table only narrows the agents it reads. It is apart from agents because agents rows are rewritten by every
-- heartbeat, and each rewrite would add every trigram of the agent to the index again.
-- A trigger keeps it in step with every write of agents; a heartbeat that leaves hostname and ip as they were costs
-- only the trigger's WHEN test. Deleting an agent deletes its row (ON DELETE CASCADE).
CREATE TABLE agent_search (
  agent_id  TEXT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
  text      TEXT NOT NULL
);
INSERT INTO agent_search (agent_id, text)
  SELECT id, LOWER(id) || E'\n' || LOWER(COALESCE(hostname, '')) || E'\n' || COALESCE(ip, '') FROM agents;
CREATE FUNCTION agent_search_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO agent_search (agent_id, text)
    VALUES (NEW.id, LOWER(NEW.id) || E'\n' || LOWER(COALESCE(NEW.hostname, '')) || E'\n' || COALESCE(NEW.ip, ''))
    ON CONFLICT (agent_id) DO UPDATE SET text = excluded.text;
  RETURN NULL;
END
$$;
CREATE TRIGGER agent_search_insert AFTER INSERT ON agents
  FOR EACH ROW EXECUTE FUNCTION agent_search_write();
CREATE TRIGGER agent_search_update AFTER UPDATE OF hostname, ip ON agents
  FOR EACH ROW WHEN (OLD.hostname IS DISTINCT FROM NEW.hostname OR OLD.ip IS DISTINCT FROM NEW.ip)
  EXECUTE FUNCTION agent_search_write();
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database's owner may create it. Where it
-- cannot be had, the store still works and ?search= reads every agent, as before; the README says how to add the
-- index later.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX agent_search_trigrams ON agent_search USING gin (text gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'no trigram index for the agents search (%): ?search= reads every agent', SQLERRM;
END
$$;
