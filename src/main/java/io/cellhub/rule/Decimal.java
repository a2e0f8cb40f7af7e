package io.cellhub.rule;

import java.math.BigDecimal;
import java.math.MathContext;

/** The mean of numbers written as the shortest plain decimal: {@code 23.5}, not {@code 23.500000000000004}. */
final class Decimal {

    /** Fraction digits the long-arithmetic path handles; inputs with more go through {@link BigDecimal}. */
    private static final int MAX_SCALE = 9;
    private static final long[] POWERS_OF_TEN = new long[19];
    private static final double MAX_EXACT = 0x1p53;
    private static final long SIXTEEN_DIGITS = 10_000_000_000_000_000L;

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private Decimal() {
    }

    /**
     * Adds the inputs as the decimals they were written as (the shortest text that reads back as
     * each double), so {@code 21.1} and {@code 25.9} average to exactly {@code 23.5}, and divides
     * to 16 significant digits.
     * <p>
     * Telemetry values have few fraction digits, so the sum is done in {@code long} arithmetic when
     * every input is a decimal of at most 9 fraction digits and the exact mean has at most 16
     * significant digits; otherwise in {@link BigDecimal}. Both give the same text: the long path is
     * there because this runs once per input message, and the {@link BigDecimal} one allocated more
     * per message than any other step of CellHub's (async-profiler, {@code bench/run.sh}).
     */
    static String mean(double[] values) {
        String exact = exactMean(values);
        return exact != null ? exact : bigDecimalMean(values);
    }

    static String bigDecimalMean(double[] values) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double value : values) {
            sum = sum.add(BigDecimal.valueOf(value));
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(values.length), MathContext.DECIMAL64);
        return mean.signum() == 0 ? "0" : mean.stripTrailingZeros().toPlainString();
    }

    /** The mean by the long path, or null when it does not apply. */
    static String exactMean(double[] values) {
        try {
            // the sum so far, as an integer count of 10^-scale
            long sum = 0;
            int scale = 0;
            for (double value : values) {
                int valueScale = scale(value);
                if (valueScale < 0) {
                    return null;
                }
                if (valueScale > scale) {
                    sum = Math.multiplyExact(sum, POWERS_OF_TEN[valueScale - scale]);
                    scale = valueScale;
                }
                long unscaled = Math.round(value * POWERS_OF_TEN[valueScale]);
                sum = Math.addExact(sum, Math.multiplyExact(unscaled, POWERS_OF_TEN[scale - valueScale]));
            }
            // sum / n as a terminating decimal, one more fraction digit at a time
            long n = values.length;
            while (sum % n != 0 && scale < POWERS_OF_TEN.length - 1) {
                sum = Math.multiplyExact(sum, 10);
                scale++;
            }
            long mean = sum / n;
            if (sum % n != 0 || Math.abs(mean) >= SIXTEEN_DIGITS) {
                return null;
            }
            return plain(mean, scale);
        } catch (ArithmeticException overflow) {
            return null;
        }
    }

    /**
     * The fewest fraction digits (at most {@link #MAX_SCALE}) of a decimal that reads back as the
     * value, or -1. The division is IEEE's, correctly rounded, so it is exactly how the decimal
     * {@code unscaled / 10^scale} reads.
     */
    private static int scale(double value) {
        for (int scale = 0; scale <= MAX_SCALE; scale++) {
            double scaled = value * POWERS_OF_TEN[scale];
            if (!(Math.abs(scaled) < MAX_EXACT)) {
                return -1;
            }
            if ((double) Math.round(scaled) / POWERS_OF_TEN[scale] == value) {
                return scale;
            }
        }
        return -1;
    }

    private static String plain(long unscaled, int scale) {
        if (unscaled == 0) {
            return "0";
        }
        while (scale > 0 && unscaled % 10 == 0) {
            unscaled /= 10;
            scale--;
        }
        String digits = Long.toString(Math.abs(unscaled));
        StringBuilder text = new StringBuilder(digits.length() + scale + 3);
        if (unscaled < 0) {
            text.append('-');
        }
        if (scale == 0) {
            return text.append(digits).toString();
        }
        if (digits.length() <= scale) {
            text.append("0.").append("0".repeat(scale - digits.length())).append(digits);
        } else {
            text.append(digits, 0, digits.length() - scale).append('.').append(digits, digits.length() - scale, digits.length());
        }
        return text.toString();
    }
}
