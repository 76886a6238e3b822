-- Indexes for a million agents (issue 15).
--
-- Listing by lastSeen pages by (last_seen, id): with id in the index a page is read in order from it, however
-- many agents share a last_seen. The auto-delete job picks the longest silent agents from it too. It replaces the
-- index on last_seen alone (one index on last_seen to update per heartbeat, as before).
-- (Unlike SQLite, no index on reported_status and version: agents are updated too often for index-only scans to
-- skip the table, so the summary's count reads the table either way, and every index costs each heartbeat.)
CREATE INDEX agents_last_seen_id ON agents (last_seen, id);
DROP INDEX agents_last_seen;
