package io.cellhub.rule;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The built-in processors: {@code cellhub.rules.average.<name>.*} and
 * {@code cellhub.rules.handoff.<name>.*}, any number of each.
 */
@ConfigMapping(prefix = "cellhub.rules")
public interface RulesConfig {

    Map<String, Average> average();

    Map<String, Handoff> handoff();

    /** The mean of two or more inputs of every cell, published to the cell's output topic. */
    interface Average {

        @WithDefault("true")
        boolean enabled();

        /** Input topics below the cell, such as {@code temperature1,temperature2}. */
        List<String> inputs();

        /** Output topic below the cell, such as {@code avgtemperature}. */
        String output();

        /** How many leading topic levels name the cell: 1 makes {@code robotcell1/temperature1} cell {@code robotcell1}. */
        @WithDefault("1")
        int cellLevels();

        @WithDefault("1")
        int qos();

        @WithDefault("true")
        boolean retain();
    }

    /**
     * A cylinder handoff chain: when component i's state turns True, component i+1's is set True;
     * when the last one's turns True, the first one's is set False.
     */
    interface Handoff {

        @WithDefault("true")
        boolean enabled();

        /** The components in order, such as {@code systemcomponent1,systemcomponent2,systemcomponent3}. */
        List<String> chain();

        /** The state topic below each component. */
        @WithDefault("cylinderOn")
        String suffix();

        /** Longest cascade one outside message may set off; defaults to twice the chain's length. */
        Optional<Integer> maxHops();
    }
}
