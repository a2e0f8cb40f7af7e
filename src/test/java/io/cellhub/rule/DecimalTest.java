package io.cellhub.rule;

import static org.assertj.core.api.Assertions.assertThat;

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
}
