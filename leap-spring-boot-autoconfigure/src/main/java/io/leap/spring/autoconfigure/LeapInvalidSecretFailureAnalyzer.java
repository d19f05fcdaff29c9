package io.leap.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a token of the wrong kind without printing it.
 */
class LeapInvalidSecretFailureAnalyzer extends AbstractFailureAnalyzer<LeapInvalidSecretException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, LeapInvalidSecretException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
    }
}
