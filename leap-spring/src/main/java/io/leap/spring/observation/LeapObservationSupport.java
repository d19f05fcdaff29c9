package io.leap.spring.observation;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Values shared by the default conventions.
 */
final class LeapObservationSupport {

    /** The value of a key that does not apply to an observation, so that every observation has the same keys. */
    static final String NONE = "none";

    /** The {@code messaging.system} value. */
    static final String MESSAGING_SYSTEM = "leap";

    private LeapObservationSupport() {}

    /**
     * The {@code error.type} value: the simple class name of the failure (looking through
     * {@link CompletionException} and {@link ExecutionException}), or {@code none}. Class names come from code, so
     * the set stays bounded; messages, which may hold data, are never used.
     */
    static String errorType(@Nullable Throwable error) {
        Throwable cause = unwrap(error);
        if (cause == null) {
            return NONE;
        }
        String name = cause.getClass().getSimpleName();
        return name.isEmpty() ? cause.getClass().getName() : name;
    }

    static @Nullable Throwable unwrap(@Nullable Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static String orNone(@Nullable String value) {
        return (value != null && !value.isEmpty()) ? value : NONE;
    }
}
