package io.leap.server;

import java.util.Locale;

/** The three Hop channel types and who may subscribe to them (protocol spec §7.2). */
public enum ChannelType {
    /** A token needs an explicit grant (REST {@code PUT /v1/channels/{id}/subscribers/{token}}). */
    PRIVATE,
    /** Any Leap token of the project may subscribe; anonymous connections may not. */
    PUBLIC,
    /** Anyone may subscribe, even without a token. */
    UNPROTECTED;

    /** The lower-case name used on the wire and in REST bodies. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name ({@code private}, {@code public}, {@code unprotected}).
     *
     * @throws IllegalArgumentException for any other value
     */
    public static ChannelType fromWireName(String name) {
        for (ChannelType t : values()) {
            if (t.wireName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "Unknown channel type '" + name + "': expected private, public or unprotected");
    }
}
