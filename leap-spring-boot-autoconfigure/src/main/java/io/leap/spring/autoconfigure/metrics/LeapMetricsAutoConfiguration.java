package io.leap.spring.autoconfigure.metrics;

import io.leap.client.LeapClient;
import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.autoconfigure.LeapProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@link LeapMetrics} when Micrometer and a {@link MeterRegistry} are present. The binder is also
 * a {@link io.leap.client.LeapClientObserver}, which the auto-configured client picks up.
 */
@AutoConfiguration(
        after = LeapAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"
        })
@ConditionalOnClass({LeapClient.class, MeterRegistry.class})
@ConditionalOnBean({LeapClient.class, MeterRegistry.class})
public final class LeapMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LeapMetrics leapMetrics(
            ObjectProvider<LeapClient> client,
            ObjectProvider<LeapConnectionDetails> connectionDetails,
            LeapProperties properties) {
        List<Tag> tags = new ArrayList<>();
        LeapConnectionDetails details = connectionDetails.getIfUnique();
        if (details != null) {
            tags.add(Tag.of("project", details.getProjectId()));
        }
        return new LeapMetrics(client::getObject, tags, properties.getMetrics().isEventNameTag());
    }
}
