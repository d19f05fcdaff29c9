package io.leap.server.internal;

import io.leap.server.ChannelType;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** A channel and its subscribers. Guarded by the hub's lock. */
final class ChannelRec {

    final String id;
    final ChannelType type;
    final Instant createdAt = Instant.now();
    ObjectNode state;
    final Set<TokenRec> tokenSubscribers = new LinkedHashSet<>();
    final Set<Conn> anonymousSubscribers = new LinkedHashSet<>();
    private Conn[] recipients;

    ChannelRec(String id, ChannelType type, ObjectNode state) {
        this.id = id;
        this.type = type;
        this.state = state;
    }

    /** Live connections whose session is subscribed, cached until a subscription or connection changes. */
    Conn[] recipients() {
        Conn[] r = recipients;
        if (r == null) {
            Set<Conn> all = new LinkedHashSet<>(anonymousSubscribers);
            for (TokenRec t : tokenSubscribers) {
                all.addAll(t.connections);
            }
            r = all.toArray(new Conn[0]);
            recipients = r;
        }
        return r;
    }

    void invalidate() {
        recipients = null;
    }
}
