package io.cellhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CellKeysTest {

    private final CellKeys keys = new CellKeys(1, Map.of("systemcomponent1/cylinderOn", "cylinders",
            "systemcomponent2/cylinderOn", "cylinders"));

    @Test
    void aCellsTopicsShareTheCellAsKey() {
        assertThat(keys.of("robotcell7/temperature1")).isEqualTo("robotcell7");
        assertThat(keys.of("robotcell7/temperature2")).isEqualTo("robotcell7");
        assertThat(keys.of("robotcell7/joints/3")).isEqualTo("robotcell7");
    }

    @Test
    void aChainsTopicsShareTheChainGroupAsKey() {
        assertThat(keys.of("systemcomponent1/cylinderOn")).isEqualTo("chain:cylinders")
                .isEqualTo(keys.of("systemcomponent2/cylinderOn"));
    }

    @Test
    void moreCellLevelsKeepDeeperCellsWholeAndShortTopicsAreTheirOwnKey() {
        CellKeys twoLevels = new CellKeys(2, Map.of());
        assertThat(twoLevels.of("plant1/cell3/temperature1")).isEqualTo("plant1/cell3");
        assertThat(twoLevels.of("plant1/cell3")).isEqualTo("plant1/cell3");
        assertThat(keys.of("heartbeat")).isEqualTo("heartbeat");
    }
}
