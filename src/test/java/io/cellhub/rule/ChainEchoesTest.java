package io.cellhub.rule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChainEchoesTest {

    @Test
    void theEchoOfAPublishCarriesItsHopsAndAnOutsideMessageNone() {
        ChainEchoes echoes = new ChainEchoes();
        echoes.expect("True", 2, 1_000, null);
        assertThat(echoes.consume("True", 1_100)).isEqualTo(2);
        assertThat(echoes.consume("True", 1_200)).as("a second True is an outside message").isZero();
    }

    @Test
    void aRepublishedOutputWhoseEchoCameBackIsSwallowedOnce() {
        ChainEchoes echoes = new ChainEchoes();
        echoes.expect("True", 1, 1_000, "out-1");
        assertThat(echoes.consume("True", 1_050)).isEqualTo(1);

        assertThat(echoes.republished("out-1", "True", 4_000)).isTrue();
        assertThat(echoes.consume("True", 4_050)).isEqualTo(ChainEchoes.DUPLICATE);
        assertThat(echoes.consume("True", 9_000)).as("the next True is an outside message again").isZero();
    }

    @Test
    void aRepublishedOutputWhoseEchoDidNotComeBackStepsTheChainOnce() {
        ChainEchoes echoes = new ChainEchoes();
        echoes.expect("True", 1, 1_000, "out-1");
        assertThat(echoes.republished("out-1", "True", 4_000)).isFalse();
        assertThat(echoes.consume("True", 4_050)).isEqualTo(1);
    }

    @Test
    void anEchoThatNamesItsPublishStepsOnceHoweverOftenItComes() {
        ChainEchoes echoes = new ChainEchoes();
        echoes.expect("True", 1, 1_000, "out-1");
        echoes.expect("True", 4, 1_000, "out-2");
        assertThat(echoes.consume("True", "out-2", 1_050)).as("matched by id, not by payload").isEqualTo(4);
        assertThat(echoes.consume("True", "out-2", 1_060)).isEqualTo(ChainEchoes.DUPLICATE);
        assertThat(echoes.consume("True", "out-1", 1_070)).isEqualTo(1);
        assertThat(echoes.consume("True", "other", 1_080)).as("an id of no publish of ours").isZero();
    }

    @Test
    void aStoreWrittenBeforeAbsorbingEntriesHadIdsStillReads() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(0); // pending
            out.writeInt(0); // echoed
            out.writeInt(1); // absorbing, without the ids section
            out.writeUTF("True");
            out.writeLong(1_000);
        }
        ChainEchoes restored = ChainEchoes.CODEC.decode(bytes.toByteArray());
        assertThat(restored.consume("True", 1_100)).isEqualTo(ChainEchoes.DUPLICATE);
    }

    @Test
    void expectationsExpire() {
        ChainEchoes echoes = new ChainEchoes();
        echoes.expect("False", 3, 0, "out-2");
        assertThat(echoes.consume("False", ChainEchoes.TTL_MILLIS + 1)).isZero();
    }

    @Test
    void theStoredFormKeepsEveryExpectation() {
        ChainEchoes echoes = new ChainEchoes();
        echoes.expect("True", 1, 1_000, "out-1");
        echoes.expect("False", 3, 1_000, null);
        echoes.consume("True", 1_010);
        echoes.republished("out-1", "True", 1_020);

        ChainEchoes restored = ChainEchoes.CODEC.decode(ChainEchoes.CODEC.encode(echoes));
        assertThat(ChainEchoes.CODEC.decode(ChainEchoes.CODEC.encode(echoes)).consume("True", "out-1", 1_030))
                .as("the swallow armed by the notice is the one of out-1").isEqualTo(ChainEchoes.DUPLICATE);
        assertThat(restored.consume("True", 1_030)).isEqualTo(ChainEchoes.DUPLICATE);
        assertThat(restored.consume("False", 1_040)).isEqualTo(3);
        assertThat(restored.isEmpty()).as("only the echoed id is left").isFalse();
    }
}
