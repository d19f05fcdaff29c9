package io.leap.spring.autoconfigure;

import io.leap.client.LeapAuthenticationException;
import io.leap.spring.core.LeapStartupException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a failed first connection with {@code leap.fail-fast=true}.
 */
class LeapStartupFailureAnalyzer extends AbstractFailureAnalyzer<LeapStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, LeapStartupException cause) {
        boolean authentication = findCause(cause, LeapAuthenticationException.class) != null;
        String description = authentication
                ? "The Leap server at " + cause.getUrl() + " rejected the credentials (close code 4001)."
                : "Could not connect to the Leap server at " + cause.getUrl() + ": " + cause.getMessage();
        String action = authentication
                ? "Check leap.project-id and leap.token: the token must be a Leap token (leap_token_...) of that "
                        + "project, not a project token (ptk_...)."
                : "Check leap.url and that the server is reachable, raise leap.connect-timeout, or set "
                        + "leap.fail-fast=false to start anyway and let the client reconnect in the background "
                        + "(the leap health indicator reports DOWN meanwhile).";
        return new FailureAnalysis(description, action, cause);
    }
}
