package io.leap.client.internal;

import io.leap.client.ClientStats;
import io.leap.client.ConnectionState;
import io.leap.client.LeapClientObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's counters and its {@link LeapClientObserver}, whose exceptions are logged and ignored. Also rate-limits
 * the warning about undecodable frames: every one is counted, the first of a period is logged, the rest are summed up
 * in one line when the next period begins (or the client closes), so a hostile server cannot flood the log.
 */
final class ClientMetrics {

    private static final Logger log = LoggerFactory.getLogger(io.leap.client.LeapClient.class);
    /** At most one undecodable-frame warning per this period. */
    static final long DECODE_WARNING_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int clientId;
    private final LeapClientObserver observer;
    private final Scheduler clock;

    final LongAdder framesReceived = new LongAdder();
    final LongAdder dispatches = new LongAdder();
    final LongAdder messages = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder listenerErrors = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder decodeErrors = new LongAdder();
    private volatile Duration lastRtt;

    private final Object decodeLogLock = new Object();
    private long decodeWindowStart;
    private boolean decodeWindowOpen;
    private long suppressed;
    private final AtomicLong warningsLogged = new AtomicLong();

    ClientMetrics(int clientId, LeapClientObserver observer, Scheduler clock) {
        this.clientId = clientId;
        this.observer = observer;
        this.clock = clock;
    }

    ClientStats snapshot(ConnectionState state, long buffered) {
        return new ClientStats(
                state,
                framesReceived.sum(),
                dispatches.sum(),
                messages.sum(),
                reconnects.sum(),
                listenerErrors.sum(),
                dropped.sum(),
                buffered,
                decodeErrors.sum(),
                lastRtt);
    }

    void onDispatch(String event) {
        dispatches.increment();
        try {
            observer.onMessage(event);
        } catch (RuntimeException e) {
            observerFailed(e);
        }
    }

    void onReconnect(int attempt) {
        reconnects.increment();
        try {
            observer.onReconnect(attempt);
        } catch (RuntimeException e) {
            observerFailed(e);
        }
    }

    void onHeartbeatAck(Duration rtt) {
        lastRtt = rtt;
        try {
            observer.onHeartbeatAck(rtt);
        } catch (RuntimeException e) {
            observerFailed(e);
        }
    }

    void onListenerError(String listener, Throwable error) {
        listenerErrors.increment();
        log.atWarn()
                .addKeyValue("client", clientId)
                .addKeyValue("listener", listener)
                .setCause(error)
                .log("Listener {} threw; it keeps receiving events (client {})", listener, clientId);
        try {
            observer.onListenerError(error);
        } catch (RuntimeException e) {
            observerFailed(e);
        }
    }

    void onDropped(String listener, long count) {
        dropped.add(count);
        log.atDebug()
                .addKeyValue("client", clientId)
                .addKeyValue("listener", listener)
                .log("Listener {} buffer full: {} event(s) dropped (client {})", listener, count, clientId);
        try {
            observer.onDropped(count);
        } catch (RuntimeException e) {
            observerFailed(e);
        }
    }

    /** A frame could not be decoded: counted, reported to the observer, logged at most once per period. */
    void onDecodeError(RuntimeException e) {
        framesReceived.increment();
        decodeErrors.increment();
        long now = clock.nanoTime();
        long summary = -1;
        boolean logThis = false;
        synchronized (decodeLogLock) {
            if (!decodeWindowOpen || now - decodeWindowStart >= DECODE_WARNING_PERIOD_NANOS) {
                summary = suppressed;
                suppressed = 0;
                decodeWindowStart = now;
                decodeWindowOpen = true;
                logThis = true;
            } else {
                suppressed++;
            }
        }
        if (summary > 0) {
            warningsLogged.incrementAndGet();
            log.atWarn()
                    .addKeyValue("client", clientId)
                    .addKeyValue("skipped", summary)
                    .log(
                            "Skipped {} more undecodable frames in the last {} s (client {})",
                            summary,
                            TimeUnit.NANOSECONDS.toSeconds(DECODE_WARNING_PERIOD_NANOS),
                            clientId);
        }
        if (logThis) {
            warningsLogged.incrementAndGet();
            log.atWarn()
                    .addKeyValue("client", clientId)
                    .log(
                            "Skipped an undecodable frame: {} (further ones within {} s are counted and summed up; client {})",
                            Redaction.redactText(e.getMessage()),
                            TimeUnit.NANOSECONDS.toSeconds(DECODE_WARNING_PERIOD_NANOS),
                            clientId);
        }
        try {
            observer.onDecodeError(e);
        } catch (RuntimeException ex) {
            observerFailed(ex);
        }
    }

    /** Logs the summary of undecodable frames suppressed in the current period, if any (on close). */
    void flushDecodeSummary() {
        long summary;
        synchronized (decodeLogLock) {
            summary = suppressed;
            suppressed = 0;
            decodeWindowOpen = false;
        }
        if (summary > 0) {
            warningsLogged.incrementAndGet();
            log.atWarn()
                    .addKeyValue("client", clientId)
                    .addKeyValue("skipped", summary)
                    .log("Skipped {} more undecodable frames (client {})", summary, clientId);
        }
    }

    /** For tests: how many undecodable-frame warnings (single or summary) were logged. */
    long decodeWarningsLogged() {
        return warningsLogged.get();
    }

    void observerFailed(RuntimeException e) {
        log.atWarn()
                .addKeyValue("client", clientId)
                .setCause(e)
                .log("LeapClientObserver threw; ignored (client {})", clientId);
    }
}
