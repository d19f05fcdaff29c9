package io.leap.spring.listener;

import io.leap.client.OverflowPolicy;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import java.util.Set;

/**
 * The runtime side of one {@link LeapListener} endpoint: one client listener registration (channel and event filters,
 * bounded buffer, delivery one message at a time, in socket order, into the listener method). Obtain it from
 * {@link LeapListenerEndpointRegistry#getListenerContainer(String)}.
 *
 * <p>States: <em>running</em> (messages accepted and delivered), <em>paused</em> (messages accepted into the buffer but
 * not delivered; when the buffer is full the overflow policy applies, so with {@link OverflowPolicy#BLOCK} reading the
 * socket waits, as for any full {@code BLOCK} buffer), <em>stopped</em> (messages ignored). Methods are thread-safe and
 * return at once.
 */
public interface LeapListenerContainer {

    /** @return the listener id */
    String getId();

    /** @return the channel ids this listener receives */
    Set<String> getChannels();

    /** @return the accepted event names; empty for all */
    Set<String> getEvents();

    /** @return whether direct messages are received */
    boolean isDirectMessages();

    /** @return the buffer capacity */
    int getBufferSize();

    /** @return what happens when the buffer is full */
    OverflowPolicy getOverflowPolicy();

    /** @return whether the listener is started (running or paused) */
    boolean isRunning();

    /** @return whether delivery is paused */
    boolean isPaused();

    /** Starts accepting and delivering messages (no-op if running; a paused listener stays paused). */
    void start();

    /**
     * Stops accepting messages. Messages already buffered are still delivered unless paused; then the listener is
     * stopped. Channel subscriptions are kept.
     */
    void stop();

    /** Stops delivering; new messages are buffered up to the buffer size, then the overflow policy applies. */
    void pause();

    /** Resumes delivery after {@link #pause()}, oldest buffered message first. */
    void resume();

    /** @return a snapshot of the counters */
    LeapListenerStats getStats();
}
