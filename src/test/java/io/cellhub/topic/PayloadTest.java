package io.cellhub.topic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void validUtf8IsText() {
        Payload payload = Payload.copyOf("robot f\u00fchrt \u2713".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.of("robot f\u00fchrt \u2713"), payload.text());
        assertTrue(payload.isText());
    }

    @Test
    void textPayloadStillHasBase64() {
        Payload payload = Payload.ofText("hello");
        assertEquals(Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8)), payload.base64());
        assertEquals("aGVsbG8=", payload.base64());
    }

    @Test
    void invalidContinuationByteIsBinary() {
        Payload payload = Payload.copyOf(new byte[] { (byte) 0xC3, 0x28 });
        assertEquals(Optional.empty(), payload.text());
        assertFalse(payload.isText());
        assertEquals("wyg=", payload.base64());
    }

    @Test
    void byteFFIsBinary() {
        Payload payload = Payload.copyOf(new byte[] { (byte) 0xFF });
        assertFalse(payload.text().isPresent());
        assertEquals("base64:/w==", payload.toString());
    }

    @Test
    void truncatedMultiByteSequenceIsBinary() {
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
        assertFalse(Payload.copyOf(new byte[] { euro[0], euro[1] }).isText());
    }

    @Test
    void encodedSurrogateIsBinary() {
        // CESU-style encoding of U+D800 is not valid UTF-8
        assertFalse(Payload.copyOf(new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }).isText());
    }

    @Test
    void binaryPayloadHasNoNumber() {
        // "2" followed by an invalid byte: never decoded as text, so never a number
        assertFalse(Payload.copyOf(new byte[] { '2', (byte) 0xFF }).number().isPresent());
    }

    @Test
    void textPayloadReadsNumber() {
        assertEquals(21.5, Payload.ofText("21.5").number().getAsDouble(), 0.0);
        assertEquals(3.0, Payload.ofText("{\"temperatur\": 3, \"type\": \"robot front\"}").number().getAsDouble(), 0.0);
        assertFalse(Payload.ofText("abc").number().isPresent());
    }

    @Test
    void toStringShowsText() {
        assertEquals("hello", Payload.ofText("hello").toString());
    }

    @Test
    void emptyPayloadIsEmptyText() {
        assertTrue(Payload.EMPTY.isEmpty());
        assertEquals(0, Payload.EMPTY.size());
        assertEquals(Optional.of(""), Payload.EMPTY.text());
        assertFalse(Payload.EMPTY.number().isPresent());
        assertEquals(Payload.EMPTY, Payload.copyOf(new byte[0]));
    }

    @Test
    void sizeCountsBytesNotCharacters() {
        Payload payload = Payload.ofText("\u00e9");
        assertEquals(2, payload.size());
        assertFalse(payload.isEmpty());
    }

    @Test
    void equalsAndHashCodeAreByContent() {
        Payload a = Payload.copyOf(new byte[] { 1, 2, 3 });
        Payload b = Payload.adopt(new byte[] { 1, 2, 3 });
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(Payload.ofText("x"), Payload.copyOf(new byte[] { 'x' }));
        assertNotEquals(a, Payload.copyOf(new byte[] { 1, 2, 4 }));
        assertNotEquals(a, Payload.copyOf(new byte[] { 1, 2 }));
        assertNotEquals(a, "not a payload");
    }

    @Test
    void copyOfIsDefensive() {
        byte[] source = "21".getBytes(StandardCharsets.UTF_8);
        Payload payload = Payload.copyOf(source);
        source[0] = '9';
        assertArrayEquals(new byte[] { '2', '1' }, payload.toByteArray());
        assertEquals(Optional.of("21"), payload.text());
        assertEquals(21.0, payload.number().getAsDouble(), 0.0);
        assertEquals(Payload.ofText("21"), payload);
    }

    @Test
    void toByteArrayReturnsACopy() {
        Payload payload = Payload.ofText("abc");
        byte[] first = payload.toByteArray();
        first[0] = 'z';
        byte[] second = payload.toByteArray();
        assertNotSame(first, second);
        assertArrayEquals(new byte[] { 'a', 'b', 'c' }, second);
        assertEquals(Optional.of("abc"), payload.text());
    }
}
