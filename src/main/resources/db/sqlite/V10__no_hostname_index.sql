-- The index on agents.hostname (V1) served no query: sorting by hostname orders by COALESCE(hostname, ''), and a
-- search matches LOWER(...) LIKE through the trigram index (V8), neither of which this index can serve. Yet every
-- heartbeat rewrote its entry, since the upsert sets hostname (to the same value, as a rule): measured at 200,000
-- agents, a quarter of SQLite's time per heartbeat and one page in three that a heartbeat writes to the log.
DROP INDEX agents_hostname;
