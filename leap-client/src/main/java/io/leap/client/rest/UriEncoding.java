package io.leap.client.rest;

import java.nio.charset.StandardCharsets;

/** RFC 3986 percent-encoding of path segments and query components. */
final class UriEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriEncoding() {}

    /**
     * Encodes every byte of the UTF-8 form except the unreserved characters {@code A-Z a-z 0-9 - . _ ~}, so the
     * result is safe as one path segment or one query name or value ({@code /}, {@code ?}, {@code %}, {@code +},
     * space and so on are all encoded).
     */
    static String encode(String value) {
        if (!value.isEmpty() && value.chars().allMatch(ch -> ch == '.')) {
            // "." and ".." would be read as dot-segments by path normalisers; "%2E" is not.
            return "%2E".repeat(value.length());
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }
}
