-- Cluster mode (issue 20): the journal is fed from the Kafka ingest topic. Each row says which record
-- it came from (NULL on a single node), and journal_kafka_offset holds, per partition, the offset of
-- the next record to write. Rows and the offset change in one transaction, so every Kafka record
-- becomes exactly one row, however often Kafka delivers it; a writer whose offset is no longer the
-- stored one (another replica took the partition over) writes nothing.
ALTER TABLE journal ADD COLUMN kafka_partition INTEGER, ADD COLUMN kafka_offset BIGINT;

CREATE TABLE journal_kafka_offset (
    kafka_topic     TEXT        NOT NULL,
    kafka_partition INTEGER     NOT NULL,
    next_offset     BIGINT      NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kafka_topic, kafka_partition)
);
