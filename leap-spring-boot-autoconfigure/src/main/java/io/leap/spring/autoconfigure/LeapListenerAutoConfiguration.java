package io.leap.spring.autoconfigure;

import io.leap.client.LeapClient;
import io.leap.spring.annotation.EnableLeap;
import io.leap.spring.annotation.LeapListenerConfigurer;
import io.leap.spring.config.LeapListenerConfigUtils;
import io.leap.spring.listener.LeapListenerErrorHandler;
import io.leap.spring.listener.LoggingLeapListenerErrorHandler;
import io.leap.spring.support.LeapHandlerMethodFactories;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
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
 * {@code leap.listener.*}. Micrometer meters come from
 * {@link io.leap.spring.autoconfigure.metrics.LeapListenerMetricsAutoConfiguration}, the {@code leaplisteners}
 * Actuator endpoint from {@link io.leap.spring.autoconfigure.endpoint.LeapListenersEndpointAutoConfiguration}; in
 * embedded mode, {@link io.leap.spring.autoconfigure.embedded.LeapEmbeddedServerAutoConfiguration} creates the
 * listeners' channels on the embedded server.
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
}
