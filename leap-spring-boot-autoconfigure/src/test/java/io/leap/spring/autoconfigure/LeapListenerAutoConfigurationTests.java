package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.leap.spring.annotation.EnableLeap;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.annotation.LeapListenerAnnotationBeanPostProcessor;
import io.leap.spring.autoconfigure.endpoint.LeapListenersEndpoint;
import io.leap.spring.autoconfigure.endpoint.LeapListenersEndpointAutoConfiguration;
import io.leap.spring.autoconfigure.metrics.LeapListenerMetrics;
import io.leap.spring.autoconfigure.metrics.LeapListenerMetricsAutoConfiguration;
import io.leap.spring.config.LeapListenerConfigUtils;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.listener.LeapListenerContainer;
import io.leap.spring.listener.LeapListenerErrorHandler;
import io.leap.spring.listener.LoggingLeapListenerErrorHandler;
import io.leap.spring.support.LeapHandlerMethodFactories;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import tools.jackson.databind.JsonNode;

/**
 * {@link LeapListenerAutoConfiguration} without a server: beans, back-off, switches, the Actuator endpoint and
 * startup failures for invalid listeners. The client is never started ({@code leap.lifecycle.auto-startup=false}).
 */
class LeapListenerAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    PropertyPlaceholderAutoConfiguration.class,
                    JacksonAutoConfiguration.class,
                    LeapAutoConfiguration.class,
                    LeapListenerAutoConfiguration.class,
                    LeapListenerMetricsAutoConfiguration.class,
                    LeapListenersEndpointAutoConfiguration.class))
            .withPropertyValues(
                    "leap.project-id=project_test",
                    "leap.token=leap_token_secret",
                    "leap.url=ws://127.0.0.1:1/ws",
                    "leap.lifecycle.auto-startup=false");

    @Test
    void registersTheInfrastructure() {
        this.runner.withUserConfiguration(ValidListener.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context)
                    .hasBean(LeapListenerConfigUtils.LEAP_LISTENER_ANNOTATION_PROCESSOR_BEAN_NAME)
                    .hasBean(LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)
                    .hasBean(LeapListenerConfigUtils.LEAP_HANDLER_METHOD_FACTORY_BEAN_NAME)
                    .hasSingleBean(LoggingLeapListenerErrorHandler.class)
                    .hasSingleBean(LeapListenerMetrics.class);
            LeapListenerEndpointRegistry registry = context.getBean(LeapListenerEndpointRegistry.class);
            assertThat(registry.getPhase()).isEqualTo(Integer.MAX_VALUE - 100);
            assertThat(registry.getListenerContainerIds()).containsExactly("valid");
            LeapListenerContainer container = registry.getListenerContainer("valid");
            assertThat(container.getBufferSize()).isEqualTo(1024);
            assertThat(container.getChannels()).containsExactly("orders");
        });
    }

    @Test
    void propertiesSetTheDefaults() {
        this.runner
                .withUserConfiguration(ValidListener.class)
                .withPropertyValues(
                        "leap.delivery.buffer-size=77",
                        "leap.listener.overflow-policy=drop-oldest",
                        "leap.listener.phase=42",
                        "leap.listener.auto-startup=false")
                .run((context) -> {
                    LeapListenerEndpointRegistry registry = context.getBean(LeapListenerEndpointRegistry.class);
                    LeapListenerContainer container = registry.getListenerContainer("valid");
                    assertThat(container.getBufferSize()).isEqualTo(77);
                    assertThat(container.getOverflowPolicy()).isEqualTo(io.leap.client.OverflowPolicy.DROP_OLDEST);
                    assertThat(registry.getPhase()).isEqualTo(42);
                    assertThat(registry.isRunning()).isTrue();
                    assertThat(container.isRunning()).isFalse();
                });
    }

    @Test
    void userBeansWin() {
        this.runner
                .withUserConfiguration(ValidListener.class, CustomBeans.class)
                .run((context) -> {
                    assertThat(context).doesNotHaveBean(LoggingLeapListenerErrorHandler.class);
                    assertThat(context.getBean(LeapListenerConfigUtils.LEAP_HANDLER_METHOD_FACTORY_BEAN_NAME))
                            .isSameAs(context.getBean(CustomBeans.class).factory);
                });
    }

    @Test
    void backsOffWhenTheApplicationEnablesLeapItself() {
        this.runner.withUserConfiguration(UserEnableLeap.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context)
                    .hasSingleBean(LeapListenerAnnotationBeanPostProcessor.class)
                    .hasSingleBean(LeapListenerEndpointRegistry.class);
            assertThat(context.getBean(LeapListenerEndpointRegistry.class).getListenerContainerIds())
                    .containsExactly("valid");
        });
    }

    @Test
    void canBeDisabled() {
        this.runner
                .withUserConfiguration(ValidListener.class)
                .withPropertyValues("leap.listener.enabled=false")
                .run((context) -> assertThat(context)
                        .doesNotHaveBean(LeapListenerEndpointRegistry.class)
                        .doesNotHaveBean(LeapListenerAnnotationBeanPostProcessor.class));
    }

    @Test
    void backsOffWithoutSpringMessaging() {
        this.runner
                .withClassLoader(new FilteredClassLoader("org.springframework.messaging"))
                .run((context) -> assertThat(context).doesNotHaveBean(LeapListenerEndpointRegistry.class));
    }

    @Test
    void worksWithoutActuatorAndMicrometer() {
        this.runner
                .withUserConfiguration(ValidListener.class)
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "io.micrometer"))
                .run((context) -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LeapListenerEndpointRegistry.class);
                    assertThat(context)
                            .doesNotHaveBean(LeapListenerMetrics.class)
                            .doesNotHaveBean(LeapListenersEndpoint.class);
                });
    }

    @Test
    void actuatorEndpointListsAndControlsListeners() {
        this.runner
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withUserConfiguration(ValidListener.class)
                .withPropertyValues("management.endpoints.web.exposure.include=leaplisteners")
                .run((context) -> {
                    LeapListenersEndpoint endpoint = context.getBean(LeapListenersEndpoint.class);
                    LeapListenersEndpoint.ListenersDescriptor all = endpoint.listeners();
                    assertThat(all.channels()).containsExactly("orders");
                    assertThat(all.listeners()).containsOnlyKeys("valid");
                    assertThat(all.listeners().get("valid").state()).isEqualTo("running");
                    assertThat(endpoint.control("valid", "pause").state()).isEqualTo("paused");
                    assertThat(endpoint.control("valid", "resume").state()).isEqualTo("running");
                    assertThat(endpoint.control("valid", "stop").state()).isEqualTo("stopped");
                    assertThat(endpoint.control("valid", "start").state()).isEqualTo("running");
                    assertThat(endpoint.listener("nope")).isNull();
                    assertThat(endpoint.control("nope", "pause")).isNull();
                    assertThatExceptionOfType(InvalidEndpointRequestException.class)
                            .isThrownBy(() -> endpoint.control("valid", "explode"));
                    assertThat(endpoint.listener("valid").stats().received()).isZero();
                });
    }

    @Test
    void actuatorEndpointNeedsExposure() {
        this.runner
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
                .withUserConfiguration(ValidListener.class)
                .run((context) -> assertThat(context).doesNotHaveBean(LeapListenersEndpoint.class));
    }

    @Test
    void listenerWithoutChannelsFailsStartup() {
        this.runner
                .withUserConfiguration(NoChannels.class)
                .run((context) -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasMessageContaining("NoChannels.on()")
                        .hasMessageContaining("name at least one channel"));
    }

    @Test
    void badAttributesFailStartup() {
        this.runner
                .withUserConfiguration(BadPolicy.class)
                .run((context) -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasMessageContaining("overflowPolicy 'sometimes'"));
        this.runner
                .withUserConfiguration(MissingPlaceholder.class)
                .run((context) ->
                        assertThat(context).hasFailed().getFailure().hasMessageContaining("no.such.property"));
        this.runner
                .withUserConfiguration(DuplicateIds.class)
                .run((context) ->
                        assertThat(context).hasFailed().getFailure().hasMessageContaining("'same' is already used"));
    }

    @Test
    void sendToTheListenedChannelWithTheSameEventFailsStartup() {
        this.runner
                .withUserConfiguration(Echo.class)
                .run((context) ->
                        assertThat(context).hasFailed().getFailure().hasMessageContaining("would call itself forever"));
    }

    @Test
    void importsFileListsTheAutoConfiguration() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
                .contains(
                        LeapListenerAutoConfiguration.class.getName(),
                        LeapListenerMetricsAutoConfiguration.class.getName(),
                        LeapListenersEndpointAutoConfiguration.class.getName());
    }

    @Configuration(proxyBeanMethods = false)
    static class ValidListener {

        @LeapListener(id = "valid", channels = "orders")
        void on(JsonNode data) {}
    }

    @Configuration(proxyBeanMethods = false)
    @EnableLeap
    static class UserEnableLeap extends ValidListener {}

    @Configuration(proxyBeanMethods = false)
    static class CustomBeans {

        final MessageHandlerMethodFactory factory = LeapHandlerMethodFactories.create(
                tools.jackson.databind.json.JsonMapper.builder().build(), null, null);

        @Bean
        LeapListenerErrorHandler myErrorHandler() {
            return (exception) -> {};
        }

        @Bean(LeapListenerConfigUtils.LEAP_HANDLER_METHOD_FACTORY_BEAN_NAME)
        MessageHandlerMethodFactory leapHandlerMethodFactory() {
            return this.factory;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NoChannels {

        @LeapListener
        void on(String data) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class BadPolicy {

        @LeapListener(channels = "x", overflowPolicy = "sometimes")
        void on(String data) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class MissingPlaceholder {

        @LeapListener(channels = "${no.such.property}")
        void on(String data) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class DuplicateIds {

        @LeapListener(id = "same", channels = "x")
        void one(String data) {}

        @LeapListener(id = "same", channels = "y")
        void two(String data) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class Echo {

        @LeapListener(channels = "chat")
        @SendTo("chat")
        Map<String, String> on(Map<String, String> data) {
            return data;
        }
    }
}
