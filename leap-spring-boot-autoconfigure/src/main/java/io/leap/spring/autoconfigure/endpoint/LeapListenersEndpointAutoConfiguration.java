package io.leap.spring.autoconfigure.endpoint;

import io.leap.spring.autoconfigure.LeapListenerAutoConfiguration;
import io.leap.spring.config.LeapListenerConfigUtils;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code leaplisteners} Actuator endpoint ({@link LeapListenersEndpoint}) when Actuator is
 * present and the endpoint is available (exposed and enabled).
 */
@AutoConfiguration(after = LeapListenerAutoConfiguration.class)
@ConditionalOnClass(
        name = {
            "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
            "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
        },
        value = LeapListenerEndpointRegistry.class)
@ConditionalOnBooleanProperty(name = "leap.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "leap.listener.enabled", matchIfMissing = true)
@ConditionalOnBean(name = LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)
public final class LeapListenersEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(LeapListenersEndpoint.class)
    LeapListenersEndpoint leapListenersEndpoint(
            @Qualifier(LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)
                    LeapListenerEndpointRegistry registry) {
        return new LeapListenersEndpoint(registry);
    }
}
