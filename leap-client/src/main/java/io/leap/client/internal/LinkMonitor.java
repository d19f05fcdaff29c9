package io.leap.client.internal;

import io.leap.client.LeapTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Watches one connection's link: sends a heartbeat every {@code heartbeat_interval} (protocol spec §6), declares the
 * link dead when an ack is overdue or nothing at all was read for {@code heartbeat_interval} plus a grace period.
 * Driven by a {@link Scheduler} (a fake clock in tests). {@link #onRead()} and {@link #onAck()} run on the reading
 * thread, {@link #tick()} on the scheduler.
 *
 * <p>An ack queued behind a backlog of data is late, not lost: while frames keep arriving the link is alive, so the
 * ack deadline runs from the later of the heartbeat and the last frame read. While delivery is paused (a listener's
 * full {@code BLOCK} buffer stopped reading) nothing is timed; on resume the clocks restart.
 */
final class LinkMonitor {

    /** What the monitor asks of its connection. */
    interface Link {
        /** Sends {@code {"op":3}}. */
        void sendHeartbeat();

        /** The link is dead: close it and reconnect. Called at most once. */
        void dead(LeapTimeoutException reason);
    }

    /** Default ack timeout cap: {@code min(heartbeat_interval, 10 s)}. */
    static final long MAX_ACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Upper bound for the Hello's heartbeat_interval (one day), so deadline arithmetic cannot overflow. */
    static final long MAX_HEARTBEAT_INTERVAL_MS = TimeUnit.DAYS.toMillis(1);

    private final Scheduler scheduler;
    private final Duration ackTimeout;
    private final long graceNanos;
    private final Link link;

    private volatile long intervalNanos = Long.MAX_VALUE / 4;
    private volatile long ackTimeoutNanos = Long.MAX_VALUE / 4;
    private volatile long lastReadNanos;
    private volatile long heartbeatSentAt;
    private volatile boolean awaitingAck;
    private volatile long nextHeartbeatAt;
    private volatile boolean paused;
    private volatile boolean stopped;
    private volatile boolean started;
    private Scheduler.Timer ticker = Scheduler.NONE;

    /**
     * @param ackTimeout the configured ack timeout, or {@code null} for {@code min(interval, 10 s)}
     * @param readGrace  how long beyond the interval the link may stay silent
     */
    LinkMonitor(Scheduler scheduler, Duration ackTimeout, Duration readGrace, Link link) {
        this.scheduler = scheduler;
        this.ackTimeout = ackTimeout;
        this.graceNanos = readGrace.toNanos();
        this.link = link;
        this.lastReadNanos = scheduler.nanoTime();
    }

    /**
     * Starts heartbeats (on Hello); the first one goes out at once.
     *
     * @param intervalMillis the Hello's {@code heartbeat_interval}, already capped at {@link #MAX_HEARTBEAT_INTERVAL_MS}
     * @return the tick period in nanoseconds
     */
    synchronized long start(long intervalMillis) {
        long interval = TimeUnit.MILLISECONDS.toNanos(Math.min(intervalMillis, MAX_HEARTBEAT_INTERVAL_MS));
        intervalNanos = interval;
        ackTimeoutNanos = ackTimeout != null ? ackTimeout.toNanos() : Math.min(interval, MAX_ACK_TIMEOUT_NANOS);
        nextHeartbeatAt = scheduler.nanoTime();
        started = true;
        long tick = Math.max(
                TimeUnit.MILLISECONDS.toNanos(5),
                Math.min(TimeUnit.SECONDS.toNanos(1), Math.min(interval, ackTimeoutNanos) / 4));
        if (!stopped) {
            ticker = scheduler.scheduleWithFixedDelay(this::tick, 0, tick);
        }
        return tick;
    }

    /** Something was read from the socket. */
    void onRead() {
        lastReadNanos = scheduler.nanoTime();
    }

    /** @return the round-trip time of the acknowledged heartbeat, or {@code null} if none was outstanding */
    Duration onAck() {
        if (!awaitingAck) {
            return null;
        }
        awaitingAck = false;
        return Duration.ofNanos(scheduler.nanoTime() - heartbeatSentAt);
    }

    /** Reading stopped for a blocked listener: nothing is timed until {@link #resume()}. */
    void pause() {
        paused = true;
    }

    /** Reading resumed: the link counts as alive from now, no ack is awaited. */
    void resume() {
        awaitingAck = false;
        lastReadNanos = scheduler.nanoTime();
        paused = false;
    }

    /** @return whether timing is paused for a blocked listener */
    boolean paused() {
        return paused;
    }

    /** Stops the ticker. Idempotent. */
    synchronized void stop() {
        stopped = true;
        ticker.cancel();
    }

    /** @return the heartbeat interval in nanoseconds ({@code Long.MAX_VALUE / 4} before {@link #start}) */
    long intervalNanos() {
        return intervalNanos;
    }

    /** @return the ack timeout in nanoseconds */
    long ackTimeoutNanos() {
        return ackTimeoutNanos;
    }

    /** One check: runs on the scheduler every tick period. */
    void tick() {
        if (stopped || !started) {
            return;
        }
        long now = scheduler.nanoTime();
        if (!paused) {
            long lastRead = lastReadNanos;
            if (awaitingAck) {
                long sent = heartbeatSentAt;
                long since = lastRead - sent > 0 ? lastRead : sent;
                if (now - since > ackTimeoutNanos) {
                    fail(new LeapTimeoutException(
                            "No heartbeat ack within " + TimeUnit.NANOSECONDS.toMillis(ackTimeoutNanos) + " ms"));
                    return;
                }
            }
            long silence = now - lastRead;
            if (silence > intervalNanos + graceNanos) {
                fail(new LeapTimeoutException(
                        "Nothing received for " + TimeUnit.NANOSECONDS.toMillis(silence) + " ms"));
                return;
            }
        }
        if (now - nextHeartbeatAt >= 0) {
            nextHeartbeatAt = now + intervalNanos;
            if (!awaitingAck && !paused) {
                heartbeatSentAt = now;
                awaitingAck = true;
            }
            link.sendHeartbeat();
        }
    }

    private void fail(LeapTimeoutException e) {
        stop();
        link.dead(e);
    }
}
