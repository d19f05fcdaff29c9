package io.leap.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.LeapClient;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.event.LeapChannelEvent;
import io.leap.spring.event.LeapConnectionStateChangedEvent;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.observation.LeapClientObservations;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * {@link LeapRuntimeHints}: the events and annotations, and the registration of both AOT contributions in
 * {@code META-INF/spring/aot.factories}.
 */
class LeapRuntimeHintsTests {

    private final RuntimeHints hints = new RuntimeHints();

    LeapRuntimeHintsTests() {
        new LeapRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
    }

    @Test
    void eventsCanBeReadBySpelConditions() throws NoSuchMethodException {
        for (Class<?> type :
                new Class<?>[] {LeapMessageEvent.class, LeapChannelEvent.class, LeapConnectionStateChangedEvent.class
                }) {
            assertThat(RuntimeHintsPredicates.reflection()
                            .onType(type)
                            .withMemberCategories(MemberCategory.INVOKE_PUBLIC_METHODS))
                    .accepts(this.hints);
        }
        assertThat(RuntimeHintsPredicates.reflection()
                        .onMethodInvocation(LeapConnectionStateChangedEvent.class.getMethod("isWillReconnect")))
                .accepts(this.hints);
    }

    @Test
    void theObservedClientProxyIsRegistered() {
        try (LeapClient client = LeapClient.builder("project_hints").build()) {
            LeapClient observed = LeapClientObservations.observe(client, ObservationRegistry.create(), null);
            assertThat(RuntimeHintsPredicates.proxies()
                            .forInterfaces(observed.getClass().getInterfaces()))
                    .accepts(this.hints);
        }
    }

    @Test
    void listenerAnnotationCanBeSynthesized() {
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(LeapListener.class))
                .accepts(this.hints);
        assertThat(RuntimeHintsPredicates.reflection()
                        .onType(LeapListener.class)
                        .withMemberCategories(MemberCategory.INVOKE_DECLARED_METHODS))
                .accepts(this.hints);
    }

    @Test
    void unrelatedTypesGetNoHints() {
        assertThat(RuntimeHintsPredicates.reflection().onType(LeapRuntimeHintsTests.class))
                .rejects(this.hints);
    }

    @Test
    void bothContributionsAreListedInAotFactories() {
        SpringFactoriesLoader loader = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories");
        assertThat(loader.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(LeapRuntimeHints.class);
        assertThat(loader.load(BeanRegistrationAotProcessor.class))
                .hasAtLeastOneElementOfType(LeapListenerBeanRegistrationAotProcessor.class);
    }
}
