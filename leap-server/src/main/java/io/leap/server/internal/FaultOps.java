package io.leap.server.internal;

import io.leap.server.BurstReport;
import io.leap.server.TaggedHeartbeatReport;
import java.time.Duration;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import tools.jackson.databind.JsonNode;

/**
 * The observable fault-injection operations shared by {@code LeapServer} and the admin HTTP API: tagged heartbeats
 * with a report of the client's answer, heartbeat acks per connection, and bursts with a report of their writes.
 * They live at the connection layer: the only model operation they need is {@link Hub#publishRepeated}.
 */
public final class FaultOps {

    /** The largest burst: the copies share one encoded payload, but each is a queue entry per recipient. */
    public static final int MAX_BURST = 1_000_000;
    /** The longest caller-chosen tag, in characters. */
    public static final int MAX_TAG_LENGTH = 256;

    private final Hub hub;

    /** Operations on the hub's live connections and channels. */
    public FaultOps(Hub hub) {
        this.hub = hub;
    }

    /**
     * Sends op 3 with the tag ({@code null} = a random one as in spec D-13) and reports the client's reply. The report
     * times out after {@code timeout} ({@code null} = the server's tagged-heartbeat timeout), at the latest when the
     * server's own deadline closes the connection with 4007.
     *
     * @throws NoSuchElementException   if the connection is not live
     * @throws IllegalArgumentException for an empty or over-long tag or a non-positive timeout
     */
    public CompletableFuture<TaggedHeartbeatReport> taggedHeartbeat(String cid, String tag, Duration timeout) {
        String t = tag == null ? WsHandler.randomTag() : tag;
        if (t.isEmpty() || t.length() > MAX_TAG_LENGTH) {
            throw new IllegalArgumentException("A heartbeat tag must have 1-" + MAX_TAG_LENGTH
                    + " characters (an empty tag means a plain heartbeat, spec §5.4)");
        }
        Duration limit = hub.config.taggedHeartbeatTimeout();
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("The heartbeat timeout must be positive");
        }
        Duration wait = timeout == null || timeout.compareTo(limit) > 0 ? limit : timeout;
        Conn c = live(cid);
        HeartbeatProbe probe = new HeartbeatProbe(cid, t, wait.toNanos());
        try {
            c.loop.execute(() -> c.wsHandler.sendTaggedHeartbeat(t, probe));
        } catch (RejectedExecutionException e) {
            probe.closed();
        }
        return probe.report;
    }

    /**
     * Turns op 4 acks on or off for one connection. A connection gets acks only while both this switch and the
     * server-wide one are on.
     *
     * @return {@code false} if the connection is not live
     */
    public boolean heartbeatAcks(String cid, boolean enabled) {
        Conn c = hub.findConnection(cid);
        if (c == null) {
            return false;
        }
        c.heartbeatAcks = enabled;
        return true;
    }

    /** Whether the connection gets acks from its own switch; {@code null} if it is not live. */
    public Boolean heartbeatAcks(String cid) {
        Conn c = hub.findConnection(cid);
        return c == null ? null : c.heartbeatAcks;
    }

    /**
     * Publishes {@code count} identical {@code MESSAGE {e: event, d: data}} dispatches to the channel in one block,
     * encoded once, and follows them to every recipient's socket.
     *
     * @throws NoSuchElementException   if the channel does not exist
     * @throws IllegalArgumentException for an invalid event name or count
     */
    public CompletableFuture<BurstReport> publishBurst(String channelId, String event, JsonNode data, int count) {
        return burst(channelId, event, data, count).report;
    }

    BurstTracker burst(String channelId, String event, JsonNode data, int count) {
        Objects.requireNonNull(channelId, "channelId");
        Hub.validateEvent(event);
        if (count < 1 || count > MAX_BURST) {
            throw new IllegalArgumentException("A burst has 1-" + MAX_BURST + " messages");
        }
        BurstTracker tracker = new BurstTracker(channelId, event, count);
        Frame frame = new Frame(Events.userMessage(channelId, "MESSAGE", event, data).json, tracker);
        Instant publishedAt = Instant.now();
        hub.publishRepeated(channelId, frame, count);
        tracker.seal(publishedAt);
        return tracker;
    }

    private Conn live(String cid) {
        Conn c = cid == null ? null : hub.findConnection(cid);
        if (c == null || c.wsHandler == null) {
            throw new NoSuchElementException("No live connection " + cid);
        }
        return c;
    }
}
