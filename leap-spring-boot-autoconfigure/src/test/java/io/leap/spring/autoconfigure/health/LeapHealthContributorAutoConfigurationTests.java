package io.leap.spring.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class LeapHealthContributorAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    LeapAutoConfiguration.class,
                    LeapHealthContributorAutoConfiguration.class,
                    HealthContributorRegistryAutoConfiguration.class))
            .withPropertyValues(
                    "leap.lifecycle.auto-startup=false",
                    "leap.project-id=project_test",
                    "leap.token=leap_token_test",
                    "leap.url=ws://127.0.0.1:1/ws");

    @Test
    void registersIndicatorNamedLeap() {
        this.runner.run((context) -> {
            assertThat(context).hasSingleBean(LeapHealthIndicator.class).hasBean("leapHealthIndicator");
            HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
            assertThat(registry.getContributor("leap")).isInstanceOf(LeapHealthIndicator.class);
            // Not started: the client is idle, so DOWN.
            assertThat(((HealthIndicator) registry.getContributor("leap"))
                            .health(true)
                            .getStatus())
                    .isEqualTo(Status.DOWN);
        });
    }

    @Test
    void disabledByProperty() {
        this.runner
                .withPropertyValues("management.health.leap.enabled=false")
                .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LeapHealthIndicator.class));
    }

    @Test
    void backsOffForUserBeanNamedLeapHealthIndicator() {
        this.runner
                .withBean("leapHealthIndicator", HealthIndicator.class, () -> () -> null)
                .run((context) -> assertThat(context).doesNotHaveBean(LeapHealthIndicator.class));
    }

    @Test
    void absentWithoutSpringBootHealth() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        LeapAutoConfiguration.class, LeapHealthContributorAutoConfiguration.class))
                .withPropertyValues(
                        "leap.lifecycle.auto-startup=false",
                        "leap.project-id=project_test",
                        "leap.token=leap_token_test")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LeapHealthIndicator.class));
    }

    @Test
    void absentWithoutClient() {
        this.runner
                .withPropertyValues("leap.enabled=false")
                .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LeapHealthIndicator.class));
    }
}
