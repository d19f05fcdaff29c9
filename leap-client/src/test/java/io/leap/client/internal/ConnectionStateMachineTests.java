package io.leap.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ConnectionStateMachine}: transitions are published in order with their details; when a start is allowed. */
class ConnectionStateMachineTests {

    private final FakeScheduler clock = new FakeScheduler();
    private final List<ConnectionStateChange> published = new ArrayList<>();
    private final ConnectionStateMachine machine = new ConnectionStateMachine(1, clock, published::add);

    @Test
    void publishesEveryTransitionInOrderWithTheNextAttemptTime() {
        assertThat(machine.canStart(false)).isTrue();
        machine.connecting();
        machine.authenticating();
        machine.connected();
        assertThat(machine.canStart(false)).isFalse();
        machine.running(true);
        LeapConnectException error = new LeapConnectException("gone");
        machine.errored(error, Duration.ofMillis(250));
        assertThat(published)
                .extracting(ConnectionStateChange::current)
                .containsExactly(
                        ConnectionState.CONNECTING,
                        ConnectionState.AUTHENTICATING,
                        ConnectionState.CONNECTED,
                        ConnectionState.ERRORED);
        assertThat(published)
                .extracting(ConnectionStateChange::previous)
                .containsExactly(
                        ConnectionState.IDLE,
                        ConnectionState.CONNECTING,
                        ConnectionState.AUTHENTICATING,
                        ConnectionState.CONNECTED);
        ConnectionStateChange errored = published.get(3);
        assertThat(errored.error()).isSameAs(error);
        assertThat(errored.willReconnect()).isTrue();
        assertThat(errored.nextAttemptAt()).isEqualTo(clock.now().plusMillis(250));
        assertThat(machine.running()).isTrue();
        assertThat(machine.lastChange()).isSameAs(errored);
        assertThat(machine.canStart(true)).as("a reconnect is pending").isFalse();
    }

    @Test
    void givingUpStopsRunningAndAllowsANewStart() {
        machine.connecting();
        machine.running(true);
        machine.errored(new LeapConnectException("refused"), null);
        assertThat(machine.running()).isFalse();
        assertThat(machine.lastChange().willReconnect()).isFalse();
        assertThat(machine.lastChange().nextAttemptAt()).isNull();
        assertThat(machine.canStart(false)).isTrue();
    }

    @Test
    void closeIsFinalAndOnce() {
        machine.connecting();
        assertThat(machine.close()).isTrue();
        assertThat(machine.close()).isFalse();
        assertThat(machine.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(machine.canStart(false)).isFalse();
        assertThat(published)
                .extracting(ConnectionStateChange::current)
                .containsExactly(ConnectionState.CONNECTING, ConnectionState.CLOSED);
    }
}
