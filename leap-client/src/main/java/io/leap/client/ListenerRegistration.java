package io.leap.client;

/**
 * Handle of a registered listener. {@link #cancel()} removes it; events still in its buffer are discarded.
 */
public interface Subscription extends AutoCloseable {

    /** Removes the listener. Idempotent; safe from any thread, including from the listener itself. */
    void cancel();

    /** @return {@code true} once {@link #cancel()} was called or the client was closed */
    boolean isCancelled();

    /** @return how many events were dropped for this listener because its buffer was full */
    long droppedCount();

    /** @return how many events are currently waiting in this listener's buffer */
    int bufferedCount();

    /** Same as {@link #cancel()}. */
    @Override
    default void close() {
        cancel();
    }
}
