package io.leap.server.internal;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * One self-contained zlib stream per message (protocol spec §3.3, D-14); nothing is shared between messages. Payloads
 * of up to {@value #SMALL} bytes (most dispatches) go through {@link FixedHuffmanDeflater}, which avoids zlib's
 * per-stream reset; larger ones through a per-thread {@link Deflater} at level 1, reset for each message. Each thread
 * also reuses one {@link Inflater}.
 */
final class Zlib {

    /** Up to this size the fixed-code encoder is several times faster and within a few per cent of zlib's ratio. */
    static final int SMALL = 1024;

    private static final ThreadLocal<FixedHuffmanDeflater> SMALL_DEFLATER =
            ThreadLocal.withInitial(FixedHuffmanDeflater::new);
    /**
     * Level 1: for payloads of a few KiB it compresses about as well as the default level at half the cost (much of
     * which is zlib's per-stream reset, paid once per message because streams are self-contained).
     */
    private static final ThreadLocal<Deflater> DEFLATER =
            ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED));

    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    private Zlib() {}

    static byte[] deflate(byte[] input) {
        if (input.length <= SMALL) {
            return SMALL_DEFLATER.get().deflate(input);
        }
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
            if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
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
