package io.cellhub.rule;

import java.math.BigDecimal;
import java.math.MathContext;

/** The mean of numbers written as the shortest plain decimal: {@code 23.5}, not {@code 23.500000000000004}. */
final class Decimal {

    private Decimal() {
    }

    /**
     * Adds the inputs as the decimals they were written as (the shortest text that reads back as
     * each double), so {@code 21.1} and {@code 25.9} average to exactly {@code 23.5}, and divides
     * to 16 significant digits.
     */
    static String mean(double[] values) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double value : values) {
            sum = sum.add(BigDecimal.valueOf(value));
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(values.length), MathContext.DECIMAL64);
        return mean.signum() == 0 ? "0" : mean.stripTrailingZeros().toPlainString();
    }
}
