package io.leap.spring.autoconfigure.observation;

import io.leap.client.LeapClient;
import io.leap.spring.annotation.LeapListenerConfigurer;
import io.leap.spring.autoconfigure.LeapApiCustomizer;
import io.leap.spring.autoconfigure.LeapTemplateCustomizer;
import io.leap.spring.config.LeapListenerEndpointRegistrar;
import io.leap.spring.observation.LeapClientObservations;
import io.leap.spring.observation.LeapListenerObservationConvention;
import io.leap.spring.observation.LeapPublishObservationConvention;
import io.leap.spring.observation.LeapTemplateObservationConvention;
import io.leap.spring.observation.LeapTemplateRequestHeaders;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;

/**
 * Auto-configuration of the Leap observations when the application has an {@link ObservationRegistry} bean (Spring
 * Boot's {@code ObservationAutoConfiguration} defines one with Actuator), each switched on by its property, as Boot
 * does for Kafka's {@code spring.kafka.template/listener.observation-enabled}:
 * <ul>
 * <li>{@code leap.listener.observation-enabled}: {@code leap.listener}, every {@code @LeapListener} invocation;
 * <li>{@code leap.api.observation-enabled}: {@code leap.template}, every operation of the auto-configured
 * {@code LeapTemplate}, and the trace context in the headers of the auto-configured {@code LeapApi}'s requests;
 * <li>{@code leap.observation-enabled}: {@code leap.client.publish}, every publish over the socket of the
 * {@link LeapClient} bean;
 * <li>{@code leap.events.observation-enabled}: {@code leap.events}, applied by {@code LeapAutoConfiguration} to the
 * event bridge.
 * </ul>
 * A unique {@code LeapListenerObservationConvention}, {@code LeapTemplateObservationConvention},
 * {@code LeapPublishObservationConvention} or {@code LeapEventObservationConvention} bean replaces the default
 * convention.
 */
@AutoConfiguration(
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ObservationRegistry.class, LeapClient.class})
@ConditionalOnBean(ObservationRegistry.class)
public final class LeapObservationAutoConfiguration {

    /** The {@code leap.template} observation and the propagation of the trace context to REST requests. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty("leap.api.observation-enabled")
    static class TemplateObservationConfiguration {

        @Bean
        LeapApiCustomizer leapApiObservationCustomizer(ObjectProvider<ObservationRegistry> registry) {
            return new ApiObservationCustomizer(registry);
        }

        @Bean
        LeapTemplateCustomizer leapTemplateObservationCustomizer(
                ObjectProvider<ObservationRegistry> registry,
                ObjectProvider<LeapTemplateObservationConvention> convention) {
            return new TemplateObservationCustomizer(registry, convention);
        }
    }

    /** The {@code leap.listener} observation. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MessageHandlerMethodFactory.class)
    @ConditionalOnBooleanProperty("leap.listener.observation-enabled")
    static class ListenerObservationConfiguration {

        @Bean
        LeapListenerConfigurer leapListenerObservationConfigurer(
                ObjectProvider<ObservationRegistry> registry,
                ObjectProvider<LeapListenerObservationConvention> convention) {
            return new ListenerObservationConfigurer(registry, convention);
        }
    }

    /** The {@code leap.client.publish} observation. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty("leap.observation-enabled")
    static class PublishObservationConfiguration {

        @Bean
        static LeapClientObservationPostProcessor leapClientObservationPostProcessor(
                ObjectProvider<ObservationRegistry> registry,
                ObjectProvider<LeapPublishObservationConvention> convention) {
            return new LeapClientObservationPostProcessor(registry, convention);
        }
    }

    /** Runs before the application's customizers, which can therefore change what it set. */
    private static final class ApiObservationCustomizer implements LeapApiCustomizer, Ordered {

        private final ObjectProvider<ObservationRegistry> registry;

        ApiObservationCustomizer(ObjectProvider<ObservationRegistry> registry) {
            this.registry = registry;
        }

        @Override
        public void customize(io.leap.client.rest.LeapApi.Builder builder) {
            this.registry.ifUnique((observationRegistry) ->
                    builder.requestHeaders(new LeapTemplateRequestHeaders(observationRegistry)));
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /** Runs before the application's customizers, which can therefore change what it set. */
    private static final class TemplateObservationCustomizer implements LeapTemplateCustomizer, Ordered {

        private final ObjectProvider<ObservationRegistry> registry;

        private final ObjectProvider<LeapTemplateObservationConvention> convention;

        TemplateObservationCustomizer(
                ObjectProvider<ObservationRegistry> registry,
                ObjectProvider<LeapTemplateObservationConvention> convention) {
            this.registry = registry;
            this.convention = convention;
        }

        @Override
        public void customize(io.leap.spring.core.LeapTemplate template) {
            this.registry.ifUnique((observationRegistry) -> {
                template.setObservationRegistry(observationRegistry);
                template.setObservationConvention(this.convention.getIfUnique());
            });
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /** Runs before the application's configurers, which can therefore change what it set. */
    private static final class ListenerObservationConfigurer implements LeapListenerConfigurer, Ordered {

        private final ObjectProvider<ObservationRegistry> registry;

        private final ObjectProvider<LeapListenerObservationConvention> convention;

        ListenerObservationConfigurer(
                ObjectProvider<ObservationRegistry> registry,
                ObjectProvider<LeapListenerObservationConvention> convention) {
            this.registry = registry;
            this.convention = convention;
        }

        @Override
        public void configureLeapListeners(LeapListenerEndpointRegistrar registrar) {
            this.registry.ifUnique((observationRegistry) -> {
                registrar.setObservationRegistry(observationRegistry);
                registrar.setObservationConvention(this.convention.getIfUnique());
            });
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /**
     * Wraps {@link LeapClient} beans with {@link LeapClientObservations#observe}. The registry is looked up when the
     * client bean is initialised, not when this post-processor is created.
     */
    static final class LeapClientObservationPostProcessor implements BeanPostProcessor, AopInfrastructureBean {

        private final ObjectProvider<ObservationRegistry> registry;

        private final ObjectProvider<LeapPublishObservationConvention> convention;

        LeapClientObservationPostProcessor(
                ObjectProvider<ObservationRegistry> registry,
                ObjectProvider<LeapPublishObservationConvention> convention) {
            this.registry = registry;
            this.convention = convention;
        }

        @Override
        public @Nullable Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
            if (!(bean instanceof LeapClient client)) {
                return bean;
            }
            ObservationRegistry observationRegistry = this.registry.getIfUnique();
            if (observationRegistry == null || observationRegistry.isNoop()) {
                return bean;
            }
            return LeapClientObservations.observe(client, observationRegistry, this.convention.getIfUnique());
        }
    }
}
