CREATE TABLE service_start (
    id              BIGSERIAL PRIMARY KEY,
    started_at      TIMESTAMPTZ NOT NULL,
    version         TEXT        NOT NULL,
    broker          TEXT        NOT NULL,
    embedded_broker BOOLEAN     NOT NULL
);
