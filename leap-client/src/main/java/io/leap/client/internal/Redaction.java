package io.leap.client.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials and Leap tokens out of messages, logs, {@code toString()} and health details: the one redaction
 * of the project, used by the socket client, the REST client and the Spring layer.
 */
public final class Redaction {

    /**
     * Anything that looks like a credential or a Leap token: a known prefix not preceded by a letter or digit (so a
     * token glued to a word by {@code _}, as in {@code bad_leap_token_x}, is found too).
     */
    private static final Pattern SECRET =
            Pattern.compile("(?<![A-Za-z0-9])(leap_token_|ptk_|pat_|bearer_)[^\\s\"',;/?&#)\\]}]+");

    /**
     * An HTTP-style credential after its scheme, e.g. {@code Bearer abc.def} from a quoted {@code Authorization} header (any
     * case); the value is masked whatever its shape.
     */
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)\\b(bearer)(\\s+)(?!\\*\\*\\*)[^\\s\"',;]+");

    private Redaction() {}

    /**
     * Redacts one secret, keeping only its kind, e.g. {@code leap_token_***}.
     */
    public static String redactSecret(String secret) {
        if (secret == null) {
            return "null";
        }
        Matcher m = SECRET.matcher(secret);
        if (m.lookingAt()) {
            return m.group(1) + "***";
        }
        return "***";
    }

    /**
     * Redacts, in a free text such as a server's error message, the given secrets and anything that looks like a
     * credential or a Leap token.
     */
    public static String redactText(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                out = out.replace(secret, redactSecret(secret));
            }
        }
        out = SECRET.matcher(out).replaceAll("$1***");
        return AUTHORIZATION.matcher(out).replaceAll("$1$2***");
    }
}
