-- Devices seen by CellHub: by MQTT client id (embedded broker) or by cell (status topics of an external broker).
CREATE TABLE device_session (
    id              TEXT        PRIMARY KEY,
    source          TEXT        NOT NULL CHECK (source IN ('broker', 'status-topic')),
    online          BOOLEAN     NOT NULL,
    clean_session   BOOLEAN,
    subscriptions   JSONB       NOT NULL DEFAULT '[]',
    connected_at    TIMESTAMPTZ,
    disconnected_at TIMESTAMPTZ,
    last_seen       TIMESTAMPTZ NOT NULL,
    messages        BIGINT      NOT NULL DEFAULT 0
);
