package io.cellhub.fleet;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cellhub.fleet")
public interface FleetConfig {

    /** Run the simulated fleet. On by default when the broker is embedded, off against an external broker. */
    boolean enabled();

    /** How many robot cells to simulate. */
    @WithDefault("3")
    int cells();

    /** How often each cell publishes its readings. */
    @WithDefault("1s")
    Duration interval();

    /** Cell names are this prefix followed by a number. */
    @WithDefault("robotcell")
    String prefix();

    /**
     * Number of the first simulated cell. Above the cells the notebook's exercises use
     * ({@code robotcell1}, {@code robotcell2}), so a student's values are not overwritten.
     */
    @WithDefault("101")
    int firstCell();
}
