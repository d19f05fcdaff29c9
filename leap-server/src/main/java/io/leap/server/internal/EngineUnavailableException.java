package io.leap.server.internal;

/** The engine's store (Redis) cannot be reached or did not answer in time; REST answers 503. */
public final class EngineUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
