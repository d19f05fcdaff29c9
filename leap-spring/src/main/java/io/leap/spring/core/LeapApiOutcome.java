package io.leap.spring.core;

import io.leap.client.rest.LeapApiException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * How a Channels REST API call ended, as the {@code outcome} tag of the {@code leap.api.requests} timer.
 */
public enum LeapApiOutcome {

    /** The server answered with a 2xx status. */
    SUCCESS("success"),

    /** The server answered with a 4xx status (not found, invalid request, bad credential, conflict...). */
    CLIENT_ERROR("client_error"),

    /** The server answered with a 5xx status (after the retries, if any). */
    SERVER_ERROR("server_error"),

    /**
     * No usable answer: timeout, connection failure, interruption, cancellation, an invalid response, or an argument
     * rejected before any request was sent (for example a payload that cannot be converted to JSON).
     */
    ERROR("error");

    private final String tagValue;

    LeapApiOutcome(String tagValue) {
        this.tagValue = tagValue;
    }

    /**
     * The value of the {@code outcome} metric tag.
     * @return the tag value
     */
    public String tagValue() {
        return this.tagValue;
    }

    /**
     * Classifies the end of a call.
     * @param failure the failure, {@code null} for a successful call; {@link CompletionException} and
     * {@link ExecutionException} wrappers are looked through
     * @return the outcome
     */
    public static LeapApiOutcome of(@Nullable Throwable failure) {
        if (failure == null) {
            return SUCCESS;
        }
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof LeapApiException api) {
            int status = api.statusCode();
            if (status >= 400 && status < 500) {
                return CLIENT_ERROR;
            }
            if (status >= 500 && status < 600) {
                return SERVER_ERROR;
            }
        }
        return ERROR;
    }
}
