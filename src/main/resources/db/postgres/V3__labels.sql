-- Labels (issue 14): named, coloured tags assigned to agents and configs. The label strings that
-- PATCH /api/agents/{id} stored in agents.labels (a JSON array) become one label per distinct string, with the
-- default colour, assigned to the agents that had it. agents.labels stays as it was and is no longer read or
-- written; it goes once no node of the previous release can be running against this database.

CREATE TABLE labels (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  description  TEXT NOT NULL DEFAULT '',
  color        TEXT NOT NULL,
  created_at   BIGINT NOT NULL
);

CREATE TABLE agent_labels (
  agent_id  TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  label_id  TEXT NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
  PRIMARY KEY (agent_id, label_id)
);
CREATE INDEX agent_labels_label ON agent_labels (label_id);

CREATE TABLE config_labels (
  config_id  TEXT NOT NULL REFERENCES configs (id) ON DELETE CASCADE,
  label_id   TEXT NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
  PRIMARY KEY (config_id, label_id)
);
CREATE INDEX config_labels_label ON config_labels (label_id);

INSERT INTO labels (id, name, description, color, created_at)
SELECT CAST(CAST(md5(random()::text || clock_timestamp()::text || d.name) AS uuid) AS TEXT),
       d.name, '', '#3b82f6', CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)
FROM (SELECT DISTINCT j.value AS name
      FROM agents a CROSS JOIN LATERAL json_array_elements_text(CASE
          WHEN json_typeof(CAST(a.labels AS json)) = 'array' THEN CAST(a.labels AS json)
          ELSE CAST('[]' AS json) END) AS j(value)) d;

INSERT INTO agent_labels (agent_id, label_id)
SELECT DISTINCT a.id, l.id
FROM agents a CROSS JOIN LATERAL json_array_elements_text(CASE
    WHEN json_typeof(CAST(a.labels AS json)) = 'array' THEN CAST(a.labels AS json)
    ELSE CAST('[]' AS json) END) AS j(value)
JOIN labels l ON l.name = j.value;
