package io.leap.spring.it;

import io.leap.spring.testsupport.LeapTestSupport;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Runners of the integration tests: {@link LeapTestSupport#runner()}, optionally in embedded mode with fast heartbeats.
 */
final class IntegrationSupport {

    private IntegrationSupport() {}

    static ApplicationContextRunner runner() {
        return LeapTestSupport.runner();
    }

    static ApplicationContextRunner embeddedRunner() {
        return runner().withPropertyValues("leap.embedded.enabled=true", "leap.embedded.heartbeat-interval=250ms");
    }
}
