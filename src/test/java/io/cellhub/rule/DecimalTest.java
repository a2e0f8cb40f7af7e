package io.cellhub.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class DecimalTest {

    @Test
    void meanIsTheShortestPlainDecimal() {
        assertThat(Decimal.mean(new double[] { 21, 26 })).isEqualTo("23.5");
        assertThat(Decimal.mean(new double[] { 31, 26 })).isEqualTo("28.5");
        assertThat(Decimal.mean(new double[] { 10, 20 })).isEqualTo("15");
    }

    @Test
    void decimalInputsAverageExactlyWhereBinaryFloatingPointWouldNot() {
        assertThat((0.1 + 0.2) / 2).isNotEqualTo(0.15);
        assertThat(Decimal.mean(new double[] { 0.1, 0.2 })).isEqualTo("0.15");
        assertThat(Decimal.mean(new double[] { 21.1, 25.9 })).isEqualTo("23.5");
    }

    @Test
    void repeatingMeansStopAtSixteenSignificantDigitsAndNeverUseExponents() {
        assertThat(Decimal.mean(new double[] { 1, 2, 2 })).isEqualTo("1.666666666666667");
        assertThat(Decimal.mean(new double[] { -3e2, 1e-7 })).isEqualTo("-149.99999995");
        assertThat(Decimal.mean(new double[] { 1e20, 1e20 })).isEqualTo("100000000000000000000");
        assertThat(Decimal.mean(new double[] { -0.0, 0.0 })).isEqualTo("0");
    }

    @Test
    void theLongPathGivesTheSameTextAsBigDecimalArithmetic() {
        SplittableRandom random = new SplittableRandom(7);
        int longPath = 0;
        int trials = 50_000;
        for (int i = 0; i < trials; i++) {
            double[] values = new double[1 + random.nextInt(4)];
            for (int v = 0; v < values.length; v++) {
                int fractionDigits = random.nextInt(11);
                long unscaled = random.nextLong(-2_000_000_000_000L, 2_000_000_000_000L) / (1L << random.nextInt(40));
                values[v] = Double.parseDouble(java.math.BigDecimal.valueOf(unscaled, fractionDigits).toString());
            }
            assertThat(Decimal.mean(values)).as("mean of %s", java.util.Arrays.toString(values))
                    .isEqualTo(Decimal.bigDecimalMean(values));
            longPath += Decimal.exactMean(values) == null ? 0 : 1;
        }
        assertThat(longPath).as("means taken by the long path").isBetween(trials / 4, trials - trials / 10);
    }

    @Test
    void telemetryValuesTakeTheLongPathAndRepeatingMeansDoNot() {
        assertThat(Decimal.exactMean(new double[] { 21.1, 25.9 })).isEqualTo("23.5");
        assertThat(Decimal.exactMean(new double[] { -3e2, 1e-7 })).isEqualTo("-149.99999995");
        assertThat(Decimal.exactMean(new double[] { 1, 2, 2 })).isNull();
        assertThat(Decimal.exactMean(new double[] { 1e-12, 0 })).isNull();
    }

    @Test
    void smallMeansKeepTheirLeadingZeros() {
        assertThat(Decimal.mean(new double[] { 0.001, 0.002 })).isEqualTo("0.0015");
        assertThat(Decimal.mean(new double[] { -0.001, -0.002 })).isEqualTo("-0.0015");
        assertThat(Decimal.mean(new double[] { 0.000000001, 0 })).isEqualTo("0.0000000005");
        assertThat(Decimal.mean(new double[] { 120, 80 })).isEqualTo("100");
    }
}
