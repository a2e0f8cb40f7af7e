package io.cellhub.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Several filters as one subscription list: {@code cellhub.ingest.filter}. */
class TopicFiltersTest {

    @Test
    void aTopicMatchesWhenAnyFilterMatchesIt() {
        TopicFilters inputs = TopicFilters.parse(List.of("+/temperature1", "+/temperature2"));

        assertThat(inputs.matches("robotcell1/temperature1")).isTrue();
        assertThat(inputs.matches("robotcell7/temperature2")).isTrue();
        assertThat(inputs.matches("robotcell1/avgtemperature")).as("the rule's output").isFalse();
        assertThat(inputs.matches("robotcell1/temperature1/raw")).isFalse();
    }

    @Test
    void blanksAroundAFilterAreTakenOffAndARepeatedFilterCountsOnce() {
        TopicFilters filters = TopicFilters.parse(List.of(" line1/# ", "line1/#", "line2/+"));

        assertThat(filters.filters()).extracting(TopicFilter::toString).containsExactly("line1/#", "line2/+");
        assertThat(filters).hasToString("line1/#,line2/+");
    }

    @Test
    void theRulesOfOneFilterHoldForEach() {
        assertThatThrownBy(() -> TopicFilters.parse(List.of("line1/#", "line2/#/x")))
                .isInstanceOf(InvalidTopicException.class).hasMessageContaining("line2/#/x");
        assertThat(TopicFilters.parse(List.of("#", "$SYS/#")).matches("$SYS/broker/uptime"))
                .as("only a filter that names $SYS matches it").isTrue();
        assertThat(TopicFilters.parse(List.of("#")).matches("$SYS/broker/uptime")).isFalse();
    }

    @Test
    void noFilterAtAllIsRefusedWithWhatToWrite() {
        assertThatThrownBy(() -> TopicFilters.parse(List.of())).isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("'#'");
    }
}
