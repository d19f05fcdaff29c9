package io.leap.spring.listener;

import io.leap.spring.annotation.LeapListener;
import io.leap.spring.config.LeapListenerConfigUtils;

/**
 * Handles a failure of a {@link LeapListener}: a payload that cannot be converted or validated, an exception thrown
 * by the method, or a {@code @SendTo} reply that could not be published. Delivery always goes on with the next
 * message; an exception thrown by the handler itself is logged and ignored.
 *
 * <p>The application's handler is the bean of this type (Boot registers {@link LoggingLeapListenerErrorHandler} under
 * {@link LeapListenerConfigUtils#LEAP_LISTENER_ERROR_HANDLER_BEAN_NAME} unless one exists); a listener may name
 * another one with {@link LeapListener#errorHandler()}. Called on the listener's delivery thread.
 */
@FunctionalInterface
public interface LeapListenerErrorHandler {

    /**
     * Handle a failure.
     * @param exception the failure, carrying the listener id, the Leap message and the cause
     */
    void handleError(LeapListenerExecutionFailedException exception);
}
