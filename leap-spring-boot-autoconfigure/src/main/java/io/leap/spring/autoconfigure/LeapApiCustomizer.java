package io.leap.spring.autoconfigure;

import io.leap.client.rest.LeapApi;

/**
 * Callback to customize the builder of the auto-configured Channels REST API client ({@link LeapApi}), after the
 * {@code leap.api.*} properties have been applied: for example to set an own {@code HttpClient}, user agent or retry
 * policy. Beans of this type are applied in order.
 */
@FunctionalInterface
public interface LeapApiCustomizer {

    /**
     * Customize the builder.
     * @param builder the builder
     */
    void customize(LeapApi.Builder builder);
}
