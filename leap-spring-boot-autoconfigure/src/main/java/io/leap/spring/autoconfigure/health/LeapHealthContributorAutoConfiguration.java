package io.leap.spring.autoconfigure.health;

import io.leap.client.LeapClient;
import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.core.LeapClientLifecycle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link LeapHealthIndicator} ({@code /actuator/health/leap}), when
 * {@code spring-boot-health} is on the classpath. Switch it off with {@code management.health.leap.enabled=false}.
 */
@AutoConfiguration(after = LeapAutoConfiguration.class)
@ConditionalOnClass({LeapClient.class, HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnSingleCandidate(LeapClient.class)
public final class LeapHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = {"leapHealthIndicator", "leapHealthContributor"})
    // On the method rather than the class: see the note on FilteredClassLoader in STYLE.md section 6.
    @ConditionalOnEnabledHealthIndicator("leap")
    LeapHealthIndicator leapHealthIndicator(LeapClient client, ObjectProvider<LeapClientLifecycle> lifecycle) {
        LeapClientLifecycle clientLifecycle = lifecycle.getIfUnique();
        return (clientLifecycle != null)
                ? new LeapHealthIndicator(client, clientLifecycle::willReconnect)
                : new LeapHealthIndicator(client);
    }
}
