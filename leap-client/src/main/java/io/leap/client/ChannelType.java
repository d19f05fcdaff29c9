package io.leap.client;

import java.util.Locale;

/**
 * The access type of a channel (REST spec §5.1).
 */
public enum ChannelType {
    /** A Leap token needs an explicit grant (REST subscribe or a webhook) to subscribe. */
    PRIVATE("private"),
    /** Any Leap token of the project may subscribe. */
    PUBLIC("public"),
    /** Anyone may subscribe, even an anonymous connection without a token. */
    UNPROTECTED("unprotected"),
    /**
     * A type this client version does not know, as read from a response. Never sent: creating a channel with it is
     * refused.
     */
    UNKNOWN("unknown");

    private final String wireValue;

    ChannelType(String wireValue) {
        this.wireValue = wireValue;
    }

    /**
     * Returns the value used on the wire, e.g. {@code "unprotected"}.
     *
     * @return the lower-case wire value
     */
    public String wireValue() {
        return wireValue;
    }

    /**
     * Parses a wire value case-insensitively.
     *
     * @param value the wire value, e.g. {@code "public"}; may be {@code null}
     * @return the matching type, or {@link #UNKNOWN} for {@code null} or an unknown value
     */
    public static ChannelType fromWireValue(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "private" -> PRIVATE;
            case "public" -> PUBLIC;
            case "unprotected" -> UNPROTECTED;
            default -> UNKNOWN;
        };
    }
}
