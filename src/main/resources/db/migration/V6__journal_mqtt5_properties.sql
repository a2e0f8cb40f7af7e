-- The MQTT 5 properties of a journaled message, each NULL when the message did not have it (every
-- message received over MQTT 3.1.1). user_properties maps each name to its values in order.
ALTER TABLE journal
    ADD COLUMN content_type     TEXT,
    ADD COLUMN payload_utf8     BOOLEAN,
    ADD COLUMN user_properties  JSONB,
    ADD COLUMN response_topic   TEXT,
    ADD COLUMN correlation_data BYTEA,
    ADD COLUMN message_expiry   BIGINT;
