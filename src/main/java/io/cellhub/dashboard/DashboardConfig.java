package io.cellhub.dashboard;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The dashboard's own settings. */
@ConfigMapping(prefix = "cellhub.dashboard")
public interface DashboardConfig {

    /**
     * A cell that has published nothing for this long counts as stale (unless it said it is
     * offline): the fleet summary counts it apart and the alarm order puts it right after the offline
     * cells.
     */
    @WithDefault("30s")
    Duration staleAfter();

    /**
     * Cell cards on one page of the Cells page (the API's {@code /api/cells} default too): about two
     * screens' worth, so the page draws only what is on screen or one scroll away.
     */
    @WithDefault("12")
    int cardsPerPage();
}
