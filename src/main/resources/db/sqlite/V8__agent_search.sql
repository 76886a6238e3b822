-- ?search= at a million agents (issue 15): the contract makes it match any part of an agent's id, hostname or ip,
-- which no ordinary index serves. A full-text table with the trigram tokenizer does: it finds the agents whose
-- id, hostname and ip (one text, one line each) hold a string of three or more characters, case-insensitively,
-- through LIKE. detail = 'none' keeps no positions (a LIKE checks its few candidates itself): half the size, and
-- faster to write. The agents query keeps its own exact test; this table only narrows the agents it reads.
-- agent_search_keys gives each agent the rowid of its text: an INTEGER PRIMARY KEY, which VACUUM (and VACUUM INTO,
-- the backup) keeps, unlike the agents table's implicit rowid.
-- Triggers keep it in step with every write of agents; a heartbeat that leaves hostname and ip as they were costs
-- only the trigger's WHEN test.
CREATE TABLE agent_search_keys (
  search_rowid  INTEGER PRIMARY KEY,
  agent_id      TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE agent_search USING fts5 (text, tokenize = 'trigram', detail = 'none');
INSERT INTO agent_search_keys (agent_id) SELECT id FROM agents ORDER BY id;
INSERT INTO agent_search (rowid, text)
  SELECT k.search_rowid, a.id || char(10) || COALESCE(a.hostname, '') || char(10) || COALESCE(a.ip, '')
  FROM agents a JOIN agent_search_keys k ON k.agent_id = a.id;
CREATE TRIGGER agent_search_insert AFTER INSERT ON agents BEGIN
  INSERT INTO agent_search_keys (agent_id) VALUES (new.id);
  INSERT INTO agent_search (rowid, text)
    VALUES (last_insert_rowid(), new.id || char(10) || COALESCE(new.hostname, '') || char(10) || COALESCE(new.ip, ''));
END;
CREATE TRIGGER agent_search_update AFTER UPDATE OF hostname, ip ON agents
  WHEN old.hostname IS NOT new.hostname OR old.ip IS NOT new.ip BEGIN
  UPDATE agent_search
    SET text = new.id || char(10) || COALESCE(new.hostname, '') || char(10) || COALESCE(new.ip, '')
    WHERE rowid = (SELECT search_rowid FROM agent_search_keys WHERE agent_id = new.id);
END;
CREATE TRIGGER agent_search_delete AFTER DELETE ON agents BEGIN
  DELETE FROM agent_search WHERE rowid = (SELECT search_rowid FROM agent_search_keys WHERE agent_id = old.id);
  DELETE FROM agent_search_keys WHERE agent_id = old.id;
END;
