package io.leap.spring.annotation;

import io.leap.spring.config.LeapListenerEndpointRegistrar;

/**
 * Callback for beans that adjust the {@link LeapListener} infrastructure before the endpoints are created: the client,
 * the handler-method factory, the default error handler, the executor and the defaults. Every such bean is applied, in
 * {@link org.springframework.core.Ordered order}; Spring Boot's own configurer (applying {@code leap.listener.*}) runs
 * first.
 */
@FunctionalInterface
public interface LeapListenerConfigurer {

    /**
     * Adjust the registrar.
     * @param registrar the settings used to create the listener endpoints
     */
    void configureLeapListeners(LeapListenerEndpointRegistrar registrar);
}
