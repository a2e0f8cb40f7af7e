-- What a new subscriber would receive as retained from the broker, one row per topic.
CREATE TABLE retained_message (
    topic      TEXT        PRIMARY KEY,
    payload    BYTEA       NOT NULL,
    qos        SMALLINT    NOT NULL CHECK (qos BETWEEN 0 AND 2),
    updated_at TIMESTAMPTZ NOT NULL
);
