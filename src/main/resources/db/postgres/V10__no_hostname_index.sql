-- The index on agents.hostname (V1) served no query: sorting by hostname orders by COALESCE(hostname, ''), and a
-- search matches LOWER(...) LIKE through the trigram index (V8), neither of which this index can serve. Yet every
-- heartbeat wrote an entry to it: an updated agents row is a new row version, and last_seen, which every heartbeat
-- changes, is indexed, so each index of the table gets an entry for it. Two indexes to write per heartbeat now.
DROP INDEX agents_hostname;
