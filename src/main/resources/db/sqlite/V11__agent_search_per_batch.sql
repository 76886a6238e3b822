-- A new agent reached the search index (V8__agent_search) from its agents row's trigger, one statement of the
-- heartbeat writer's batch each. FTS5 writes what it holds to a new segment of its index at the start of every
-- statement of a transaction, so each new agent made a segment of its own, for the index to merge again and again:
-- a batch of new agents took 2-3 times as long to write as with no search index at all. The trigger now only gives
-- the agent its key; the writer adds the batch's new agents to the index in one statement at the end of the batch,
-- in the same transaction (HeartbeatRepository), so a search finds an agent as soon as its heartbeat is committed.
DROP TRIGGER agent_search_insert;
CREATE TRIGGER agent_search_insert AFTER INSERT ON agents BEGIN
  INSERT INTO agent_search_keys (agent_id) VALUES (new.id);
END;
