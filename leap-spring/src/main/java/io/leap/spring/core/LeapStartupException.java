package io.leap.spring.core;

import java.net.URI;

/**
 * Thrown from {@link LeapClientLifecycle#start()} when {@code leap.fail-fast} is on and the first connection or one
 * of the configured subscriptions could not be established. The message never contains the token.
 */
public class LeapStartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final URI url;

    /**
     * Create a new exception.
     * @param message what failed
     * @param url the socket URL the client tried (contains no credentials)
     * @param cause the cause
     */
    public LeapStartupException(String message, URI url, Throwable cause) {
        super(message, cause);
        this.url = url;
    }

    /**
     * The socket URL the client tried.
     * @return the URL
     */
    public URI getUrl() {
        return this.url;
    }
}
