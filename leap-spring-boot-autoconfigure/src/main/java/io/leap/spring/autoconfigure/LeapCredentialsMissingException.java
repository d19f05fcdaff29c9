package io.leap.spring.autoconfigure;

import java.util.List;

/**
 * Thrown when Leap is enabled but the project id or the token is not configured.
 * {@link LeapFailureAnalyzer} turns it into a startup message telling the user what to set.
 */
public class LeapCredentialsMissingException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final List<String> missingProperties;

    /**
     * Create a new exception.
     * @param missingProperties the names of the properties that are missing or blank
     */
    public LeapCredentialsMissingException(List<String> missingProperties) {
        super("Leap is enabled but " + String.join(" and ", missingProperties)
                + ((missingProperties.size() == 1) ? " is" : " are") + " missing or blank");
        this.missingProperties = List.copyOf(missingProperties);
    }

    /**
     * Names of the missing or blank properties, e.g. {@code leap.project-id}.
     * @return the property names
     */
    public List<String> getMissingProperties() {
        return this.missingProperties;
    }
}
