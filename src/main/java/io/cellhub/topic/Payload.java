package io.cellhub.topic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The bytes of one MQTT message, immutable, with the decodings CellHub shows: UTF-8 text when the
 * bytes are valid UTF-8 (else base64, marked binary) and a number when the payload reads as one
 * (see {@link NumberReading}). Decodings are computed once, on first use.
 */
public final class Payload {

    public static final Payload EMPTY = new Payload(new byte[0]);

    private final byte[] bytes;
    private volatile Decoded decoded;
    private volatile Number number;

    private Payload(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Payload copyOf(byte[] bytes) {
        return new Payload(bytes.clone());
    }

    /**
     * Wraps an array the caller hands over and will not touch again, such as one the MQTT client
     * has just copied out of its network buffer; saves a copy per message on the ingest path.
     */
    public static Payload adopt(byte[] bytes) {
        return new Payload(bytes);
    }

    public static Payload ofText(String text) {
        return new Payload(text.getBytes(StandardCharsets.UTF_8));
    }

    public int size() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** The bytes themselves, not a copy, for the live state's history, which never changes them. */
    byte[] bytes() {
        return bytes;
    }

    /** Writes the bytes without copying them first. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    /** The payload as UTF-8 text, or empty when the bytes are not valid UTF-8 (binary). */
    public Optional<String> text() {
        return Optional.ofNullable(decoded().text);
    }

    public boolean isText() {
        return decoded().text != null;
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The number this payload reads as: plain text, a JSON number, or the one numeric field of a JSON object. */
    public OptionalDouble number() {
        return number(NumberReading.DEFAULT);
    }

    /**
     * The number this payload reads as with the given reading. Read once: every part of CellHub
     * uses the one reading configured, so the result is kept for it.
     */
    public OptionalDouble number(NumberReading reading) {
        Number n = number;
        if (n == null || n.reading != reading) {
            String text = decoded().text;
            n = new Number(reading, text == null ? OptionalDouble.empty() : reading.number(text));
            number = n;
        }
        return n.value;
    }

    private Decoded decoded() {
        Decoded d = decoded;
        if (d == null) {
            d = new Decoded(decodeUtf8(bytes));
            decoded = d;
        }
        return d;
    }

    private static String decodeUtf8(byte[] bytes) {
        if (isAscii(bytes)) {
            // Telemetry is almost always ASCII: no decoder, no validation, one copy.
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Payload that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return text().orElseGet(() -> "base64:" + base64());
    }

    private record Decoded(String text) {
    }

    private record Number(NumberReading reading, OptionalDouble value) {
    }
}
