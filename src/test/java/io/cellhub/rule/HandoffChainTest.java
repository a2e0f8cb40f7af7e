package io.cellhub.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.cellhub.topic.Payload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class HandoffChainTest {

    private static RulesConfig.Handoff config(List<String> chain, Optional<Integer> maxHops) {
        return new RulesConfig.Handoff() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public List<String> chain() {
                return chain;
            }

            @Override
            public String suffix() {
                return "cylinderOn";
            }

            @Override
            public Optional<Integer> maxHops() {
                return maxHops;
            }
        };
    }

    private static HandoffChain chain(List<String> components) {
        return new HandoffChain("test", config(components, Optional.empty()),
                new RuleStats(new SimpleMeterRegistry(), "test", "handoff"));
    }

    @Test
    void stepsFollowTheNotebook() {
        HandoffChain chain = chain(List.of("systemcomponent1", "systemcomponent2", "systemcomponent3"));

        assertThat(chain.steps()).extracting(s -> s.upstream() + " -> " + s.downstream() + " := " + s.value())
                .containsExactly(
                        "systemcomponent1/cylinderOn -> systemcomponent2/cylinderOn := true",
                        "systemcomponent2/cylinderOn -> systemcomponent3/cylinderOn := true",
                        "systemcomponent3/cylinderOn -> systemcomponent1/cylinderOn := false");
        assertThat(chain.maxHops()).isEqualTo(6);
    }

    @Test
    void aComponentNamedTwiceIsAConfigErrorThatNamesIt() {
        assertThatThrownBy(() -> chain(List.of("press", "robot", "press")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cellhub.rules.handoff.test.chain")
                .hasMessageContaining("'press' twice");
    }

    @Test
    void aChainNeedsTwoComponents() {
        assertThatThrownBy(() -> chain(List.of("press"))).hasMessageContaining("two or more components");
    }

    @Test
    void cylinderStatesReadLeniently() {
        for (String on : List.of("True", "true", "TRUE", "1", "on", " On ")) {
            assertThat(CylinderState.read(Payload.ofText(on))).as(on).contains(true);
        }
        for (String off : List.of("False", "false", "0", "off", "OFF")) {
            assertThat(CylinderState.read(Payload.ofText(off))).as(off).contains(false);
        }
        for (String garbage : List.of("", "yes", "2", "Tru")) {
            assertThat(CylinderState.read(Payload.ofText(garbage))).as(garbage).isEmpty();
        }
        assertThat(CylinderState.read(Payload.copyOf(new byte[] { (byte) 0xff }))).isEmpty();
        assertThat(CylinderState.write(true)).isEqualTo("True");
        assertThat(CylinderState.write(false)).isEqualTo("False");
    }
}
