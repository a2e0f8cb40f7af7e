-- The notebook's all_messages, made durable: one row per received message, partitioned by hour so
-- that retention drops whole partitions instead of deleting rows. JournalPartitions creates and
-- drops the hourly partitions; the default partition catches anything outside them.
CREATE TABLE journal (
    id          BIGSERIAL,
    topic       TEXT        NOT NULL,
    payload     BYTEA       NOT NULL,
    qos         SMALLINT    NOT NULL,
    retained    BOOLEAN     NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
) PARTITION BY RANGE (received_at);

CREATE TABLE journal_default PARTITION OF journal DEFAULT;

CREATE INDEX journal_topic_time ON journal (topic, received_at);
CREATE INDEX journal_time ON journal (received_at);
