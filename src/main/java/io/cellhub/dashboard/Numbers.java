package io.cellhub.dashboard;

import java.util.Locale;

import io.quarkus.qute.TemplateExtension;

/** {@code {count.grouped}} in templates: 10000 as {@code 10,000}, as the pages' scripts write numbers. */
@TemplateExtension
public final class Numbers {

    private Numbers() {
    }

    static String grouped(Number number) {
        return String.format(Locale.ROOT, "%,d", number.longValue());
    }
}
