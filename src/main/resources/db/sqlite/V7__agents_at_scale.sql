-- Indexes for a million agents (issue 15).
--
-- Listing by lastSeen pages by (last_seen, id): with id in the index a page is read in order from it, however
-- many agents share a last_seen. The auto-delete job picks the longest silent agents from it, and the summary
-- counts the agents seen longest ago from it alone: hence the rule and the reported status in it too (NULL for
-- most agents). It replaces the index on last_seen alone (one index on last_seen to update per heartbeat, as before).
CREATE INDEX agents_last_seen_id ON agents (last_seen, id, reporting_rule_id, reported_status);
DROP INDEX agents_last_seen;
-- The summary counts agents by reported status and release from this index alone (no pass over the table). A
-- heartbeat writes these columns anyway.
CREATE INDEX agents_status_version ON agents (reported_status, version);
