package io.leap.spring.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.spring.listener.LeapListenerStats;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * {@link LeapListenersEndpointRuntimeHints}: the {@code leaplisteners} endpoint's operation and results, and its
 * registration in {@code META-INF/spring/aot.factories}.
 */
class LeapListenersEndpointRuntimeHintsTests {

    private final RuntimeHints hints = new RuntimeHints();

    LeapListenersEndpointRuntimeHintsTests() {
        new LeapListenersEndpointRuntimeHints()
                .registerHints(this.hints, getClass().getClassLoader());
    }

    @Test
    void endpointResultsCanBeSerialized() throws NoSuchMethodException {
        assertThat(RuntimeHintsPredicates.reflection()
                        .onMethodInvocation(LeapListenersEndpoint.ListenersDescriptor.class.getMethod("listeners")))
                .accepts(this.hints);
        assertThat(RuntimeHintsPredicates.reflection()
                        .onMethodInvocation(LeapListenersEndpoint.ListenerDescriptor.class.getMethod("stats")))
                .accepts(this.hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(LeapListenerStats.class))
                .accepts(this.hints);
        assertThat(RuntimeHintsPredicates.reflection()
                        .onMethodInvocation(LeapListenersEndpoint.class.getMethod("listeners")))
                .accepts(this.hints);
    }

    @Test
    void unrelatedTypesGetNoHints() {
        assertThat(RuntimeHintsPredicates.reflection().onType(LeapListenersEndpointRuntimeHintsTests.class))
                .rejects(this.hints);
    }

    @Test
    void listedInAotFactories() {
        SpringFactoriesLoader loader = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories");
        assertThat(loader.load(RuntimeHintsRegistrar.class))
                .hasAtLeastOneElementOfType(LeapListenersEndpointRuntimeHints.class);
    }
}
