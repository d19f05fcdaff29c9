package io.leap.client.rest;

import io.leap.client.internal.Redaction;
import java.util.Objects;

/**
 * A Leap token as returned by the REST API (REST spec §5.3).
 *
 * <p>The token ID is also the secret a socket client presents when it identifies, so {@link #toString()} never
 * shows it.
 *
 * @param id        the token, {@code leap_token_...}; a secret
 * @param state     the token's metadata (shown to the socket client as {@code INIT.metadata}), never {@code null}
 * @param projectId the project ID, or {@code null} if the response lacks it
 * @param online    {@code true} while at least one socket connection identified with this token is open
 */
public record LeapToken(String id, LeapState state, String projectId, boolean online) {

    /**
     * Validates the components.
     *
     * @param id see the record component
     * @param state see the record component
     * @param projectId see the record component
     * @param online see the record component
     * @throws NullPointerException if {@code id} or {@code state} is {@code null}
     */
    public LeapToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
    }

    /** Describes the token without its secret ID. */
    @Override
    public String toString() {
        return "LeapToken[id=" + Redaction.redactSecret(id) + ", state=" + state + ", projectId=" + projectId
                + ", online=" + online + "]";
    }
}
