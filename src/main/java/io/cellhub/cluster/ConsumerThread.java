package io.cellhub.cluster;

import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The one daemon thread each part of cluster mode (ingest ownership, egress, journal feed, live view)
 * polls its Kafka consumer on, and how it stops: the owner clears its running flag, then the
 * consumer's blocking poll is woken up and the thread is given a bounded time to finish its loop
 * (commit what it has, leave its group).
 */
final class ConsumerThread {

    private ConsumerThread() {
    }

    static Thread start(String name, Runnable loop) {
        Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Call after clearing the loop's running flag; either argument may be null (never started). */
    static void stop(KafkaConsumer<?, ?> consumer, Thread thread, long joinMillis) {
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(joinMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
