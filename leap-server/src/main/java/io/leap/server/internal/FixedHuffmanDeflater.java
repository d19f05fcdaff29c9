package io.leap.server.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A small, fast zlib encoder for short payloads: one complete zlib stream (RFC 1950) holding a single final DEFLATE
 * block (RFC 1951) with the fixed Huffman codes of §3.2.6 and greedy LZ77 matches found through a one-way hash table.
 * Incompressible input falls back to a stored block, so the output is never more than 11 bytes longer than the input.
 *
 * <p>Why not {@link java.util.zip.Deflater}: every message must be its own stream (protocol spec §3.3, D-14), and zlib's
 * per-stream reset clears a 64 KiB hash table (memory level 8, which the JDK does not let us lower), so for a 200-byte
 * dispatch the reset and the JNI round trip cost several times more than compressing the bytes. This encoder's table
 * is never cleared between messages: entries carry a moving base, and those from earlier inputs fall below it.
 * The price is a somewhat lower ratio than zlib's dynamic Huffman codes, which matters little for short payloads.
 *
 * <p>Not thread-safe: use one instance per thread.
 */
final class FixedHuffmanDeflater {

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int HASH_BITS = 12;
    private static final int MIN_MATCH = 4; // DEFLATE allows 3; 4 hashes one int and rarely loses anything on JSON
    private static final int MAX_MATCH = 258;
    private static final int WINDOW = 32 * 1024;
    /** Inputs up to this size take one stored block if compression does not pay. */
    static final int MAX_INPUT = 65_535;

    // Fixed literal/length codes, already bit-reversed for the LSB-first bit writer, and their lengths.
    private static final int[] LIT_CODE = new int[288];
    private static final int[] LIT_BITS = new int[288];
    /** The same, packed as {@code code | bits << 16} for the hot loop. */
    private static final int[] LIT = new int[288];

    private static final int[] DIST_CODE = new int[30];
    // Length 3..258 -> symbol, extra-bit count and extra-bit value.
    private static final int[] LEN_SYMBOL = new int[MAX_MATCH + 1];
    private static final int[] LEN_EXTRA_BITS = new int[MAX_MATCH + 1];
    private static final int[] LEN_EXTRA = new int[MAX_MATCH + 1];
    private static final int[] DIST_BASE = {
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577
    };
    private static final int[] DIST_EXTRA_BITS = {
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
    };

    static {
        for (int sym = 0; sym < 288; sym++) {
            int code;
            int bits;
            if (sym < 144) {
                code = 0x30 + sym;
                bits = 8;
            } else if (sym < 256) {
                code = 0x190 + sym - 144;
                bits = 9;
            } else if (sym < 280) {
                code = sym - 256;
                bits = 7;
            } else {
                code = 0xC0 + sym - 280;
                bits = 8;
            }
            LIT_CODE[sym] = reverse(code, bits);
            LIT_BITS[sym] = bits;
            LIT[sym] = LIT_CODE[sym] | bits << 16;
        }
        for (int d = 0; d < 30; d++) {
            DIST_CODE[d] = reverse(d, 5);
        }
        int[] lenBase = {
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
            227, 258
        };
        int[] lenExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
        for (int code = 0; code < lenBase.length; code++) {
            int last = code + 1 < lenBase.length ? lenBase[code + 1] - 1 : 258;
            if (code == lenBase.length - 2) {
                last = 257; // 258 has its own symbol (285) even though code 284's extra bits could reach it
            }
            for (int len = lenBase[code]; len <= last; len++) {
                LEN_SYMBOL[len] = 257 + code;
                LEN_EXTRA_BITS[len] = lenExtra[code];
                LEN_EXTRA[len] = len - lenBase[code];
            }
        }
    }

    private static int reverse(int code, int bits) {
        return Integer.reverse(code) >>> (32 - bits);
    }

    private final int[] table = new int[1 << HASH_BITS];
    /** Added to every position stored in {@link #table}; grows with each input so older entries are recognisable. */
    private int base = 1;

    private byte[] out;
    private int outPos;
    private long bitBuf;
    private int bitCount;

    /**
     * Compresses {@code input} (at most {@link #MAX_INPUT} bytes) into one zlib stream.
     *
     * @return a new array holding exactly the stream
     */
    byte[] deflate(byte[] input) {
        int n = input.length;
        if (n > MAX_INPUT) {
            throw new IllegalArgumentException("input of " + n + " bytes exceeds " + MAX_INPUT);
        }
        if (base > Integer.MAX_VALUE - MAX_INPUT - 2) {
            Arrays.fill(table, 0);
            base = 1;
        }
        int storedLength = n + 11; // header 2 + stored block header 5 + Adler-32 4
        // Fixed codes take at most 9 bits per input byte (a literal; a match of >= 4 bytes takes <= 31 bits), plus
        // 3 header and 7 end-of-block bits: n + n/8 + 2 bytes at most, and writeBits stores whole 32-bit words.
        out = new byte[n + (n >>> 3) + 16];
        out[0] = 0x78; // CM 8 (deflate), CINFO 7 (32 KiB window)
        out[1] = 0x01; // FLEVEL 0 (fastest), FCHECK so that 0x7801 % 31 == 0
        outPos = 2;
        bitBuf = 0;
        bitCount = 0;
        writeBits(0b011, 3); // BFINAL = 1, BTYPE = 01 (fixed Huffman)
        compress(input, n);
        writeBits(LIT_CODE[256], LIT_BITS[256]); // end of block
        flushBits();
        base += n + 1;
        byte[] result;
        if (outPos + 4 > storedLength) {
            result = stored(input);
        } else {
            writeAdler(input);
            result = Arrays.copyOf(out, outPos);
        }
        out = null;
        return result;
    }

    /** The hot loop keeps the bit writer in locals; a flush stores one little-endian 32-bit word. */
    private void compress(byte[] in, int n) {
        int[] t = table;
        int b = base;
        byte[] o = out;
        int op = outPos;
        long bb = bitBuf;
        int bc = bitCount;
        int i = 0;
        int lastMatchStart = n - MIN_MATCH; // no match can start after this
        while (i < n) {
            int len = 0;
            int candidate = 0;
            if (i <= lastMatchStart) {
                int h = hash(in, i);
                candidate = t[h] - b;
                t[h] = i + b;
                if (candidate >= 0 && i - candidate <= WINDOW && readInt(in, candidate) == readInt(in, i)) {
                    len = MIN_MATCH;
                    int max = Math.min(MAX_MATCH, n - i);
                    while (len < max && in[candidate + len] == in[i + len]) {
                        len++;
                    }
                }
            }
            if (len == 0) {
                int lit = LIT[in[i] & 0xFF];
                bb |= (long) (lit & 0xFFFF) << bc;
                bc += lit >>> 16;
                i++;
            } else {
                // length code (<= 8 bits) + extra (<= 5) + distance code (5) + extra (<= 13) = 31 bits at most,
                // which fit in the 64-bit buffer on top of the < 32 bits already there
                int distance = i - candidate;
                int lit = LIT[LEN_SYMBOL[len]];
                bb |= (long) (lit & 0xFFFF) << bc;
                bc += lit >>> 16;
                bb |= (long) LEN_EXTRA[len] << bc;
                bc += LEN_EXTRA_BITS[len];
                int d = distanceCode(distance);
                bb |= (long) DIST_CODE[d] << bc;
                bc += 5;
                bb |= (long) (distance - DIST_BASE[d]) << bc;
                bc += DIST_EXTRA_BITS[d];
                int end = i + len;
                // index the positions inside the match too (cheap for short inputs, helps repeated JSON keys)
                for (int j = i + 1; j < end && j <= lastMatchStart; j++) {
                    t[hash(in, j)] = j + b;
                }
                i = end;
            }
            if (bc >= 32) {
                o[op] = (byte) bb;
                o[op + 1] = (byte) (bb >>> 8);
                o[op + 2] = (byte) (bb >>> 16);
                o[op + 3] = (byte) (bb >>> 24);
                op += 4;
                bb >>>= 32;
                bc -= 32;
            }
        }
        outPos = op;
        bitBuf = bb;
        bitCount = bc;
    }

    private static int readInt(byte[] in, int i) {
        return (int) INT_LE.get(in, i);
    }

    private static int hash(byte[] in, int i) {
        return (readInt(in, i) * 0x9E3779B1) >>> (32 - HASH_BITS);
    }

    private static int distanceCode(int distance) {
        if (distance <= 4) {
            return distance - 1;
        }
        // codes come in pairs per power of two: 2 * (floor(log2(d - 1))) plus the next bit below the top one
        int d = distance - 1;
        int top = 31 - Integer.numberOfLeadingZeros(d);
        return 2 * top + ((d >>> (top - 1)) & 1);
    }

    private void writeBits(int value, int bits) {
        bitBuf |= (long) value << bitCount;
        bitCount += bits;
        if (bitCount >= 32) {
            byte[] o = out;
            int p = outPos;
            o[p] = (byte) bitBuf;
            o[p + 1] = (byte) (bitBuf >>> 8);
            o[p + 2] = (byte) (bitBuf >>> 16);
            o[p + 3] = (byte) (bitBuf >>> 24);
            outPos = p + 4;
            bitBuf >>>= 32;
            bitCount -= 32;
        }
    }

    private void flushBits() {
        while (bitCount > 0) {
            out[outPos++] = (byte) bitBuf;
            bitBuf >>>= 8;
            bitCount -= 8;
        }
        bitCount = 0;
        bitBuf = 0;
    }

    /** The same stream with one stored block, for input that fixed codes would expand. */
    private byte[] stored(byte[] input) {
        int n = input.length;
        out = new byte[n + 11];
        out[0] = 0x78;
        out[1] = 0x01;
        out[2] = 0x01; // BFINAL = 1, BTYPE = 00, padded to the byte boundary
        out[3] = (byte) n;
        out[4] = (byte) (n >>> 8);
        out[5] = (byte) ~n;
        out[6] = (byte) (~n >>> 8);
        System.arraycopy(input, 0, out, 7, n);
        outPos = 7 + n;
        writeAdler(input);
        return out;
    }

    private void writeAdler(byte[] input) {
        int a = 1;
        int b = 0;
        int i = 0;
        int n = input.length;
        while (i < n) {
            int end = Math.min(n, i + 3800); // longest run whose sums stay below 2^31 before the modulo
            for (; i < end; i++) {
                a += input[i] & 0xFF;
                b += a;
            }
            a %= 65521;
            b %= 65521;
        }
        int adler = b << 16 | a;
        out[outPos++] = (byte) (adler >>> 24);
        out[outPos++] = (byte) (adler >>> 16);
        out[outPos++] = (byte) (adler >>> 8);
        out[outPos++] = (byte) adler;
    }
}
