package io.leap.client.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link EnvelopeParser}: a hand-written, single-pass scanner for the frames that make up nearly all
 * traffic, op-0 dispatches. It reads the envelope ({@code op}, {@code c}, {@code u}, {@code e}, a message's nested
 * {@code e}), validates the JSON syntax of everything else without building tokens, and slices the user's data out as
 * raw JSON.
 *
 * <p>It only ever <em>accepts</em> what Jackson's parser would accept with the same result; for everything else
 * (other opcodes, escapes in the fields it extracts, duplicate envelope fields, very deep nesting, very long numbers,
 * any syntax or UTF-8 error) it answers {@code null} and the caller falls back to the Jackson-based parser, which has
 * the final word and the error messages. Works over UTF-8 bytes or over chars (text frames a transport has already
 * decoded) without converting between them. Not thread-safe: one per connection, used by the reading thread only.
 */
public final class EnvelopeScanner {

    /** Containers nested deeper than this inside a value are left to Jackson (whose own limit is higher). */
    public static final int MAX_DEPTH = 256;
    /** Numbers longer than this are left to Jackson (whose own limit is higher). */
    private static final int MAX_NUMBER_LENGTH = 100;

    private static final int END = -1;

    private static final byte QUOTE = 1;
    private static final byte BACKSLASH = 2;
    private static final byte CONTROL = 3;
    private static final byte NON_ASCII = 4;
    /** What a byte (or a char below 0x80) means inside a string: 0 = ordinary. */
    private static final byte[] STRING_STOP = new byte[256];

    static {
        for (int c = 0; c < 0x20; c++) {
            STRING_STOP[c] = CONTROL;
        }
        STRING_STOP['"'] = QUOTE;
        STRING_STOP['\\'] = BACKSLASH;
        for (int c = 0x80; c < 0x100; c++) {
            STRING_STOP[c] = NON_ASCII;
        }
    }

    private final boolean[] objectStack = new boolean[MAX_DEPTH];
    private final Envelope env = new Envelope();
    private final StringCache channels = new StringCache();
    private final StringCache events = new StringCache();
    private final StringCache messageEvents = new StringCache();

    private byte[] bytes;
    private char[] chars;
    private int end;
    /** The value parsed by {@link #string(int, StringCache)}; {@code null} if it needs the slow path. */
    private String lastString;
    /** Set by {@link #stringEnd}: the string had only ASCII characters. */
    private boolean ascii;

    /**
     * @return the envelope (the same instance, reset, on every call: use it before the next call), or {@code null} to
     *         let the Jackson parser decide
     */
    public Envelope scan(byte[] buf, int off, int len) {
        bytes = buf;
        chars = null;
        try {
            return scan(off, off + len);
        } finally {
            bytes = null;
        }
    }

    /** @see #scan(byte[], int, int) */
    public Envelope scan(char[] buf, int off, int len) {
        chars = buf;
        bytes = null;
        try {
            return scan(off, off + len);
        } finally {
            chars = null;
        }
    }

    private int at(int i) {
        if (i >= end) {
            return END;
        }
        byte[] b = bytes;
        return b != null ? b[i] & 0xFF : chars[i];
    }

    private int ws(int i) {
        while (true) {
            int c = at(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return i;
            }
            i++;
        }
    }

    private Envelope scan(int from, int to) {
        end = to;
        Envelope e = env;
        e.reset();
        int i = ws(from);
        if (at(i) != '{') {
            return null;
        }
        i = ws(i + 1);
        if (at(i) != '"') {
            return null; // empty object, or invalid
        }
        boolean opSeen = false;
        int deferred = -1;
        boolean dSeen = false;
        while (true) {
            int keyStart = i + 1;
            i = key(i);
            if (i < 0) {
                return null;
            }
            int keyLen = i - keyStart - 1;
            i = colon(i);
            if (i < 0) {
                return null;
            }
            if (keyLen == 2 && at(keyStart) == 'o' && at(keyStart + 1) == 'p') {
                // Only "op":0 is handled here; everything else is rare and goes through Jackson.
                if (opSeen || at(i) != '0') {
                    return null;
                }
                opSeen = true;
                e.op = 0;
                i++;
            } else if (keyLen == 1 && at(keyStart) == 'd') {
                if (dSeen) {
                    return null;
                }
                dSeen = true;
                if (opSeen) {
                    i = topData(i);
                } else {
                    deferred = i;
                    i = skipValue(i);
                }
            } else {
                i = skipValue(i);
            }
            if (i < 0) {
                return null;
            }
            i = ws(i);
            int c = at(i);
            if (c == ',') {
                i = ws(i + 1);
                continue;
            }
            if (c == '}') {
                break;
            }
            return null;
        }
        // Like the Jackson parser, anything after the closing brace is ignored.
        if (!opSeen) {
            return null;
        }
        if (deferred >= 0 && topData(deferred) < 0) {
            return null;
        }
        return e;
    }

    /** The top-level {@code d} of a dispatch, at {@code i}; returns the index after it or -1. */
    private int topData(int i) {
        if (at(i) == '{') {
            return dispatch(i);
        }
        env.badData = true;
        return skipValue(i);
    }

    /** Parses a dispatch's {@code {c, u, e, d}} object at {@code i}. */
    private int dispatch(int i) {
        Envelope e = env;
        i = ws(i + 1);
        int c = at(i);
        if (c == '}') {
            return i + 1;
        }
        int dataStart = -1;
        int dataEnd = -1;
        int seen = 0;
        while (true) {
            if (c != '"') {
                return -1;
            }
            int keyStart = i + 1;
            i = key(i);
            if (i < 0) {
                return -1;
            }
            int keyLen = i - keyStart - 1;
            i = colon(i);
            if (i < 0) {
                return -1;
            }
            int k = keyLen == 1 ? at(keyStart) : 0;
            int bit = k == 'c' ? 1 : k == 'u' ? 2 : k == 'e' ? 4 : k == 'd' ? 8 : 0;
            if ((seen & bit) != 0) {
                return -1;
            }
            seen |= bit;
            switch (bit) {
                case 1 -> {
                    if (at(i) == '"') {
                        i = string(i, channels);
                        e.channel = lastString;
                        if (lastString == null) {
                            return -1;
                        }
                    } else {
                        e.channel = null;
                        i = skipValue(i);
                    }
                }
                case 2 -> {
                    e.unicast = at(i) == 't';
                    i = skipValue(i);
                }
                case 4 -> {
                    if (at(i) == '"') {
                        i = string(i, events);
                        e.event = lastString;
                        if (lastString == null) {
                            return -1;
                        }
                    } else {
                        e.event = null;
                        i = skipValue(i);
                    }
                }
                case 8 -> {
                    if (at(i) == '{' && e.event != null && Envelope.isMessage(e.event)) {
                        i = message(i);
                    } else {
                        dataStart = i;
                        i = skipValue(i);
                        dataEnd = i;
                    }
                }
                default -> i = skipValue(i);
            }
            if (i < 0) {
                return -1;
            }
            i = ws(i);
            c = at(i);
            if (c == ',') {
                i = ws(i + 1);
                c = at(i);
                continue;
            }
            if (c == '}') {
                break;
            }
            return -1;
        }
        int after = i + 1;
        if (dataStart >= 0) {
            if (e.event != null && Envelope.isMessage(e.event)) {
                if (at(dataStart) == '{') {
                    if (message(dataStart) < 0) {
                        return -1;
                    }
                } else {
                    e.badData = true;
                }
            } else {
                e.data = slice(dataStart, dataEnd);
            }
        }
        return after;
    }

    /** Parses a message's {@code {e, d}} object at {@code i}. */
    private int message(int i) {
        Envelope e = env;
        i = ws(i + 1);
        int c = at(i);
        int seen = 0;
        if (c != '}') {
            while (true) {
                if (c != '"') {
                    return -1;
                }
                int keyStart = i + 1;
                i = key(i);
                if (i < 0) {
                    return -1;
                }
                int keyLen = i - keyStart - 1;
                i = colon(i);
                if (i < 0) {
                    return -1;
                }
                int k = keyLen == 1 ? at(keyStart) : 0;
                if (k == 'e') {
                    if ((seen & 1) != 0) {
                        return -1;
                    }
                    seen |= 1;
                    if (at(i) == '"') {
                        i = string(i, messageEvents);
                        e.messageEvent = lastString;
                        if (lastString == null) {
                            return -1;
                        }
                    } else {
                        e.messageEvent = null;
                        i = skipValue(i);
                    }
                } else if (k == 'd') {
                    if ((seen & 2) != 0) {
                        return -1;
                    }
                    seen |= 2;
                    int s = i;
                    i = skipValue(i);
                    if (i < 0) {
                        return -1;
                    }
                    e.messageData = slice(s, i);
                } else {
                    i = skipValue(i);
                }
                if (i < 0) {
                    return -1;
                }
                i = ws(i);
                c = at(i);
                if (c == ',') {
                    i = ws(i + 1);
                    c = at(i);
                    continue;
                }
                if (c == '}') {
                    break;
                }
                return -1;
            }
        }
        e.messageParsed = true;
        return i + 1;
    }

    private RawJson slice(int from, int to) {
        return bytes != null ? RawJson.of(bytes, from, to) : RawJson.of(chars, from, to);
    }

    /** A property name at {@code i} (which must be a quote) without escapes; returns the index after its closing quote. */
    private int key(int i) {
        if (at(i) != '"') {
            return -1;
        }
        // An escape could spell "op": Jackson decides.
        return stringEnd(i + 1, false);
    }

    /**
     * The end of a string whose opening quote is before {@code i}: the index after the closing quote, or -1 at the end
     * of input, at an unescaped control character, at invalid UTF-8 (bytes), at an invalid escape, or at any escape if
     * {@code escapes} is false. Sets {@link #ascii}.
     */
    private int stringEnd(int i, boolean escapes) {
        ascii = true;
        return bytes != null ? stringEndBytes(bytes, i, escapes) : stringEndChars(chars, i, escapes);
    }

    private int stringEndBytes(byte[] b, int i, boolean escapes) {
        int n = end;
        byte[] stop = STRING_STOP;
        while (i < n) {
            int c = b[i] & 0xFF;
            int k = stop[c];
            if (k == 0) {
                i++;
            } else if (k == QUOTE) {
                return i + 1;
            } else if (k == BACKSLASH) {
                if (!escapes) {
                    return -1;
                }
                i = escape(i);
                if (i < 0) {
                    return -1;
                }
            } else if (k == NON_ASCII) {
                ascii = false;
                i = utf8(i, c);
                if (i < 0) {
                    return -1;
                }
            } else {
                return -1; // control character
            }
        }
        return -1;
    }

    private int stringEndChars(char[] b, int i, boolean escapes) {
        int n = end;
        byte[] stop = STRING_STOP;
        while (i < n) {
            char c = b[i];
            int k = c < 0x80 ? stop[c] : NON_ASCII;
            if (k == 0) {
                i++;
            } else if (k == QUOTE) {
                return i + 1;
            } else if (k == BACKSLASH) {
                if (!escapes) {
                    return -1;
                }
                i = escape(i);
                if (i < 0) {
                    return -1;
                }
            } else if (k == NON_ASCII) {
                ascii = false; // characters: nothing to validate
                i++;
            } else {
                return -1;
            }
        }
        return -1;
    }

    /** The escape sequence at {@code i} (a backslash); returns the index after it or -1. */
    private int escape(int i) {
        switch (at(i + 1)) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 2;
            }
            case 'u' -> {
                return hex(at(i + 2)) && hex(at(i + 3)) && hex(at(i + 4)) && hex(at(i + 5)) ? i + 6 : -1;
            }
            default -> {
                return -1;
            }
        }
    }

    /** After a property name: whitespace, colon, whitespace; returns the index of the value or -1. */
    private int colon(int i) {
        i = ws(i);
        if (at(i) != ':') {
            return -1;
        }
        return ws(i + 1);
    }

    /**
     * A string value at {@code i} (a quote): sets {@link #lastString} (cached per field) or leaves it {@code null} if
     * it contains escapes or is invalid.
     */
    private int string(int i, StringCache cache) {
        lastString = null;
        int start = i + 1;
        int after = stringEnd(start, false);
        if (after < 0) {
            return -1;
        }
        int len = after - 1 - start;
        if (bytes != null) {
            lastString = ascii ? cache.ascii(bytes, start, len) : new String(bytes, start, len, StandardCharsets.UTF_8);
        } else {
            lastString = cache.chars(chars, start, len);
        }
        return after;
    }

    /** Skips any JSON value at {@code i}, validating it; returns the index after it or -1. */
    private int skipValue(int i) {
        int c = at(i);
        if (c == '{' || c == '[') {
            return skipContainer(i);
        }
        return skipScalar(i, c);
    }

    private int skipScalar(int i, int c) {
        switch (c) {
            case '"':
                return skipString(i);
            case 't':
                return at(i + 1) == 'r' && at(i + 2) == 'u' && at(i + 3) == 'e' ? i + 4 : -1;
            case 'f':
                return at(i + 1) == 'a' && at(i + 2) == 'l' && at(i + 3) == 's' && at(i + 4) == 'e' ? i + 5 : -1;
            case 'n':
                return at(i + 1) == 'u' && at(i + 2) == 'l' && at(i + 3) == 'l' ? i + 4 : -1;
            default:
                return c == '-' || (c >= '0' && c <= '9') ? skipNumber(i) : -1;
        }
    }

    /** RFC 8259 number grammar, as strict as Jackson's defaults (no leading zeros, no bare fraction or exponent). */
    private int skipNumber(int i) {
        int start = i;
        if (at(i) == '-') {
            i++;
        }
        int c = at(i);
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            do {
                i++;
                c = at(i);
            } while (c >= '0' && c <= '9');
        } else {
            return -1;
        }
        if (at(i) == '.') {
            i++;
            c = at(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            do {
                i++;
                c = at(i);
            } while (c >= '0' && c <= '9');
        }
        c = at(i);
        if (c == 'e' || c == 'E') {
            i++;
            c = at(i);
            if (c == '+' || c == '-') {
                i++;
                c = at(i);
            }
            if (c < '0' || c > '9') {
                return -1;
            }
            do {
                i++;
                c = at(i);
            } while (c >= '0' && c <= '9');
        }
        if (i - start > MAX_NUMBER_LENGTH) {
            return -1;
        }
        // The caller checks that a delimiter follows ("12x" is invalid).
        return i;
    }

    private int skipString(int i) {
        return stringEnd(i + 1, true);
    }

    private static boolean hex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Validates the UTF-8 sequence whose lead byte {@code c} is at {@code i}; returns the index after it or -1. */
    private int utf8(int i, int c) {
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0) {
                lo = 0xA0; // no overlong forms
            } else if (c == 0xED) {
                hi = 0x9F; // no surrogates
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0) {
                lo = 0x90;
            } else if (c == 0xF4) {
                hi = 0x8F; // not above U+10FFFF
            }
        } else {
            return -1;
        }
        int b = at(i + 1);
        if (b < lo || b > hi) {
            return -1;
        }
        for (int k = 2; k <= n; k++) {
            b = at(i + k);
            if (b < 0x80 || b > 0xBF) {
                return -1;
            }
        }
        return i + n + 1;
    }

    /** Skips an object or array at {@code i} without recursion; returns the index after it or -1. */
    private int skipContainer(int i) {
        boolean[] stack = objectStack;
        int depth = 0;
        outer:
        while (true) {
            int c = at(i);
            if (c == '{' || c == '[') {
                if (depth == MAX_DEPTH) {
                    return -1;
                }
                boolean object = c == '{';
                stack[depth++] = object;
                i = ws(i + 1);
                c = at(i);
                if (c == (object ? '}' : ']')) {
                    i++;
                    depth--;
                } else {
                    if (object) {
                        i = key(i);
                        if (i < 0) {
                            return -1;
                        }
                        i = colon(i);
                        if (i < 0) {
                            return -1;
                        }
                    }
                    continue;
                }
            } else {
                i = skipScalar(i, c);
                if (i < 0) {
                    return -1;
                }
            }
            // After a value inside the container at depth - 1.
            while (true) {
                if (depth == 0) {
                    return i;
                }
                i = ws(i);
                c = at(i);
                boolean object = stack[depth - 1];
                if (c == ',') {
                    i = ws(i + 1);
                    if (object) {
                        i = key(i);
                        if (i < 0) {
                            return -1;
                        }
                        i = colon(i);
                        if (i < 0) {
                            return -1;
                        }
                    }
                    continue outer;
                }
                if (c == (object ? '}' : ']')) {
                    i++;
                    depth--;
                    continue;
                }
                return -1;
            }
        }
    }

    /**
     * Remembers the last value of one envelope field, so a stream of messages on the same channel and event does not
     * allocate a new string for each.
     */
    static final class StringCache {
        /** The last value; {@code lastBytes} / {@code lastChars} are its ASCII bytes / chars, or null if not known. */
        private String last = "";

        private byte[] lastBytes = new byte[0];
        private char[] lastChars = new char[0];

        /** @param b ASCII bytes */
        String ascii(byte[] b, int start, int len) {
            byte[] prev = lastBytes;
            if (prev != null) {
                if (prev.length == len && Arrays.equals(b, start, start + len, prev, 0, len)) {
                    return last;
                }
            } else if (sameAsLast(b, start, len)) {
                lastBytes = Arrays.copyOfRange(b, start, start + len);
                return last;
            }
            byte[] copy = Arrays.copyOfRange(b, start, start + len);
            last = new String(copy, StandardCharsets.ISO_8859_1);
            lastBytes = copy;
            lastChars = null;
            return last;
        }

        String chars(char[] c, int start, int len) {
            char[] prev = lastChars;
            if (prev != null) {
                if (prev.length == len && Arrays.equals(c, start, start + len, prev, 0, len)) {
                    return last;
                }
            } else if (sameAsLast(c, start, len)) {
                lastChars = Arrays.copyOfRange(c, start, start + len);
                return last;
            }
            char[] copy = Arrays.copyOfRange(c, start, start + len);
            last = new String(copy);
            lastChars = copy;
            lastBytes = null;
            return last;
        }

        private boolean sameAsLast(byte[] b, int start, int len) {
            String s = last;
            if (s.length() != len) {
                return false;
            }
            for (int k = 0; k < len; k++) {
                if (s.charAt(k) != (b[start + k] & 0xFF)) {
                    return false;
                }
            }
            return true;
        }

        private boolean sameAsLast(char[] c, int start, int len) {
            String s = last;
            if (s.length() != len) {
                return false;
            }
            for (int k = 0; k < len; k++) {
                if (s.charAt(k) != c[start + k]) {
                    return false;
                }
            }
            return true;
        }
    }
}
