package io.cellhub.support;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one figure out of the Prometheus text at {@code /q/metrics}. */
public final class PrometheusText {

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private PrometheusText() {
    }

    /** The sum of every sample of {@code name} that carries all the given labels ({@code "reason", "topic-too-long"}). */
    public static double value(String metrics, String name, String... labels) {
        double sum = 0;
        Matcher line = LINE.matcher(metrics);
        while (line.find()) {
            if (!line.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new java.util.HashMap<>();
            if (line.group(3) != null) {
                Matcher label = LABEL.matcher(line.group(3));
                while (label.find()) {
                    found.put(label.group(1), label.group(2));
                }
            }
            boolean matches = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                matches &= labels[i + 1].equals(found.get(labels[i]));
            }
            if (matches) {
                sum += Double.parseDouble(line.group(4));
            }
        }
        return sum;
    }
}
