package io.leap.client.internal.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Turns WebSocket messages (text, or binary holding one self-contained zlib stream each) into {@link Envelope}s. Reuses
 * its buffers and its {@link Inflater}; enforces the message size limit (after decompression) so a zip bomb is refused
 * with a clear error. Not thread-safe: one per connection, used by the reading thread only.
 */
public final class FrameDecoder {
    private static final int INITIAL = 16 * 1024;
    /** Buffers above this size are released after use so one huge message does not pin memory forever. */
    private static final int KEEP = 1024 * 1024;

    private final EnvelopeParser parser;
    private final int maxSize;
    private final Inflater inflater = new Inflater();

    private char[] chars = new char[INITIAL];
    private int charLen;
    private boolean textTooLarge;

    private byte[] compressed = new byte[INITIAL];
    private int compressedLen;
    private boolean binaryTooLarge;

    private byte[] inflated = new byte[INITIAL];

    /** UTF-8 text (from transports that pass bytes): fragments, or a copy of a message in a direct buffer. */
    private byte[] utf8 = new byte[INITIAL];

    private int utf8Len;
    private boolean utf8TooLarge;

    public FrameDecoder(EnvelopeParser parser, int maxSize) {
        this.parser = parser;
        this.maxSize = maxSize;
    }

    /**
     * @return the envelope once {@code last} is true, otherwise {@code null}
     * @throws DecodeException if the message is invalid or too large (the decoder stays usable)
     */
    public Envelope onText(CharSequence data, boolean last) {
        int n = data.length();
        if (last && charLen == 0 && !textTooLarge && data instanceof CharBuffer cb && cb.hasArray()) {
            if (n > maxSize) {
                throw new DecodeException(tooLarge(n));
            }
            return parser.parse(cb.array(), cb.arrayOffset() + cb.position(), n);
        }
        if (!textTooLarge) {
            if ((long) charLen + n > maxSize) {
                textTooLarge = true;
                chars = shrink(chars);
            } else {
                ensureChars(charLen + n);
                copy(data, chars, charLen);
                charLen += n;
            }
        }
        if (!last) {
            return null;
        }
        int len = charLen;
        charLen = 0;
        if (textTooLarge) {
            textTooLarge = false;
            throw new DecodeException(tooLarge(maxSize + 1L) + " (text message)");
        }
        try {
            return parser.parse(chars, 0, len);
        } finally {
            if (chars.length > KEEP) {
                chars = new char[INITIAL];
            }
        }
    }

    /**
     * A text message as UTF-8 bytes, parsed without decoding it to characters.
     *
     * @return the envelope once {@code last} is true, otherwise {@code null}
     * @throws DecodeException if the message is invalid or too large (the decoder stays usable)
     */
    public Envelope onTextUtf8(ByteBuffer data, boolean last) {
        int n = data.remaining();
        if (last && utf8Len == 0 && !utf8TooLarge) {
            if (n > maxSize) {
                throw new DecodeException(tooLarge(n));
            }
            if (data.hasArray()) {
                return parser.parse(data.array(), data.arrayOffset() + data.position(), n);
            }
        }
        if (!utf8TooLarge) {
            if ((long) utf8Len + n > maxSize) {
                utf8TooLarge = true;
                utf8 = shrink(utf8);
            } else {
                if (utf8Len + n > utf8.length) {
                    byte[] bigger = new byte[Math.max(utf8Len + n, (int) Math.min(maxSize, utf8.length * 2L))];
                    System.arraycopy(utf8, 0, bigger, 0, utf8Len);
                    utf8 = bigger;
                }
                data.get(data.position(), utf8, utf8Len, n);
                utf8Len += n;
            }
        }
        if (!last) {
            return null;
        }
        int len = utf8Len;
        utf8Len = 0;
        if (utf8TooLarge) {
            utf8TooLarge = false;
            throw new DecodeException(tooLarge(maxSize + 1L) + " (text message)");
        }
        try {
            return parser.parse(utf8, 0, len);
        } finally {
            if (utf8.length > KEEP) {
                utf8 = new byte[INITIAL];
            }
        }
    }

    private static void copy(CharSequence src, char[] dst, int at) {
        if (src instanceof String s) {
            s.getChars(0, s.length(), dst, at);
        } else if (src instanceof CharBuffer cb) {
            cb.duplicate().get(dst, at, cb.remaining());
        } else {
            for (int i = 0, n = src.length(); i < n; i++) {
                dst[at + i] = src.charAt(i);
            }
        }
    }

    /**
     * @return the envelope once {@code last} is true, otherwise {@code null}
     * @throws DecodeException if the message is not a valid zlib stream, is too large, or its JSON is invalid
     */
    public Envelope onBinary(ByteBuffer data, boolean last) {
        if (last && compressedLen == 0 && !binaryTooLarge) {
            inflater.reset();
            inflater.setInput(data);
            return inflateAndParse();
        }
        int n = data.remaining();
        if (!binaryTooLarge) {
            if ((long) compressedLen + n > maxSize) {
                binaryTooLarge = true;
                compressed = shrink(compressed);
            } else {
                ensureCompressed(compressedLen + n);
                data.duplicate().get(compressed, compressedLen, n);
                compressedLen += n;
            }
        }
        if (!last) {
            return null;
        }
        int len = compressedLen;
        compressedLen = 0;
        if (binaryTooLarge) {
            binaryTooLarge = false;
            throw new DecodeException(tooLarge(maxSize + 1L) + " (compressed binary message)");
        }
        try {
            inflater.reset();
            inflater.setInput(compressed, 0, len);
            return inflateAndParse();
        } finally {
            if (compressed.length > KEEP) {
                compressed = new byte[INITIAL];
            }
        }
    }

    private Envelope inflateAndParse() {
        int len = 0;
        try {
            while (true) {
                if (len == inflated.length) {
                    if (len >= maxSize) {
                        throw new DecodeException(tooLarge(maxSize + 1L) + " after zlib decompression");
                    }
                    byte[] bigger = new byte[(int) Math.min(maxSize, (long) len * 2)];
                    System.arraycopy(inflated, 0, bigger, 0, len);
                    inflated = bigger;
                }
                int got = inflater.inflate(inflated, len, inflated.length - len);
                len += got;
                if (inflater.finished()) {
                    break;
                }
                if (got == 0) {
                    if (inflater.needsDictionary()) {
                        throw new DecodeException("invalid zlib stream: preset dictionary required");
                    }
                    if (inflater.needsInput()) {
                        throw new DecodeException("invalid zlib stream: truncated");
                    }
                }
            }
            return parser.parse(inflated, 0, len);
        } catch (DataFormatException e) {
            throw new DecodeException("invalid zlib stream: " + e.getMessage(), e);
        } finally {
            inflater.reset();
            if (inflated.length > KEEP) {
                inflated = new byte[INITIAL];
            }
        }
    }

    private String tooLarge(long size) {
        return "message of " + (size > maxSize ? "more than " + maxSize : String.valueOf(size))
                + " bytes exceeds the limit of " + maxSize + " bytes; skipped";
    }

    private void ensureChars(int needed) {
        if (needed > chars.length) {
            char[] bigger = new char[Math.max(needed, (int) Math.min(maxSize, chars.length * 2L))];
            System.arraycopy(chars, 0, bigger, 0, charLen);
            chars = bigger;
        }
    }

    private void ensureCompressed(int needed) {
        if (needed > compressed.length) {
            byte[] bigger = new byte[Math.max(needed, (int) Math.min(maxSize, compressed.length * 2L))];
            System.arraycopy(compressed, 0, bigger, 0, compressedLen);
            compressed = bigger;
        }
    }

    private static char[] shrink(char[] buf) {
        return buf.length > KEEP ? new char[INITIAL] : buf;
    }

    private static byte[] shrink(byte[] buf) {
        return buf.length > KEEP ? new byte[INITIAL] : buf;
    }

    /** Releases the inflater's native memory. Call once, from the reading thread, when the connection has ended. */
    public void release() {
        inflater.end();
    }
}
