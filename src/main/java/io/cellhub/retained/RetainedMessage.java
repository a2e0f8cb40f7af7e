package io.cellhub.retained;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A row of the retained mirror: the message a new subscriber would get as retained on {@code topic}. */
@Entity
@Table(name = "retained_message")
public class RetainedMessage extends PanacheEntityBase {

    @Id
    public String topic;

    @Column(nullable = false)
    public byte[] payload;

    @Column(nullable = false)
    public short qos;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
