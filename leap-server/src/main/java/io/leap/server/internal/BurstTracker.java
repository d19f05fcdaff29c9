package io.leap.server.internal;

import io.leap.server.BurstReport;
import io.netty.channel.ChannelFutureListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Follows one burst of identical frames to every recipient's socket: {@link Conn#send(Frame)} counts the copies
 * queued per connection, the write promise of each copy counts it as written, and a connection's close future ends
 * its share. Completes {@link #report} once every recipient has had every copy written or has closed.
 */
final class BurstTracker {

    private final String channelId;
    private final String event;
    private final int count;
    private final Map<Conn, Entry> entries = new LinkedHashMap<>();
    private Instant publishedAt;
    private boolean sealed;
    final CompletableFuture<BurstReport> report = new CompletableFuture<>();

    BurstTracker(String channelId, String event, int count) {
        this.channelId = channelId;
        this.event = event;
        this.count = count;
    }

    /** A copy was queued for the connection (called under the hub's lock, from the publishing thread). */
    synchronized void queued(Conn conn) {
        entries.computeIfAbsent(conn, Entry::new).queued++;
    }

    /** A copy's frame was written to the connection's socket (on its event loop). */
    void written(Conn conn) {
        Instant now = Instant.now();
        BurstReport done;
        synchronized (this) {
            Entry e = entries.get(conn);
            if (e == null) {
                return;
            }
            if (e.written++ == 0) {
                e.first = now;
            }
            e.last = now;
            done = completedReport();
        }
        complete(done);
    }

    private void closed(Conn conn) {
        BurstReport done;
        synchronized (this) {
            Entry e = entries.get(conn);
            if (e == null || e.written >= e.queued) {
                return;
            }
            e.closed = true;
            done = completedReport();
        }
        complete(done);
    }

    /** Every copy has been queued: from now on the report completes when the last recipient is done. */
    void seal(Instant publishedAt) {
        List<Conn> recipients;
        BurstReport done;
        synchronized (this) {
            this.publishedAt = publishedAt;
            sealed = true;
            recipients = new ArrayList<>(entries.keySet());
            done = completedReport();
        }
        complete(done);
        // Removed again once the report completes: a long-lived connection must not collect one listener per burst.
        Map<Conn, ChannelFutureListener> listeners = new LinkedHashMap<>();
        for (Conn c : recipients) {
            ChannelFutureListener l = f -> closed(c);
            listeners.put(c, l);
            c.channel.closeFuture().addListener(l);
        }
        report.whenComplete(
                (r, e) -> listeners.forEach((c, l) -> c.channel.closeFuture().removeListener(l)));
    }

    /** The report as it stands; {@code complete} tells whether every recipient is done. */
    synchronized BurstReport snapshot() {
        return report(allDone());
    }

    private boolean allDone() {
        for (Entry e : entries.values()) {
            if (!e.closed && e.written < e.queued) {
                return false;
            }
        }
        return true;
    }

    private BurstReport completedReport() {
        return sealed && !report.isDone() && allDone() ? report(true) : null;
    }

    private BurstReport report(boolean complete) {
        List<BurstReport.Delivery> deliveries = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            deliveries.add(new BurstReport.Delivery(e.conn.cid, e.queued, e.written, e.first, e.last, e.closed));
        }
        return new BurstReport(channelId, event, count, publishedAt, complete, deliveries);
    }

    private void complete(BurstReport done) {
        if (done != null) {
            report.complete(done);
        }
    }

    private static final class Entry {
        final Conn conn;
        int queued;
        int written;
        Instant first;
        Instant last;
        boolean closed;

        Entry(Conn conn) {
            this.conn = conn;
        }
    }
}
