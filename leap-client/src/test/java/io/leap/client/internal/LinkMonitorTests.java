package io.leap.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.LeapTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LinkMonitor} on a fake clock: heartbeat cadence, ack deadline, read silence, pause. */
class LinkMonitorTests {

    private final FakeScheduler clock = new FakeScheduler();
    private final List<Long> heartbeats = new ArrayList<>();
    private final List<LeapTimeoutException> deaths = new ArrayList<>();
    private final LinkMonitor.Link link = new LinkMonitor.Link() {
        @Override
        public void sendHeartbeat() {
            heartbeats.add(clock.nanoTime());
        }

        @Override
        public void dead(LeapTimeoutException reason) {
            deaths.add(reason);
        }
    };

    private LinkMonitor monitor(Duration ackTimeout) {
        return new LinkMonitor(clock, ackTimeout, Duration.ofSeconds(5), link);
    }

    @Test
    void heartbeatAtOnceThenEveryInterval() {
        LinkMonitor m = monitor(null);
        long tick = m.start(2_000);
        assertThat(tick).isEqualTo(Duration.ofMillis(500).toNanos());
        clock.runDue();
        assertThat(heartbeats).hasSize(1);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMillis(1_000));
            m.onAck();
            m.onRead();
            clock.advance(Duration.ofMillis(1_000));
        }
        assertThat(heartbeats).hasSize(4);
        assertThat(heartbeats.get(1) - heartbeats.get(0))
                .isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(deaths).isEmpty();
    }

    @Test
    void defaultAckTimeoutIsIntervalCappedAtTenSeconds() {
        assertThat(timeoutFor(2_000)).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(timeoutFor(30_000)).isEqualTo(Duration.ofSeconds(10).toNanos());
        LinkMonitor configured = monitor(Duration.ofMillis(750));
        configured.start(30_000);
        assertThat(configured.ackTimeoutNanos())
                .isEqualTo(Duration.ofMillis(750).toNanos());
    }

    private long timeoutFor(long interval) {
        LinkMonitor m = monitor(null);
        m.start(interval);
        m.stop();
        return m.ackTimeoutNanos();
    }

    @Test
    void missingAckKillsTheLinkAfterTheAckTimeout() {
        LinkMonitor m = monitor(Duration.ofSeconds(1));
        m.start(30_000);
        clock.runDue();
        assertThat(heartbeats).hasSize(1);
        clock.advance(Duration.ofMillis(900));
        assertThat(deaths).isEmpty();
        clock.advance(Duration.ofMillis(400));
        assertThat(deaths)
                .singleElement()
                .extracting(Throwable::getMessage)
                .isEqualTo("No heartbeat ack within 1000 ms");
        clock.advance(Duration.ofSeconds(60));
        assertThat(deaths).hasSize(1);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void framesArrivingKeepTheAckDeadlineMoving() {
        LinkMonitor m = monitor(Duration.ofSeconds(1));
        m.start(30_000);
        clock.runDue();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMillis(500));
            m.onRead();
        }
        assertThat(deaths).isEmpty();
        clock.advance(Duration.ofMillis(1_500));
        assertThat(deaths).hasSize(1);
    }

    @Test
    void silenceBeyondIntervalPlusGraceKillsTheLink() {
        LinkMonitor m = monitor(Duration.ofDays(1));
        m.start(1_000);
        clock.runDue();
        clock.advance(Duration.ofMillis(5_900));
        assertThat(deaths).isEmpty();
        clock.advance(Duration.ofMillis(400));
        assertThat(deaths)
                .singleElement()
                .extracting(Throwable::getMessage)
                .asString()
                .startsWith("Nothing received for ");
    }

    @Test
    void nothingIsTimedWhilePausedAndClocksRestartOnResume() {
        LinkMonitor m = monitor(Duration.ofSeconds(1));
        m.start(1_000);
        clock.runDue();
        m.pause();
        clock.advance(Duration.ofSeconds(60));
        assertThat(deaths).isEmpty();
        m.resume();
        assertThat(m.onAck()).as("no ack awaited after a resume").isNull();
        clock.advance(Duration.ofMillis(900));
        assertThat(deaths).isEmpty();
    }

    @Test
    void ackReportsTheRoundTripOnce() {
        LinkMonitor m = monitor(null);
        m.start(10_000);
        clock.runDue();
        clock.advance(Duration.ofMillis(40));
        assertThat(m.onAck()).isEqualTo(Duration.ofMillis(40));
        assertThat(m.onAck()).isNull();
    }

    @Test
    void stopCancelsTheTicker() {
        LinkMonitor m = monitor(null);
        m.start(1_000);
        m.stop();
        clock.advance(Duration.ofMinutes(5));
        assertThat(heartbeats).isEmpty();
        assertThat(deaths).isEmpty();
    }
}
