package io.cellhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

import io.cellhub.publish.OutgoingMessage;
import io.cellhub.rule.HandoffProcessor;
import io.cellhub.topic.MessageProperties;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicMessage;

class MqttRecordsTest {

    @Test
    void aReceivedMessageSurvivesTheTripThroughKafkaHeadersWithItsMqtt5Properties() {
        MessageProperties properties = MessageProperties.of("text/plain", true,
                List.of(new MessageProperties.UserProperty("line", "7"), new MessageProperties.UserProperty("line", "8"),
                        new MessageProperties.UserProperty("shift", "b")),
                "robotcell1/reply", new byte[] { 1, 2, 3 }, 60);
        TopicMessage sent = new TopicMessage("robotcell1/temperature1", Payload.ofText("21.5"), 1, true,
                Instant.parse("2026-12-06T10:15:30.123456Z"), false, properties);

        Headers headers = MqttRecords.headers(sent);
        TopicMessage received = MqttRecords.message(headers, sent.payload().toByteArray(), 0);

        assertThat(received).isEqualTo(sent);
        assertThat(received.properties().userPropertyMap()).containsEntry("line", List.of("7", "8"));
    }

    @Test
    void aMessageWithoutPropertiesHasNoneAfterTheTrip() {
        TopicMessage sent = new TopicMessage("c/status", Payload.ofText("online"), 0, false, Instant.parse("2026-12-06T10:00:00Z"));
        TopicMessage received = MqttRecords.message(MqttRecords.headers(sent), "online".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(received).isEqualTo(sent);
        assertThat(received.properties()).isSameAs(MessageProperties.NONE);
    }

    @Test
    void controlRecordsAreNoMessages() {
        Headers headers = MqttRecords.headers(new TopicMessage("a/b", Payload.ofText("x"), 1, false, Instant.now()));
        headers.add(MqttRecords.CONTROL, MqttRecords.utf8(MqttRecords.CHAIN_START));
        assertThat(MqttRecords.message(headers, new byte[0], 0)).isNull();
    }

    @Test
    void anOutputKeepsTopicQosRetainAndNamesItsRuleAndEcho() {
        OutgoingMessage out = new OutgoingMessage("cell1/avgtemperature", Payload.ofText("23.5"), 1, true);
        Headers headers = MqttRecords.headers(out, "temperature", "e1");
        OutgoingMessage back = MqttRecords.output(headers, out.payload().toByteArray());
        assertThat(back.topic()).isEqualTo(out.topic());
        assertThat(back.payload().text()).contains("23.5");
        assertThat(back.qos()).isEqualTo(1);
        assertThat(back.retain()).isTrue();
        assertThat(MqttRecords.text(headers, MqttRecords.RULE)).isEqualTo("temperature");
        assertThat(MqttRecords.text(headers, MqttRecords.ECHO_ID)).isEqualTo("e1");
    }

    @Test
    void aChainOutputIsPublishedWithItsEchoIdSoThatItsEchoNamesIt() {
        OutgoingMessage out = new OutgoingMessage("line1c2/cylinderOn", Payload.ofText("True"), 1, true);
        OutgoingMessage chain = MqttRecords.output(MqttRecords.headers(out, "line1", "e7"), out.payload().toByteArray());
        assertThat(chain.properties().userProperties())
                .containsExactly(new MessageProperties.UserProperty(HandoffProcessor.ECHO_ID_PROPERTY, "e7"));

        OutgoingMessage average = MqttRecords.output(MqttRecords.headers(out, "temperature", null), out.payload().toByteArray());
        assertThat(average.properties()).as("an output without an echo id has no properties").isSameAs(MessageProperties.NONE);
    }
}
