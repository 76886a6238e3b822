-- A heartbeat's details (configurations, logs, extras: agent_heartbeats) are rewritten only when they changed, and
-- most heartbeats of a fleet change nothing there. Yet the heartbeat writer gave every agent of a batch a second
-- statement, binding the three texts, for SQLite to compare them with those stored. The agents row now keeps a hash
-- of the details stored (the first 64 bits of their SHA-256; NULL: not known, as for the agents of earlier
-- releases), written by the same statement as the rest of the row; the writer reads the hashes of a batch's agents
-- in one statement and writes details only where the hash differs or is NULL.
ALTER TABLE agents ADD COLUMN details_hash INTEGER;
