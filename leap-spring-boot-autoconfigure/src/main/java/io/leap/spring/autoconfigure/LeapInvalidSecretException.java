package io.leap.spring.autoconfigure;

/**
 * Thrown when a secret property (a token) has a value of the wrong kind. Unlike Boot's
 * {@code InvalidConfigurationPropertyValueException}, whose failure analysis prints the value, neither this exception
 * nor its failure analysis (nor the cause it wraps, whose message must not contain it either) ({@link LeapInvalidSecretFailureAnalyzer}) contains the value.
 */
class LeapInvalidSecretException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;

    private final String reason;

    private final String action;

    LeapInvalidSecretException(String property, String reason, String action, Throwable cause) {
        super(
                "Invalid value for configuration property '" + property + "' (not shown: it is a secret): " + reason,
                cause);
        this.property = property;
        this.reason = reason;
        this.action = action;
    }

    String getProperty() {
        return this.property;
    }

    String getReason() {
        return this.reason;
    }

    String getAction() {
        return this.action;
    }
}
