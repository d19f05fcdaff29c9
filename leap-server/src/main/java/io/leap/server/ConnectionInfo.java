package io.leap.server;

import java.time.Instant;

/**
 * A snapshot of one live socket connection, for tests and fault injection.
 *
 * @param cid         the connection ID ({@code conn_…}) as sent in {@code INIT}
 * @param token       the Leap token the connection identified with, or {@code null} when anonymous or not yet identified
 * @param identified  whether Identify succeeded ({@code INIT} was sent)
 * @param compressed  whether the connection asked for {@code compression=zlib}
 * @param query       the raw query string of the upgrade request ({@code ""} when none)
 * @param connectedAt when the WebSocket upgrade completed
 */
public record ConnectionInfo(
        String cid, String token, boolean identified, boolean compressed, String query, Instant connectedAt) {

    /** Never prints the token: it is a credential. */
    @Override
    public String toString() {
        return "ConnectionInfo[cid=" + cid + ", token=" + (token == null ? "none" : "(hidden)") + ", identified="
                + identified + ", compressed=" + compressed + ", query=" + query + ", connectedAt=" + connectedAt + "]";
    }
}
