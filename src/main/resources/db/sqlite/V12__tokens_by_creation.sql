-- The token listing is written a page at a time, oldest first (created_at, then name): each page is read along
-- this index rather than by sorting every token, a million of them with a fleet of a token per agent.
CREATE INDEX tokens_created ON tokens (created_at, name);
