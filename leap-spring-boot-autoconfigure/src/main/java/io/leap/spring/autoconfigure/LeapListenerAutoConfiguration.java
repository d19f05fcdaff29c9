package io.leap.spring.autoconfigure;

import io.leap.client.LeapClient;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.spring.listener.EnableLeap;
import io.leap.spring.listener.LeapHandlerMethodFactories;
import io.leap.spring.listener.LeapListenerConfigUtils;
import io.leap.spring.listener.LeapListenerConfigurer;
import io.leap.spring.listener.LeapListenerEndpointRegistry;
import io.leap.spring.listener.LeapListenerErrorHandler;
import io.leap.spring.listener.LeapListenerMetrics;
import io.leap.spring.listener.LeapListenersEndpoint;
import io.leap.spring.listener.LoggingLeapListenerErrorHandler;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.validation.Validator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration of {@code @LeapListener} methods: applies {@link EnableLeap} unless the application did, and
 * provides the handler-method factory (Jackson over Boot's {@link JsonMapper}, {@code @Valid} with the application's
 * validator), the default {@link LeapListenerErrorHandler}, a {@link LeapListenerConfigurer} applying
 * {@code leap.listener.*}, Micrometer meters, the {@code leaplisteners} Actuator endpoint and, in embedded mode, the
 * creation of the listeners' channels on the embedded server.
 */
@AutoConfiguration(
        after = LeapAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
            "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration"
        })
@ConditionalOnClass({LeapClient.class, MessageHandlerMethodFactory.class, JsonMapper.class})
@ConditionalOnBooleanProperty(name = "leap.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "leap.listener.enabled", matchIfMissing = true)
@EnableConfigurationProperties({LeapListenerProperties.class, LeapProperties.class})
public final class LeapListenerAutoConfiguration {

    private static final String DEFAULT_VALIDATOR_BEAN_NAME = "defaultValidator";

    @Bean(name = LeapListenerConfigUtils.LEAP_HANDLER_METHOD_FACTORY_BEAN_NAME)
    @ConditionalOnMissingBean(name = LeapListenerConfigUtils.LEAP_HANDLER_METHOD_FACTORY_BEAN_NAME)
    MessageHandlerMethodFactory leapHandlerMethodFactory(
            ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<Validator> validators, BeanFactory beanFactory) {
        Validator validator = validators.getIfUnique();
        if (validator == null
                && beanFactory.containsBean(DEFAULT_VALIDATOR_BEAN_NAME)
                && beanFactory.isTypeMatch(DEFAULT_VALIDATOR_BEAN_NAME, Validator.class)) {
            validator = beanFactory.getBean(DEFAULT_VALIDATOR_BEAN_NAME, Validator.class);
        }
        return LeapHandlerMethodFactories.create(
                jsonMapper.getIfUnique(() -> JsonMapper.builder().build()), validator, beanFactory);
    }

    @Bean(name = LeapListenerConfigUtils.LEAP_LISTENER_ERROR_HANDLER_BEAN_NAME)
    @ConditionalOnMissingBean(LeapListenerErrorHandler.class)
    LoggingLeapListenerErrorHandler leapListenerErrorHandler() {
        return new LoggingLeapListenerErrorHandler();
    }

    @Bean
    @Order(0)
    LeapListenerConfigurer leapListenerPropertiesConfigurer(LeapListenerProperties listener, LeapProperties leap) {
        return (registrar) -> {
            Integer bufferSize = listener.getBufferSize();
            registrar.setDefaultBufferSize(
                    (bufferSize != null) ? bufferSize : leap.getDelivery().getBufferSize());
            registrar.setDefaultOverflowPolicy(
                    (listener.getOverflowPolicy() != null)
                            ? listener.getOverflowPolicy()
                            : leap.getDelivery().getOverflowPolicy());
            registrar.setAutoStartup(listener.isAutoStartup());
            registrar.setShutdownTimeout(listener.getShutdownTimeout());
            registrar.setPhase(listener.getPhase());
        };
    }

    @Configuration(proxyBeanMethods = false)
    @EnableLeap
    @ConditionalOnMissingBean(name = LeapListenerConfigUtils.LEAP_LISTENER_ANNOTATION_PROCESSOR_BEAN_NAME)
    static class EnableLeapConfiguration {}

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class LeapListenerMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LeapListenerMetrics leapListenerMetrics(
                @Qualifier(LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)
                        LeapListenerEndpointRegistry registry) {
            return new LeapListenerMetrics(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {
                "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
                "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
            })
    static class LeapListenersEndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint(LeapListenersEndpoint.class)
        LeapListenersEndpoint leapListenersEndpoint(
                @Qualifier(LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)
                        LeapListenerEndpointRegistry registry) {
            return new LeapListenersEndpoint(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(LeapServer.class)
    @ConditionalOnBean(LeapServer.class)
    static class EmbeddedChannelsConfiguration {

        @Bean
        EmbeddedListenerChannels leapListenerEmbeddedChannels(
                LeapServer server,
                @Qualifier(LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)
                        LeapListenerEndpointRegistry registry,
                LeapProperties properties) {
            return new EmbeddedListenerChannels(
                    server, registry, properties.getLifecycle().getPhase() - 1);
        }
    }

    /**
     * Embedded mode: creates the channels named by listeners (type {@code public}) on the embedded server before the
     * client connects, as {@code leap.embedded.channels} does for configured channels.
     */
    static final class EmbeddedListenerChannels implements SmartLifecycle {

        private static final Log logger = LogFactory.getLog(EmbeddedListenerChannels.class);

        private final LeapServer server;

        private final LeapListenerEndpointRegistry registry;

        private final int phase;

        private volatile boolean running;

        EmbeddedListenerChannels(LeapServer server, LeapListenerEndpointRegistry registry, int phase) {
            this.server = server;
            this.registry = registry;
            this.phase = phase;
        }

        @Override
        public void start() {
            Set<String> created = new LinkedHashSet<>();
            for (String channel : this.registry.getChannels()) {
                if (!this.server.channelIds().contains(channel)) {
                    this.server.createChannel(channel, ChannelType.PUBLIC, null);
                    created.add(channel);
                }
            }
            if (!created.isEmpty()) {
                logger.info("Created channels " + created + " of @LeapListener methods on the embedded Leap server");
            }
            this.running = true;
        }

        @Override
        public void stop() {
            this.running = false;
        }

        @Override
        public boolean isRunning() {
            return this.running;
        }

        @Override
        public int getPhase() {
            return this.phase;
        }
    }
}
