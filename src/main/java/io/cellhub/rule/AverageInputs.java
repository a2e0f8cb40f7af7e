package io.cellhub.rule;

import java.nio.ByteBuffer;

/** The latest numeric value of each input of one cell of an average rule, and which have one. */
public final class AverageInputs {

    /** Per input: a flag byte (1 when it has a value), then the value as an IEEE double. */
    public static final StateCodec<AverageInputs> CODEC = new StateCodec<>() {
        @Override
        public byte[] encode(AverageInputs inputs) {
            ByteBuffer bytes = ByteBuffer.allocate(inputs.values.length * 9);
            for (int i = 0; i < inputs.values.length; i++) {
                bytes.put((byte) (inputs.present[i] ? 1 : 0)).putDouble(inputs.values[i]);
            }
            return bytes.array();
        }

        @Override
        public AverageInputs decode(byte[] encoded) {
            ByteBuffer bytes = ByteBuffer.wrap(encoded);
            AverageInputs inputs = new AverageInputs(encoded.length / 9);
            for (int i = 0; i < inputs.values.length; i++) {
                boolean present = bytes.get() == 1;
                double value = bytes.getDouble();
                if (present) {
                    inputs.set(i, value);
                }
            }
            return inputs;
        }
    };

    final double[] values;
    final boolean[] present;
    private int missing;

    AverageInputs(int size) {
        values = new double[size];
        present = new boolean[size];
        missing = size;
    }

    void set(int index, double value) {
        values[index] = value;
        if (!present[index]) {
            present[index] = true;
            missing--;
        }
    }

    boolean has(int index) {
        return present[index];
    }

    boolean complete() {
        return missing == 0;
    }
}
