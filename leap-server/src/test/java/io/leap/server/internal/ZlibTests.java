package io.leap.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every output must be one complete zlib stream that the JDK's zlib inflates back to the input, with nothing after it. */
class ZlibTests {

    private static byte[] inflateWithJdk(byte[] stream) throws DataFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stream);
            byte[] out = new byte[128 * 1024];
            int n = inflater.inflate(out);
            assertThat(inflater.finished()).as("complete stream").isTrue();
            assertThat(inflater.getRemaining()).as("bytes after the stream").isZero();
            return Arrays.copyOf(out, n);
        } finally {
            inflater.end();
        }
    }

    private static byte[] sample(Random random, int n, int kind) {
        byte[] b = new byte[n];
        String json = "{\"op\":0,\"d\":{\"c\":\"game\",\"u\":false,\"e\":\"MESSAGE\",\"d\":[1,2.5,null,true]}}";
        for (int i = 0; i < n; i++) {
            b[i] = switch (kind) {
                case 0 -> (byte) random.nextInt(256); // incompressible
                case 1 -> (byte) ('a' + random.nextInt(3)); // short matches everywhere
                case 2 -> (byte) (i % 251); // long matches, long distances
                case 3 -> (byte) json.charAt((i * 7 + random.nextInt(2)) % json.length());
                default -> (byte) (random.nextInt(8) == 0 ? random.nextInt(256) : 'x'); // runs of 258+
            };
        }
        return b;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void fixedCodeStreamsRoundTripThroughTheJdkInflater(long seed) throws Exception {
        Random random = new Random(seed);
        FixedHuffmanDeflater deflater = new FixedHuffmanDeflater(); // reused: no state may leak between messages
        for (int c = 0; c < 2000; c++) {
            int n = c % 50 == 0 ? random.nextInt(FixedHuffmanDeflater.MAX_INPUT + 1) : random.nextInt(1500);
            byte[] input = sample(random, n, random.nextInt(5));
            byte[] stream = deflater.deflate(input);
            assertThat(inflateWithJdk(stream))
                    .as("seed %d case %d (%d bytes)", seed, c, n)
                    .isEqualTo(input);
            assertThat(stream.length).isLessThanOrEqualTo(n + 11);
            assertThat(stream[0]).isEqualTo((byte) 0x78);
            assertThat(((stream[0] & 0xFF) << 8 | (stream[1] & 0xFF)) % 31).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 5, 257, 258, 259, 1024, 1025, 40_000})
    void edgeSizesRoundTrip(int n) throws Exception {
        byte[] input = sample(new Random(n), n, 4);
        assertThat(inflateWithJdk(Zlib.deflate(input))).isEqualTo(input);
        assertThat(Zlib.inflate(Zlib.deflate(input), n)).isEqualTo(input);
    }

    @ParameterizedTest
    @ValueSource(
            ints = {
                1, 2, 4, 5, 6, 8, 9, 12, 13, 16, 17, 100, 255, 256, 257, 1024, 1025, 4096, 4097, 8192, 8193, 16_384,
                16_385, 24_576, 24_577, 32_767, 32_768, 32_769, 40_000
            })
    void everyDistanceCodeAndTheWindowLimit(int distance) throws Exception {
        // a token, filler that never looks like it, the token again `distance` bytes after the first one
        byte[] token = "Q1W2E3R4T5".getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[distance + token.length];
        Arrays.fill(input, (byte) 'z');
        System.arraycopy(token, 0, input, 0, token.length);
        System.arraycopy(token, 0, input, distance, token.length);
        byte[] stream = new FixedHuffmanDeflater().deflate(input);
        assertThat(inflateWithJdk(stream)).isEqualTo(input); // a match beyond 32 KiB would not inflate
    }

    @Test
    void aTypicalDispatchCompressesAboutAsWellAsZlib() throws Exception {
        byte[] dispatch =
                ("{\"op\":0,\"d\":{\"c\":\"bench\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"CHAT_MESSAGE\","
                                + "\"d\":{\"user\":\"benchmark\",\"text\":\"" + "x".repeat(90)
                                + "\",\"seq\":123456}}}}")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] stream = Zlib.deflate(dispatch);
        assertThat(inflateWithJdk(stream)).isEqualTo(dispatch);
        java.util.zip.Deflater jdk = new java.util.zip.Deflater(1);
        jdk.setInput(dispatch);
        jdk.finish();
        int jdkLength = jdk.deflate(new byte[1024]);
        jdk.end();
        assertThat(stream.length).isLessThanOrEqualTo(jdkLength + jdkLength / 10);
    }

    @Test
    void inputsBeyondOneStoredBlockAreRefused() {
        assertThatThrownBy(() -> new FixedHuffmanDeflater().deflate(new byte[FixedHuffmanDeflater.MAX_INPUT + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
