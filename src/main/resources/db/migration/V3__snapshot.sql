-- Session snapshots: every topic's last message at one instant, CellHub's own MQTT session and the rules' state.
CREATE TABLE snapshot (
    id        BIGSERIAL   PRIMARY KEY,
    taken_at  TIMESTAMPTZ NOT NULL,
    label     TEXT,
    trigger   TEXT        NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'shutdown')),
    topics    INTEGER     NOT NULL,
    session   JSONB       NOT NULL,
    rules     JSONB       NOT NULL
);

CREATE TABLE snapshot_entry (
    snapshot_id BIGINT      NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
    topic       TEXT        NOT NULL,
    payload     BYTEA       NOT NULL,
    qos         SMALLINT    NOT NULL,
    retained    BOOLEAN     NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (snapshot_id, topic)
);
