package io.cellhub.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The live state under concurrent writers and readers: never above its bound, never a half-made topic. */
class LiveTopicsConcurrencyTest {

    private static LiveTopics liveTopics(int max) {
        return new LiveTopics(new TopicsConfig() {
            @Override
            public int max() {
                return max;
            }

            @Override
            public int history() {
                return 4;
            }

            @Override
            public java.util.Optional<String> numberField() {
                return java.util.Optional.empty();
            }
        }, new TrafficMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void boundHoldsExactlyAndListingNeverSeesAnEmptyTopic() throws Exception {
        for (int round = 0; round < 50; round++) {
            LiveTopics topics = liveTopics(10);
            ExecutorService pool = Executors.newFixedThreadPool(5);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                work.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 50; i++) {
                        topics.record(new TopicMessage("w" + writer + "/t" + i, Payload.ofText("1"), 0, false, Instant.now()));
                    }
                    return null;
                }));
            }
            work.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 200; i++) {
                    topics.list(TopicFilter.ALL).forEach(s -> assertThat(s.last()).isNotNull());
                }
                return null;
            }));
            go.countDown();
            for (Future<?> f : work) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(topics.size()).isEqualTo(10);
            assertThat(topics.list(TopicFilter.ALL)).hasSize(10);
        }
    }
}
