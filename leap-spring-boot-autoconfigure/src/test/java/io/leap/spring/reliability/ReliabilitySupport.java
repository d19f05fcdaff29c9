package io.leap.spring.reliability;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Helpers of the Spring reliability scenarios (the context runner and connection details are
 * {@link io.leap.spring.testsupport.LeapTestSupport}'s).
 */
final class ReliabilitySupport {

    private ReliabilitySupport() {}

    static Set<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
