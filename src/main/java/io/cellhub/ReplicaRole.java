package io.cellhub;

/**
 * Whether this process runs the jobs that must run once for the whole fleet, such as scheduled
 * snapshots. Always on a single node; in cluster mode on one replica at a time (the owner of the
 * first ingest space), so that several replicas do not take the same snapshot.
 */
public interface ReplicaRole {

    boolean runsFleetWideJobs();
}
