package io.leap.spring.core;

import org.jspecify.annotations.Nullable;

/**
 * Observes the calls a {@link LeapTemplate} makes, typically to time them (the auto-configured
 * {@code io.leap.spring.autoconfigure.metrics.LeapApiMetrics} records the {@code leap.api.requests} timer).
 *
 * <p>{@link #onStart} is called on the caller's thread before the call; the returned {@link Completion} is called
 * exactly once when the call ends: on the caller's thread for blocking operations, on an HTTP client thread for
 * asynchronous ones. Implementations must be fast and thread-safe; an exception thrown by an observer is logged and
 * never affects the call.
 */
@FunctionalInterface
public interface LeapTemplateObserver {

    /** An observer that does nothing. */
    LeapTemplateObserver NOOP = (operation) -> (failure) -> {};

    /**
     * Called when an operation starts.
     * @param operation the operation
     * @return the callback to invoke when it ends
     */
    Completion onStart(LeapApiOperation operation);

    /**
     * End of one observed call.
     */
    @FunctionalInterface
    interface Completion {

        /**
         * Called once when the call ends.
         * @param failure {@code null} on success, otherwise the failure (see {@link LeapApiOutcome#of(Throwable)})
         */
        void onComplete(@Nullable Throwable failure);
    }
}
