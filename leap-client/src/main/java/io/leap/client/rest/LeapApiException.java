package io.leap.client.rest;

import io.leap.client.LeapException;
import io.leap.client.internal.Redaction;
import java.time.Duration;
import java.util.Optional;

/**
 * A failed Channels REST API call.
 *
 * <p>Carries the HTTP status ({@link #statusCode()}, {@code 0} when no response was received), Hop's error code
 * ({@link #errorCode()}, e.g. {@code not_found}, {@code invalid_auth}, {@code conflict}) and the server's message
 * ({@link #errorMessage()}). The message names the route template (e.g. {@code GET /v1/channels/{channel_id}}),
 * never the credential; Leap tokens and credentials in a server message are redacted.
 *
 * <p>Like every exception of the Leap client it is an unchecked {@link LeapException}.
 *
 * <p>Failures without a response use client-side codes: {@link #TIMEOUT}, {@link #CONNECTION_FAILED},
 * {@link #INTERRUPTED}; a response the client cannot read has {@link #INVALID_RESPONSE}.
 */
public class LeapApiException extends LeapException {

    private static final long serialVersionUID = 1L;

    /** Client-side code: the request timed out waiting for a response. */
    public static final String TIMEOUT = "timeout";
    /** Client-side code: the connection failed or broke before a response was read. */
    public static final String CONNECTION_FAILED = "connection_failed";
    /** Client-side code: the calling thread was interrupted while waiting. */
    public static final String INTERRUPTED = "interrupted";
    /** Client-side code: the response was not the JSON the route documents. */
    public static final String INVALID_RESPONSE = "invalid_response";

    /** The route template. */
    private final String operation;
    /** The HTTP status, 0 without a response. */
    private final int statusCode;
    /** Hop's or the client's error code. */
    private final String errorCode;
    /** The redacted reason. */
    private final String errorMessage;
    /** The server's Retry-After, if any. */
    private final transient Duration retryAfter;
    /** The number of requests sent. */
    private final int attempts;

    /**
     * Creates an exception.
     *
     * @param operation    the route template, e.g. {@code GET /v1/channels/{channel_id}}
     * @param statusCode   the HTTP status, or {@code 0} when no response was received
     * @param errorCode    Hop's error code or a client-side code; may be {@code null}
     * @param errorMessage the human-readable reason; may be {@code null}. Anything in it, or in the code, that looks
     *                     like a credential or a Leap token is redacted
     * @param retryAfter   the server's {@code Retry-After}, or {@code null}
     * @param attempts     how many requests were sent (1 when not retried)
     * @param cause        the underlying exception, or {@code null}
     */
    public LeapApiException(
            String operation,
            int statusCode,
            String errorCode,
            String errorMessage,
            Duration retryAfter,
            int attempts,
            Throwable cause) {
        super(
                format(
                        operation,
                        statusCode,
                        Redaction.redactText(errorCode),
                        Redaction.redactText(errorMessage),
                        attempts),
                cause);
        this.operation = operation;
        this.statusCode = statusCode;
        this.errorCode = Redaction.redactText(errorCode);
        this.errorMessage = Redaction.redactText(errorMessage);
        this.retryAfter = retryAfter;
        this.attempts = attempts;
    }

    private static String format(String operation, int status, String code, String message, int attempts) {
        StringBuilder sb = new StringBuilder();
        sb.append(operation).append(" failed: ");
        if (status > 0) {
            sb.append("HTTP ").append(status);
        } else {
            sb.append("no response");
        }
        if (code != null) {
            sb.append(' ').append(code);
        }
        if (message != null && !message.isEmpty()) {
            sb.append(": ").append(message);
        }
        if (attempts > 1) {
            sb.append(" (after ").append(attempts).append(" attempts)");
        }
        return sb.toString();
    }

    /**
     * Returns the route template of the failed call, e.g. {@code PUT /v1/channels/{channel_id}}.
     *
     * @return the operation
     */
    public String operation() {
        return operation;
    }

    /**
     * Returns the HTTP status of the last response.
     *
     * @return the status, or {@code 0} when no response was received (timeout, connection failure)
     */
    public int statusCode() {
        return statusCode;
    }

    /**
     * Returns Hop's error code (REST spec §4.2), such as {@code not_found}, {@code invalid_request},
     * {@code invalid_auth}, {@code forbidden}, {@code conflict}, or a client-side code such as {@link #TIMEOUT}.
     *
     * @return the code, or {@code null} if the response had none
     */
    public String errorCode() {
        return errorCode;
    }

    /**
     * Returns the human-readable reason given by the server (not stable; secrets redacted) or by the client.
     *
     * @return the message, or {@code null}
     */
    public String errorMessage() {
        return errorMessage;
    }

    /**
     * Returns the delay the server asked for with {@code Retry-After}, if any.
     *
     * @return the delay
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Returns how many requests were sent for this call, retries included.
     *
     * @return at least 1 when a request was attempted
     */
    public int attempts() {
        return attempts;
    }

    /**
     * Tells whether a response was received.
     *
     * @return {@code true} if {@link #statusCode()} is an HTTP status
     */
    public boolean hasResponse() {
        return statusCode > 0;
    }

    /**
     * Tells whether the channel or token does not exist (HTTP 404).
     *
     * @return {@code true} on 404
     */
    public boolean isNotFound() {
        return statusCode == 404;
    }

    /**
     * Tells whether the credential was refused (HTTP 401 or code {@code invalid_auth}).
     *
     * @return {@code true} on an authentication failure
     */
    public boolean isUnauthorized() {
        return statusCode == 401 || "invalid_auth".equals(errorCode);
    }

    /**
     * Tells whether the call conflicted with the current state, e.g. creating a channel whose ID exists (409).
     *
     * @return {@code true} on 409
     */
    public boolean isConflict() {
        return statusCode == 409;
    }

    /**
     * Creates a copy whose stack trace is the caller's, keeping this one as the cause. Used by blocking calls so
     * the trace shows the calling code rather than an HTTP client thread.
     */
    LeapApiException rethrowable() {
        return new LeapApiException(operation, statusCode, errorCode, errorMessage, retryAfter, attempts, this);
    }
}
