package io.leap.server.internal;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import tools.jackson.databind.node.ObjectNode;

/** A Leap token, its persistent subscriptions and its session. Guarded by the hub's lock. */
final class TokenRec {

    final String id;
    ObjectNode state;
    /** Persistent subscriptions: they survive disconnects and apply to every connection of the token. */
    final Set<ChannelRec> subscriptions = new LinkedHashSet<>();
    /** Live, identified connections: the token's session. */
    final Set<Conn> connections = new LinkedHashSet<>();
    /** Whether the session exists: from the first connection until {@code sessionTimeout} after the last one. */
    boolean sessionAlive;

    ScheduledFuture<?> sessionDrop;

    TokenRec(String id, ObjectNode state) {
        this.id = id;
        this.state = state;
    }

    void invalidateChannels() {
        for (ChannelRec c : subscriptions) {
            c.invalidate();
        }
    }
}
