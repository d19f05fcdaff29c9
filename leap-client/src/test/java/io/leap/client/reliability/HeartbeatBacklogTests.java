package io.leap.client.reliability;

import static io.leap.client.reliability.Reliability.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.FakeTransport;
import io.leap.client.LeapClient;
import io.leap.client.LeapTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression test for a bug found by fault scenario 7: a heartbeat ack queued behind a backlog of data (a burst, or the
 * catch-up after a {@code BLOCK} stall) was treated as lost, so a busy but healthy link was dropped and messages lost.
 * The ack deadline now runs from the later of the heartbeat and the last frame read.
 */
class HeartbeatBacklogTests {

    final FakeTransport transport = new FakeTransport();
    LeapClient client;
    ScheduledExecutorService feeder;

    @AfterEach
    void close() {
        if (feeder != null) {
            feeder.shutdownNow();
        }
        if (client != null) {
            client.close();
        }
    }

    @Test
    void ackBehindAStreamOfFramesIsNotADeadLink() {
        client = LeapClient.builder("project_1")
                .url(URI.create("ws://scripted/ws?encoding=json"))
                .transport(transport)
                .heartbeatAckTimeout(Duration.ofMillis(600))
                .readTimeoutGrace(Duration.ofMillis(600))
                .build();
        Reliability.Recorder<ConnectionStateChange> changes = new Reliability.Recorder<>();
        client.addConnectionStateListener(changes::add);
        client.connectAsync();
        FakeTransport.FakeConnection c = transport.last();
        c.hello(100);
        c.init();
        await().atMost(WAIT).until(() -> c.sent.contains("{\"op\":3}"));
        // frames keep arriving every 20 ms, none of them an ack, for well over the ack timeout (the timeouts leave
        // room for a loaded CI machine to delay the feeder)
        AtomicInteger pushed = new AtomicInteger();
        feeder = Executors.newSingleThreadScheduledExecutor();
        feeder.scheduleAtFixedRate(
                () -> c.text(FakeTransport.message("x", "n", String.valueOf(pushed.incrementAndGet()))),
                0,
                20,
                TimeUnit.MILLISECONDS);
        await().during(Duration.ofMillis(2500)).atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
        assertThat(pushed.get()).isGreaterThan(30);
        // the data stops and the ack never comes: now it is a dead link
        feeder.shutdownNow();
        await().atMost(WAIT).until(() -> changes.items.stream().anyMatch(s -> s.current() == ConnectionState.ERRORED));
        ConnectionStateChange errored = changes.items.stream()
                .filter(s -> s.current() == ConnectionState.ERRORED)
                .findFirst()
                .orElseThrow();
        assertThat(errored.error()).isInstanceOf(LeapTimeoutException.class);
        assertThat(errored.previous()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(transport.connections.get(0).closeCode).isEqualTo(1000);
    }
}
