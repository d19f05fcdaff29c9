package io.leap.spring.autoconfigure.metrics;

import io.leap.client.rest.LeapApi;
import io.leap.spring.autoconfigure.LeapTemplateAutoConfiguration;
import io.leap.spring.core.LeapTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code leap.api.requests} timer ({@link LeapApiMetrics}) when Micrometer, a
 * {@link MeterRegistry} and a {@link LeapTemplate} are present. The auto-configured template picks the observer up; a
 * template you define yourself needs {@code template.setObserver(leapApiMetrics)}.
 */
@AutoConfiguration(
        after = LeapTemplateAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"
        })
@ConditionalOnClass({LeapApi.class, MeterRegistry.class})
@ConditionalOnBean(LeapTemplate.class)
public final class LeapApiMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(MeterRegistry.class)
    LeapApiMetrics leapApiMetrics(MeterRegistry registry) {
        return new LeapApiMetrics(registry);
    }
}
