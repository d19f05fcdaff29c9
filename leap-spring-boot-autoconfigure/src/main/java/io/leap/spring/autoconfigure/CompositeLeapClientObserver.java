package io.leap.spring.autoconfigure;

import io.leap.client.LeapClientObserver;
import java.time.Duration;
import java.util.List;

/**
 * Forwards every callback to several observers; one failing observer does not affect the others.
 */
final class CompositeLeapClientObserver implements LeapClientObserver {

    private final List<LeapClientObserver> observers;

    CompositeLeapClientObserver(List<LeapClientObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    @Override
    public void onMessage(String event) {
        for (LeapClientObserver observer : this.observers) {
            try {
                observer.onMessage(event);
            } catch (RuntimeException ex) {
                // ignored: observers must not disturb the client
            }
        }
    }

    @Override
    public void onReconnect(int attempt) {
        for (LeapClientObserver observer : this.observers) {
            try {
                observer.onReconnect(attempt);
            } catch (RuntimeException ex) {
                // ignored
            }
        }
    }

    @Override
    public void onHeartbeatAck(Duration rtt) {
        for (LeapClientObserver observer : this.observers) {
            try {
                observer.onHeartbeatAck(rtt);
            } catch (RuntimeException ex) {
                // ignored
            }
        }
    }

    @Override
    public void onListenerError(Throwable error) {
        for (LeapClientObserver observer : this.observers) {
            try {
                observer.onListenerError(error);
            } catch (RuntimeException ex) {
                // ignored
            }
        }
    }

    @Override
    public void onDropped(long count) {
        for (LeapClientObserver observer : this.observers) {
            try {
                observer.onDropped(count);
            } catch (RuntimeException ex) {
                // ignored
            }
        }
    }

    @Override
    public void onDecodeError(Throwable error) {
        for (LeapClientObserver observer : this.observers) {
            try {
                observer.onDecodeError(error);
            } catch (RuntimeException ex) {
                // ignored
            }
        }
    }
}
