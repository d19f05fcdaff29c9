package io.leap.spring.autoconfigure.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import io.leap.client.ChannelType;
import io.leap.client.LeapClient;
import io.leap.client.rest.LeapApiException;
import io.leap.client.rest.LeapToken;
import io.leap.server.LeapServer;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.autoconfigure.LeapListenerAutoConfiguration;
import io.leap.spring.autoconfigure.LeapTemplateAutoConfiguration;
import io.leap.spring.core.LeapOperations;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.observation.DefaultLeapEventObservationConvention;
import io.leap.spring.observation.DefaultLeapListenerObservationConvention;
import io.leap.spring.observation.DefaultLeapPublishObservationConvention;
import io.leap.spring.observation.DefaultLeapTemplateObservationConvention;
import io.leap.spring.observation.LeapEventContext;
import io.leap.spring.observation.LeapListenerReceiverContext;
import io.leap.spring.observation.LeapPublishSenderContext;
import io.leap.spring.observation.LeapTemplateSenderContext;
import io.leap.spring.support.LeapHeaders;
import io.leap.spring.testsupport.LeapTestSupport;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.SendTo;

/**
 * The four observations against the embedded {@code leap-server}: off by default, each switched on by its property,
 * with the documented keys, errors, parents, and conventions replaced by beans.
 */
class LeapObservationIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static final String[] ALL_ON = {
        "leap.listener.observation-enabled=true",
        "leap.events.observation-enabled=true",
        "leap.api.observation-enabled=true",
        "leap.observation-enabled=true"
    };

    private final ApplicationContextRunner runner = LeapTestSupport.runner()
            .withConfiguration(AutoConfigurations.of(
                    LeapTemplateAutoConfiguration.class,
                    LeapListenerAutoConfiguration.class,
                    LeapObservationAutoConfiguration.class))
            .withPropertyValues(
                    "leap.embedded.enabled=true",
                    "leap.embedded.heartbeat-interval=250ms",
                    "leap.listener.resubscribe-interval=200ms",
                    "leap.listener.shutdown-timeout=5s")
            .withUserConfiguration(ObservationConfig.class, Listeners.class);

    @Test
    void noObservationIsRecordedUnlessSwitchedOn() {
        this.runner.run((context) -> {
            LeapServer server = awaitSubscribed(context);
            Listeners listeners = context.getBean(Listeners.class);
            server.publish("orders", "order.created", Map.of("id", 1));
            context.getBean(LeapOperations.class).publish("orders", "from.template", Map.of("id", 2));
            context.getBean(LeapClient.class).publish("orders", "from.socket", Map.of("id", 3));
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(listeners.orders)
                            .containsExactlyInAnyOrder("order.created", "from.template", "from.socket"));
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(listeners.events).hasSize(3));

            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                    .doesNotHaveAnyObservation();
            assertThat(AopUtils.isAopProxy(context.getBean(LeapClient.class))).isFalse();
        });
    }

    @Test
    void listenerObservationHasTheDocumentedKeysAndRecordsTheListenersError() {
        this.runner.withPropertyValues("leap.listener.observation-enabled=true").run((context) -> {
            LeapServer server = awaitSubscribed(context);
            TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
            server.publish("orders", "order.created", Map.of("id", 1));
            server.publish("orders", "fail", Map.of("id", 2));

            await().atMost(TIMEOUT)
                    .untilAsserted(() -> TestObservationRegistryAssert.assertThat(registry)
                            .hasNumberOfObservationsWithNameEqualTo("leap.listener", 2));
            TestObservationRegistryAssert.assertThat(registry)
                    .hasAnObservation((observation) -> observation
                            .hasNameEqualTo("leap.listener")
                            .hasContextualNameEqualTo("orders receive")
                            .hasLowCardinalityKeyValue("leap.listener.id", "orders")
                            .hasLowCardinalityKeyValue("messaging.system", "leap")
                            .hasLowCardinalityKeyValue("messaging.operation", "receive")
                            .hasLowCardinalityKeyValue("leap.event", "order.created")
                            .hasLowCardinalityKeyValue("error.type", "none")
                            .hasHighCardinalityKeyValue("leap.channel", "orders")
                            .doesNotHaveError())
                    .hasAnObservation((observation) -> observation
                            .hasNameEqualTo("leap.listener")
                            .hasLowCardinalityKeyValue("leap.event", "fail")
                            .hasLowCardinalityKeyValue("error.type", "IllegalStateException")
                            .hasError());
            // Only the listener observation is on.
            TestObservationRegistryAssert.assertThat(registry)
                    .hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts)
                            .allSatisfy(
                                    (handled) -> assertThat(handled).isInstanceOf(LeapListenerReceiverContext.class)));
            // With a MeterRegistry, the observation is also the leap.listener timer, tagged with the low keys only.
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("leap.listener")
                            .tags(
                                    "leap.listener.id",
                                    "orders",
                                    "leap.event",
                                    "fail",
                                    "error.type",
                                    "IllegalStateException")
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(meters.get("leap.listener").timer().getId().getTag("leap.channel"))
                    .isNull();
        });
    }

    @Test
    void everyObservationWhenAllAreSwitchedOn() {
        this.runner.withPropertyValues(ALL_ON).run((context) -> {
            LeapServer server = awaitSubscribed(context);
            TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
            Listeners listeners = context.getBean(Listeners.class);
            LeapOperations leap = context.getBean(LeapOperations.class);
            LeapClient client = context.getBean(LeapClient.class);
            assertThat(AopUtils.isAopProxy(client)).isTrue();

            // REST calls through the template: success, a client error, and a token operation.
            leap.publish("orders", "from.template", Map.of("id", 1));
            assertThatExceptionOfType(LeapApiException.class).isThrownBy(() -> leap.getChannel("no-such-channel"));
            LeapToken token = leap.createToken(Map.of("user", "7"));
            leap.createChannel("created-by-template", ChannelType.UNPROTECTED, null);
            // A publish over the socket, and a @SendTo reply (published over the socket by the listener).
            client.publish("orders", "from.socket", Map.of("id", 2));
            server.publish("questions", "question", Map.of("text", "why"));

            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(listeners.orders).contains("from.template", "from.socket"));
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(listeners.answers).containsExactly("answer"));

            TestObservationRegistryAssert.assertThat(registry)
                    .hasAnObservation((observation) -> observation
                            .hasNameEqualTo("leap.template")
                            .hasContextualNameEqualTo("leap publish")
                            .hasLowCardinalityKeyValue("leap.operation", "publish")
                            .hasLowCardinalityKeyValue("leap.outcome", "success")
                            .hasLowCardinalityKeyValue("leap.event", "from.template")
                            .hasLowCardinalityKeyValue("error.type", "none")
                            .hasHighCardinalityKeyValue("leap.channel", "orders"))
                    .hasAnObservation((observation) -> observation
                            .hasNameEqualTo("leap.template")
                            .hasLowCardinalityKeyValue("leap.operation", "get_channel")
                            .hasLowCardinalityKeyValue("leap.outcome", "client_error")
                            .hasLowCardinalityKeyValue("leap.event", "none")
                            .hasLowCardinalityKeyValue("error.type", "LeapApiException")
                            .hasHighCardinalityKeyValue("leap.channel", "no-such-channel")
                            .hasError())
                    .hasAnObservation((observation) -> observation
                            .hasNameEqualTo("leap.template")
                            .hasLowCardinalityKeyValue("leap.operation", "create_token")
                            .hasHighCardinalityKeyValue("leap.channel", "none"))
                    .hasAnObservation((observation) -> observation
                            .hasNameEqualTo("leap.template")
                            .hasLowCardinalityKeyValue("leap.operation", "create_channel")
                            .hasHighCardinalityKeyValue("leap.channel", "created-by-template"))
                    .hasAnObservation((observation) -> observation
                            .hasNameEqualTo("leap.client.publish")
                            .hasContextualNameEqualTo("leap publish")
                            .hasLowCardinalityKeyValue("messaging.system", "leap")
                            .hasLowCardinalityKeyValue("messaging.operation", "publish")
                            .hasLowCardinalityKeyValue("leap.event", "from.socket")
                            .hasLowCardinalityKeyValue("error.type", "none")
                            .hasHighCardinalityKeyValue("leap.channel", "orders")
                            .doesNotHaveParentObservation())
                    // The reply is published inside the listener's observation.
                    .hasAnObservation((observation) -> observation
                            .hasNameEqualTo("leap.client.publish")
                            .hasLowCardinalityKeyValue("leap.event", "answer")
                            .hasHighCardinalityKeyValue("leap.channel", "answers")
                            .hasParentObservationContextMatching(
                                    (parent) -> parent instanceof LeapListenerReceiverContext listener
                                            && listener.getListenerId().equals("questions")))
                    .hasAnObservation((observation) -> observation
                            .hasNameEqualTo("leap.listener")
                            .hasLowCardinalityKeyValue("leap.listener.id", "answers")
                            .hasLowCardinalityKeyValue("leap.event", "answer"));
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> TestObservationRegistryAssert.assertThat(registry)
                            .hasAnObservation((observation) -> observation
                                    .hasNameEqualTo("leap.events")
                                    .hasContextualNameEqualTo("leap message")
                                    .hasLowCardinalityKeyValue("leap.event.type", "message")
                                    .hasLowCardinalityKeyValue("leap.event", "from.socket")
                                    .hasLowCardinalityKeyValue("error.type", "none")
                                    .hasHighCardinalityKeyValue("leap.channel", "orders"))
                            .hasAnObservation((observation) -> observation
                                    .hasNameEqualTo("leap.events")
                                    .hasLowCardinalityKeyValue("leap.event.type", "connection_state")
                                    .hasLowCardinalityKeyValue("leap.event", "CONNECTED")
                                    .hasHighCardinalityKeyValue("leap.channel", "none")));
            // A Leap token is a credential: never a key value of any observation.
            TestObservationRegistryAssert.assertThat(registry)
                    .hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts)
                            .allSatisfy((handled) -> assertThat(handled.getAllKeyValues())
                                    .noneSatisfy((keyValue) ->
                                            assertThat(keyValue.getValue()).contains(token.id()))));
        });
    }

    @Test
    void aListenerOfTheEventsRunsInsideTheEventsObservationAndItsErrorIsRecorded() {
        this.runner
                .withPropertyValues("leap.events.observation-enabled=true")
                .withUserConfiguration(FailingEventListener.class)
                .run((context) -> {
                    LeapServer server = awaitSubscribed(context);
                    TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
                    FailingEventListener failing = context.getBean(FailingEventListener.class);
                    server.publish("orders", "poison", Map.of());
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> TestObservationRegistryAssert.assertThat(registry)
                                    .hasAnObservation((observation) -> observation
                                            .hasNameEqualTo("leap.events")
                                            .hasLowCardinalityKeyValue("leap.event", "poison")
                                            .hasLowCardinalityKeyValue("error.type", "IllegalArgumentException")
                                            .hasError()));
                    assertThat(failing.currentContexts).singleElement().isInstanceOf(LeapEventContext.class);
                    // The next event still arrives.
                    server.publish("orders", "order.created", Map.of());
                    Listeners listeners = context.getBean(Listeners.class);
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> assertThat(listeners.events)
                                    .extracting(LeapMessageEvent::getEvent)
                                    .contains("order.created"));
                });
    }

    @Test
    void conventionBeansReplaceTheDefaultConventions() {
        this.runner
                .withPropertyValues(ALL_ON)
                .withUserConfiguration(CustomConventions.class)
                .run((context) -> {
                    LeapServer server = awaitSubscribed(context);
                    TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
                    context.getBean(LeapOperations.class).publish("orders", "from.template", Map.of());
                    context.getBean(LeapClient.class).publish("orders", "from.socket", Map.of());
                    server.publish("orders", "order.created", Map.of());
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> TestObservationRegistryAssert.assertThat(registry)
                                    .hasAnObservation((observation) -> observation
                                            .hasNameEqualTo("app.leap.listener")
                                            .hasLowCardinalityKeyValue("app", "shop")
                                            .hasLowCardinalityKeyValue("leap.listener.id", "orders"))
                                    .hasAnObservation((observation) -> observation
                                            .hasNameEqualTo("app.leap.template")
                                            .hasLowCardinalityKeyValue("app", "shop")
                                            .hasLowCardinalityKeyValue("leap.operation", "publish"))
                                    .hasAnObservation((observation) -> observation
                                            .hasNameEqualTo("app.leap.publish")
                                            .hasLowCardinalityKeyValue("app", "shop"))
                                    .hasAnObservation((observation) -> observation
                                            .hasNameEqualTo("app.leap.events")
                                            .hasLowCardinalityKeyValue("app", "shop")));
                    TestObservationRegistryAssert.assertThat(registry)
                            .hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts)
                                    .allSatisfy((handled) ->
                                            assertThat(handled.getName()).startsWith("app.leap.")));
                });
    }

    @Test
    void withoutAnObservationRegistryTheSwitchesChangeNothing() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LeapObservationAutoConfiguration.class))
                .withPropertyValues(ALL_ON)
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean("leapApiObservationCustomizer")
                        .doesNotHaveBean("leapTemplateObservationCustomizer")
                        .doesNotHaveBean("leapListenerObservationConfigurer")
                        .doesNotHaveBean("leapClientObservationPostProcessor"));
    }

    private static LeapServer awaitSubscribed(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed();
        LeapServer server = context.getBean(LeapServer.class);
        await().atMost(TIMEOUT)
                .until(() -> server.onlineCount("orders") == 1
                        && server.onlineCount("questions") == 1
                        && server.onlineCount("answers") == 1);
        return server;
    }

    @Configuration(proxyBeanMethods = false)
    static class ObservationConfig {

        @Bean
        TestObservationRegistry observationRegistry(MeterRegistry meterRegistry) {
            TestObservationRegistry registry = TestObservationRegistry.builder()
                    .validateObservationsWithTheSameNameHavingTheSameSetOfLowCardinalityKeys(true)
                    .build();
            registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meterRegistry));
            return registry;
        }
    }

    static class Listeners {

        final List<String> orders = new CopyOnWriteArrayList<>();

        final List<String> answers = new CopyOnWriteArrayList<>();

        final List<LeapMessageEvent> events = new CopyOnWriteArrayList<>();

        @LeapListener(id = "orders", channels = "orders")
        void orders(Map<String, Object> data, @Header(LeapHeaders.EVENT) String event) {
            if ("fail".equals(event)) {
                throw new IllegalStateException("refused");
            }
            this.orders.add(event);
        }

        @LeapListener(id = "questions", channels = "questions", replyEvent = "answer")
        @SendTo("answers")
        Map<String, String> question(Map<String, String> question) {
            return Map.of("text", question.get("text").toUpperCase());
        }

        @LeapListener(id = "answers", channels = "answers")
        void answers(Map<String, String> answer, @Header(LeapHeaders.EVENT) String event) {
            this.answers.add(event);
        }

        @EventListener
        void on(LeapMessageEvent event) {
            if ("orders".equals(event.getChannelId())) {
                this.events.add(event);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FailingEventListener {

        final List<Object> currentContexts = new CopyOnWriteArrayList<>();

        private final TestObservationRegistry registry;

        FailingEventListener(TestObservationRegistry registry) {
            this.registry = registry;
        }

        @EventListener
        void on(LeapMessageEvent event) {
            if ("poison".equals(event.getEvent())) {
                this.currentContexts.add(this.registry.getCurrentObservation().getContext());
                throw new IllegalArgumentException("poison");
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomConventions {

        private static final KeyValue APP = KeyValue.of("app", "shop");

        @Bean
        DefaultLeapListenerObservationConvention appListenerConvention() {
            return new DefaultLeapListenerObservationConvention() {
                @Override
                public String getName() {
                    return "app.leap.listener";
                }

                @Override
                public KeyValues getLowCardinalityKeyValues(LeapListenerReceiverContext context) {
                    return super.getLowCardinalityKeyValues(context).and(APP);
                }
            };
        }

        @Bean
        DefaultLeapTemplateObservationConvention appTemplateConvention() {
            return new DefaultLeapTemplateObservationConvention() {
                @Override
                public String getName() {
                    return "app.leap.template";
                }

                @Override
                public KeyValues getLowCardinalityKeyValues(LeapTemplateSenderContext context) {
                    return super.getLowCardinalityKeyValues(context).and(APP);
                }
            };
        }

        @Bean
        DefaultLeapPublishObservationConvention appPublishConvention() {
            return new DefaultLeapPublishObservationConvention() {
                @Override
                public String getName() {
                    return "app.leap.publish";
                }

                @Override
                public KeyValues getLowCardinalityKeyValues(LeapPublishSenderContext context) {
                    return super.getLowCardinalityKeyValues(context).and(APP);
                }
            };
        }

        @Bean
        DefaultLeapEventObservationConvention appEventConvention() {
            return new DefaultLeapEventObservationConvention() {
                @Override
                public String getName() {
                    return "app.leap.events";
                }

                @Override
                public KeyValues getLowCardinalityKeyValues(LeapEventContext context) {
                    return super.getLowCardinalityKeyValues(context).and(APP);
                }
            };
        }
    }
}
