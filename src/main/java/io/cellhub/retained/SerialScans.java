package io.cellhub.retained;

/**
 * Retained scans one at a time: a scan asked for while one runs (or waits to retry) runs once after
 * it, however often it was asked for, since a scan that begins later sees everything an earlier
 * request wanted. The scan itself reports its end with {@link #done()} or its retry with
 * {@link #retrying()}.
 */
final class SerialScans {

    private final Runnable scan;
    private boolean running;
    private boolean again;

    SerialScans(Runnable scan) {
        this.scan = scan;
    }

    /** Runs the scan now, or once after the one that runs. */
    void request() {
        synchronized (this) {
            if (running) {
                again = true;
                return;
            }
            running = true;
            again = false;
        }
        scan.run();
    }

    /** The running scan is about to start over (a retry): it serves the requests made meanwhile. */
    void retrying() {
        synchronized (this) {
            again = false;
        }
    }

    /** The running scan ended; runs the one asked for meanwhile, if any. */
    void done() {
        boolean rerun;
        synchronized (this) {
            running = false;
            rerun = again;
        }
        if (rerun) {
            request();
        }
    }
}
