package io.leap.spring.autoconfigure.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.leap.client.LeapClient;
import io.leap.client.LeapConnectException;
import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.autoconfigure.LeapListenerAutoConfiguration;
import io.leap.spring.autoconfigure.LeapTemplateAutoConfiguration;
import io.leap.spring.autoconfigure.LeapTemplateCustomizer;
import io.leap.spring.core.LeapTemplate;
import io.leap.spring.observation.DefaultLeapTemplateObservationConvention;
import io.leap.spring.observation.LeapTemplateRequestHeaders;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link LeapObservationAutoConfiguration} without a server: Boot's {@link ObservationAutoConfiguration} registry
 * reaches the template and the client, each property switches its part on, and the application's customizers run
 * after the auto-configuration's. The client is never started ({@code leap.lifecycle.auto-startup=false}).
 */
class LeapObservationAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ObservationAutoConfiguration.class,
                    JacksonAutoConfiguration.class,
                    LeapAutoConfiguration.class,
                    LeapTemplateAutoConfiguration.class,
                    LeapListenerAutoConfiguration.class,
                    LeapObservationAutoConfiguration.class))
            .withPropertyValues(
                    "leap.project-id=project_test",
                    "leap.token=leap_token_secret",
                    "leap.url=ws://127.0.0.1:1/ws",
                    "leap.lifecycle.auto-startup=false",
                    "leap.api.token=ptk_NjQ5MjYxMzYyNzYxNDY1NDU",
                    "leap.api.url=http://127.0.0.1:1");

    @Test
    void offByDefault() {
        this.runner.run((context) -> {
            assertThat(context).hasNotFailed().hasSingleBean(ObservationRegistry.class);
            assertThat(context)
                    .doesNotHaveBean("leapApiObservationCustomizer")
                    .doesNotHaveBean("leapTemplateObservationCustomizer")
                    .doesNotHaveBean("leapListenerObservationConfigurer")
                    .doesNotHaveBean("leapClientObservationPostProcessor");
            assertThat(context.getBean(LeapTemplate.class).getObservationRegistry())
                    .isSameAs(ObservationRegistry.NOOP);
            assertThat(AopUtils.isAopProxy(context.getBean(LeapClient.class))).isFalse();
        });
    }

    @Test
    void templateGetsTheApplicationsRegistry() {
        this.runner.withPropertyValues("leap.api.observation-enabled=true").run((context) -> {
            assertThat(context).hasNotFailed().hasBean("leapApiObservationCustomizer");
            assertThat(context.getBean(LeapTemplate.class).getObservationRegistry())
                    .isSameAs(context.getBean(ObservationRegistry.class));
            assertThat(AopUtils.isAopProxy(context.getBean(LeapClient.class))).isFalse();
        });
    }

    @Test
    void theApplicationsTemplateCustomizersRunAfterwards() {
        this.runner
                .withPropertyValues("leap.api.observation-enabled=true")
                .withBean(
                        LeapTemplateCustomizer.class,
                        () -> (template) -> template.setObservationRegistry(ObservationRegistry.NOOP))
                .run((context) -> assertThat(context.getBean(LeapTemplate.class).getObservationRegistry())
                        .isSameAs(ObservationRegistry.NOOP));
    }

    @Test
    void clientPublishesAreObservedAndFailuresRecorded() {
        this.runner
                .withPropertyValues("leap.observation-enabled=true")
                .withUserConfiguration(TestRegistryConfig.class)
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    LeapClient client = context.getBean(LeapClient.class);
                    assertThat(AopUtils.isAopProxy(client)).isTrue();
                    TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
                    // Not connected: the client refuses both forms; each is one observation with its error.
                    assertThatExceptionOfType(CompletionException.class)
                            .isThrownBy(() -> client.publishAsync("orders", "async", Map.of())
                                    .join())
                            .withCauseInstanceOf(LeapConnectException.class);
                    assertThatExceptionOfType(LeapConnectException.class)
                            .isThrownBy(() -> client.publish("orders", "blocking", Map.of()));
                    // Other methods are not observed.
                    assertThat(client.channels()).isEmpty();
                    TestObservationRegistryAssert.assertThat(registry)
                            .hasNumberOfObservationsWithNameEqualTo("leap.client.publish", 2)
                            .hasAnObservation((observation) -> observation
                                    .hasLowCardinalityKeyValue("leap.event", "async")
                                    .hasLowCardinalityKeyValue("error.type", "LeapConnectException")
                                    .hasError())
                            .hasAnObservation((observation) -> observation
                                    .hasLowCardinalityKeyValue("leap.event", "blocking")
                                    .hasLowCardinalityKeyValue("error.type", "LeapConnectException")
                                    .hasHighCardinalityKeyValue("leap.channel", "orders")
                                    .hasError());
                });
    }

    @Test
    void listenerConfigurerIsContributed() {
        this.runner
                .withPropertyValues("leap.listener.observation-enabled=true")
                .run((context) -> assertThat(context).hasNotFailed().hasBean("leapListenerObservationConfigurer"));
    }

    @Test
    void requestHeadersAreEmptyOutsideATemplateObservation() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        LeapTemplateRequestHeaders headers = new LeapTemplateRequestHeaders(registry);
        assertThat(headers.get()).isEmpty();
        Observation.createNotStarted("other", registry)
                .observe(() -> assertThat(headers.get()).isEmpty());
        assertThat(DefaultLeapTemplateObservationConvention.INSTANCE.getName()).isEqualTo("leap.template");
    }

    @Configuration(proxyBeanMethods = false)
    static class TestRegistryConfig {

        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }
}
