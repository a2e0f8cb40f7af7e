package io.cellhub.retained;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SerialScansTest {

    private final List<String> started = new ArrayList<>();
    private final SerialScans scans = new SerialScans(() -> started.add("scan " + (started.size() + 1)));

    @Test
    void aScanAskedForWhileOneRunsRunsOnceAfterItHoweverOftenItWasAskedFor() {
        scans.request();
        scans.request();
        scans.request();
        assertThat(started).as("no second scan while the first runs").containsExactly("scan 1");

        scans.done();
        assertThat(started).containsExactly("scan 1", "scan 2");
        scans.done();
        assertThat(started).as("nothing was asked for during the second").hasSize(2);
    }

    @Test
    void aScanAskedForWhenNoneRunsStartsAtOnce() {
        scans.request();
        scans.done();
        scans.request();
        assertThat(started).containsExactly("scan 1", "scan 2");
    }

    @Test
    void aRetryServesTheRequestsMadeBeforeIt() {
        scans.request();
        scans.request(); // the broker came up while the first scan waited to retry
        scans.retrying(); // the retry begins after that request: it sees what the request wanted
        scans.done();
        assertThat(started).containsExactly("scan 1");

        scans.request();
        scans.retrying();
        scans.request(); // asked for after the retry began: it may have subscribed before what this wants
        scans.done();
        assertThat(started).containsExactly("scan 1", "scan 2", "scan 3");
    }
}
