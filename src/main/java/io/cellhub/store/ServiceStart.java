package io.cellhub.store;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One start of CellHub, kept so operators can see when and against what it restarted. */
@Entity
@Table(name = "service_start")
public class ServiceStart extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(nullable = false)
    public String version;

    @Column(nullable = false)
    public String broker;

    @Column(name = "embedded_broker", nullable = false)
    public boolean embeddedBroker;
}
