package io.leap.spring.listener;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The default {@link LeapListenerErrorHandler}: logs the failure with the listener id, channel and event (never the
 * data). Listener exceptions are logged at ERROR with their stack trace; conversion failures at WARN without it.
 * Failures are counted per listener in any case ({@link LeapListenerStats#failed()}, metric
 * {@code leap.listener.errors}).
 */
public class LoggingLeapListenerErrorHandler implements LeapListenerErrorHandler {

    private static final Log logger = LogFactory.getLog(LoggingLeapListenerErrorHandler.class);

    @Override
    public void handleError(LeapListenerExecutionFailedException exception) {
        if (exception.getKind() == LeapListenerExecutionFailedException.Kind.LISTENER) {
            logger.error(exception.getMessage(), exception.getCause());
        } else {
            logger.warn(exception.getMessage());
        }
    }
}
