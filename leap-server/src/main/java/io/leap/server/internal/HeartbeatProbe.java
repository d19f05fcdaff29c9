package io.leap.server.internal;

import io.leap.server.TaggedHeartbeatReport;
import io.leap.server.TaggedHeartbeatReport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One tagged heartbeat request whose answer a caller is waiting for. Created by {@link FaultOps}, resolved on the
 * connection's event loop by {@link WsHandler} (reply, timeout) or {@link Conn#onClosed()} (connection gone).
 */
final class HeartbeatProbe {

    final String cid;
    final String tag;
    final long timeoutNanos;
    final CompletableFuture<TaggedHeartbeatReport> report = new CompletableFuture<>();
    private Instant sentAt;
    private long sentNanos;

    HeartbeatProbe(String cid, String tag, long timeoutNanos) {
        this.cid = cid;
        this.tag = tag;
        this.timeoutNanos = timeoutNanos;
    }

    void sent(long nanos) {
        sentNanos = nanos;
        sentAt = Instant.now();
    }

    void answered(long nowNanos) {
        report.complete(new TaggedHeartbeatReport(
                cid, tag, sentAt, Outcome.ANSWERED, Instant.now(), Duration.ofNanos(nowNanos - sentNanos)));
    }

    void timedOut() {
        report.complete(new TaggedHeartbeatReport(cid, tag, sentAt, Outcome.TIMED_OUT, null, null));
    }

    /** The connection closed; a probe that was never sent reports the time it gave up. */
    void closed() {
        report.complete(new TaggedHeartbeatReport(
                cid, tag, sentAt != null ? sentAt : Instant.now(), Outcome.CLOSED, null, null));
    }
}
