package io.leap.server.internal;

/** Random Hop-style IDs: a prefix and 24 random bytes in base64url. */
public final class Ids {
    private Ids() {}

    public static String random(String prefix) {
        return Hub.randomId(prefix, 18);
    }
}
