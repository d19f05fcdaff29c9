package io.leap.spring.autoconfigure;

import io.leap.spring.core.LeapTemplate;

/**
 * Callback to customize the auto-configured {@link LeapTemplate} (its mapper or observer) before it is used. Beans of
 * this type are applied in order.
 */
@FunctionalInterface
public interface LeapTemplateCustomizer {

    /**
     * Customize the template.
     * @param template the template
     */
    void customize(LeapTemplate template);
}
