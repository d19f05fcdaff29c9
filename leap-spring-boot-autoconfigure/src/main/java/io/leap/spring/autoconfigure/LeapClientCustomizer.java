package io.leap.spring.autoconfigure;

import io.leap.client.LeapClient;

/**
 * Callback to customize the {@link LeapClient.Builder} of the auto-configured client after the properties have been
 * applied. Customizer beans are applied in {@link org.springframework.core.Ordered order}.
 */
@FunctionalInterface
public interface LeapClientCustomizer {

    /**
     * Customize the builder.
     * @param builder the builder of the auto-configured client
     */
    void customize(LeapClient.Builder builder);
}
