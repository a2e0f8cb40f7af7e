package io.cellhub.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import io.cellhub.retained.RetainedScanner;
import io.cellhub.rule.AverageProcessor;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;

/**
 * The values the broker holds retained for the average rules' inputs in one ingest space, read once
 * the space's new session has subscribed, as {@code retained-value} control records for the rule
 * partitions.
 * <p>
 * The cluster's rules read only the ingest topic. A new ingest subscription gets no retained
 * messages (it subscribes with Retain Handling "do not send", as on a single node), and each
 * replica's retained scan feeds only its own live state and mirror. Without this, a value retained
 * before a space first subscribed (a cell's {@code temperature2} set once and left retained) would
 * never reach the average rule. Scanning after the subscription leaves no gap: what is retained
 * later arrives through the subscription itself. A rule loads such a value only for an input it has
 * no value for, so a live value that arrived first stands.
 */
final class RetainedInputs {

    private static final Logger LOG = Logger.getLogger(RetainedInputs.class);

    private final RetainedScanner scanner;
    private final AverageProcessor averages;
    private final CellKeys keys;
    private final ClusterMode mode;
    private final Duration patience;

    RetainedInputs(RetainedScanner scanner, AverageProcessor averages, CellKeys keys, ClusterMode mode, Duration scanTimeout) {
        this.scanner = scanner;
        this.averages = averages;
        this.keys = keys;
        this.mode = mode;
        this.patience = scanTimeout.plusSeconds(5);
    }

    /**
     * Scans the broker's retained messages on {@code filter} and returns a control record for each
     * one on an average rule's input. Blocks until the scan ends.
     */
    List<ProducerRecord<String, byte[]>> scan(int space, String filter)
            throws InterruptedException, ExecutionException, TimeoutException {
        RetainedScanner.Result result = scanner.scan(TopicFilter.parse(filter)).get(patience.toMillis(), TimeUnit.MILLISECONDS);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (TopicMessage retained : result.retained()) {
            if (averages.isInput(retained.topic())) {
                records.add(ControlRecords.retainedValue(mode, keys.of(retained.topic()), retained));
            }
        }
        LOG.infof("Ingest space %d ('%s') subscribed with a new session: the broker holds %d retained message(s) there, %d "
                + "on average rule inputs, given to the rules (scan %d ms%s)", space, filter, result.retained().size(),
                records.size(), result.took().toMillis(), result.timedOut() ? ", stopped at cellhub.ingest.scan-timeout" : "");
        return records;
    }
}
