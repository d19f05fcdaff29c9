package io.leap.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a missing Leap project id or token at startup and tells the user exactly what to set.
 */
class LeapFailureAnalyzer extends AbstractFailureAnalyzer<LeapCredentialsMissingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, LeapCredentialsMissingException cause) {
        StringBuilder description = new StringBuilder("The Leap client is enabled but its credentials are incomplete:");
        for (String property : cause.getMissingProperties()) {
            description
                    .append(System.lineSeparator())
                    .append("    ")
                    .append(property)
                    .append(" is missing or blank");
        }
        String nl = System.lineSeparator();
        String action = "Set the missing properties, for example in application.properties:" + nl
                + "    leap.project-id=project_...   (your Hop project id; env LEAP_PROJECT_ID)" + nl
                + "    leap.token=leap_token_...     (a Leap token created through the Channels API; env LEAP_TOKEN)"
                + nl
                + "Or define a LeapTokenProvider bean that supplies the token, "
                + "set leap.anonymous=true to connect without a token (unprotected channels only), "
                + "leap.embedded.enabled=true to use an in-process Leap server (needs io.leap:leap-server), "
                + "or leap.enabled=false to switch the Leap client off.";
        return new FailureAnalysis(description.toString(), action, cause);
    }
}
