package io.leap.server.internal;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * One self-contained zlib stream per message (protocol spec §3.3, D-14). Each thread reuses one {@link Deflater} and
 * one {@link Inflater}; nothing is shared between messages.
 */
final class Zlib {

    /**
     * Level 1: for payloads of a few hundred bytes it compresses about as well as the default level at half the cost
     * (most of which is zlib's per-stream reset, paid once per message because streams are self-contained).
     */
    private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED));
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    private Zlib() {
    }

    static byte[] deflate(byte[] input) {
        Deflater deflater = DEFLATER.get();
        deflater.reset();
        deflater.setInput(input);
        deflater.finish();
        byte[] out = SCRATCH.get();
        int length = 0;
        while (!deflater.finished()) {
            if (length == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            length += deflater.deflate(out, length, out.length - length);
        }
        return Arrays.copyOf(out, length);
    }

    /** Thrown when inflated data would exceed the limit. */
    static final class TooLargeException extends Exception {
        private static final long serialVersionUID = 1L;

        TooLargeException() {
            super("inflated payload too large", null, false, false);
        }
    }

    /**
     * Inflates one complete zlib stream.
     *
     * @throws DataFormatException if the data is not a complete zlib stream
     * @throws TooLargeException   if the result would exceed {@code limit} bytes
     */
    static byte[] inflate(byte[] input, int limit) throws DataFormatException, TooLargeException {
        Inflater inflater = INFLATER.get();
        inflater.reset();
        inflater.setInput(input);
        byte[] out = new byte[Math.min(Math.max(input.length * 4, 256), limit + 1)];
        int length = 0;
        while (!inflater.finished()) {
            if (length == out.length) {
                if (out.length > limit) {
                    throw new TooLargeException();
                }
                out = Arrays.copyOf(out, Math.min(out.length * 2, limit + 1));
            }
            int n = inflater.inflate(out, length, out.length - length);
            if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                throw new DataFormatException("truncated zlib stream");
            }
            length += n;
        }
        if (length > limit) {
            throw new TooLargeException();
        }
        if (inflater.getRemaining() > 0) {
            throw new DataFormatException("trailing data after the zlib stream");
        }
        return Arrays.copyOf(out, length);
    }
}
