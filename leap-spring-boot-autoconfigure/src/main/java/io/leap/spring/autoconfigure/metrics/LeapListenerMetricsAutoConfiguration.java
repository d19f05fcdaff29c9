package io.leap.spring.autoconfigure.metrics;

import io.leap.spring.autoconfigure.LeapListenerAutoConfiguration;
import io.leap.spring.config.LeapListenerConfigUtils;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code leap.listener.*} meters ({@link LeapListenerMetrics}) of the {@code @LeapListener}
 * containers, when Micrometer is present.
 */
@AutoConfiguration(after = LeapListenerAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, LeapListenerEndpointRegistry.class})
@ConditionalOnBooleanProperty(name = "leap.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "leap.listener.enabled", matchIfMissing = true)
@ConditionalOnBean(name = LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)
public final class LeapListenerMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LeapListenerMetrics leapListenerMetrics(
            @Qualifier(LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)
                    LeapListenerEndpointRegistry registry) {
        return new LeapListenerMetrics(registry);
    }
}
