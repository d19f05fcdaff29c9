package io.leap.spring.event;

import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;

/**
 * A change of the Leap client's connection state, published as a Spring {@link ApplicationEvent}.
 */
public class LeapConnectionStateChangedEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final transient ConnectionStateChange change;

    private final boolean willReconnect;

    /**
     * Create a new event.
     * @param source the object that published the event (the client)
     * @param change the state change
     */
    public LeapConnectionStateChangedEvent(Object source, ConnectionStateChange change) {
        this(source, change, change.willReconnect());
    }

    /**
     * Create a new event whose {@link #isWillReconnect()} is decided by the publisher, which may know more than the
     * client (the auto-configured lifecycle retries a first connection that the client never opened).
     * @param source the object that published the event (the client)
     * @param change the state change
     * @param willReconnect whether another connection attempt will follow
     */
    public LeapConnectionStateChangedEvent(Object source, ConnectionStateChange change, boolean willReconnect) {
        super(source);
        this.change = Objects.requireNonNull(change, "change");
        this.willReconnect = willReconnect;
    }

    /**
     * The state before the change.
     * @return the previous state
     */
    public ConnectionState getPrevious() {
        return this.change.previous();
    }

    /**
     * The state after the change.
     * @return the current state
     */
    public ConnectionState getCurrent() {
        return this.change.current();
    }

    /**
     * Whether the client is connected after this change.
     * @return {@code true} when the new state is {@link ConnectionState#CONNECTED}
     */
    public boolean isConnected() {
        return this.change.current() == ConnectionState.CONNECTED;
    }

    /**
     * The cause of an {@link ConnectionState#ERRORED} state.
     * @return the error, or {@code null}
     */
    public @Nullable Throwable getError() {
        return this.change.error();
    }

    /**
     * Whether the client will try to connect again by itself.
     * @return the will-reconnect flag
     */
    public boolean isWillReconnect() {
        return this.willReconnect;
    }

    /**
     * When the next connection attempt is scheduled.
     * @return the instant, or {@code null} if none is scheduled
     */
    public @Nullable Instant getNextAttemptAt() {
        return this.change.nextAttemptAt();
    }

    /**
     * The underlying client state change.
     * @return the change
     */
    public ConnectionStateChange getChange() {
        return this.change;
    }

    @Override
    public String toString() {
        return "LeapConnectionStateChangedEvent[" + getPrevious() + " -> " + getCurrent() + ", willReconnect="
                + isWillReconnect() + "]";
    }
}
