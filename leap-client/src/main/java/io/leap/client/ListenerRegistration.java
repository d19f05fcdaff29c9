package io.leap.client;

import java.time.Duration;

/**
 * Handle of a registered listener (what {@code addMessageListener} and friends return). It controls delivery to that
 * one listener; the channels the client is subscribed to are not affected.
 *
 * <pre>{@code
 * ListenerRegistration r = client.addMessageListener(this::onPrice,
 *         ListenerOptions.defaults().withChannels("prices").withBufferSize(10_000));
 * r.pause();                              // events wait in the buffer (overflow policy applies)
 * r.resume();
 * boolean done = r.drain(Duration.ofSeconds(5));   // deliver what is buffered, then remove
 * ListenerStats s = r.stats();            // delivered, dropped, queued
 * }</pre>
 */
public interface ListenerRegistration extends AutoCloseable {

    /**
     * Stops delivering to the listener; events keep arriving into its buffer, where the overflow policy applies when it
     * fills ({@link OverflowPolicy#BLOCK} then stops the socket, as for a slow listener). Idempotent.
     */
    void pause();

    /** Resumes delivery after {@link #pause()}, starting with the buffered events. Idempotent. */
    void resume();

    /** @return whether {@link #pause()} is in effect */
    boolean isPaused();

    /**
     * Stops accepting new events, delivers the buffered ones (resuming if paused), then removes the listener. From the
     * listener itself it does not wait.
     *
     * @param timeout how long to wait for the buffer to empty
     * @return {@code true} if every buffered event was delivered in time; otherwise the rest is discarded
     */
    boolean drain(Duration timeout);

    /** Removes the listener at once; buffered events are discarded. Idempotent; safe from any thread and the listener. */
    @Override
    void close();

    /** @return {@code true} once {@link #close()} or {@link #drain(Duration)} was called, or the client was closed */
    boolean isClosed();

    /** @return this listener's counters */
    ListenerStats stats();
}
