package io.leap.spring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.LeapClientObserver;
import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class LeapMetricsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LeapAutoConfiguration.class, LeapMetricsAutoConfiguration.class))
            .withPropertyValues(
                    "leap.lifecycle.auto-startup=false",
                    "leap.project-id=project_test",
                    "leap.token=leap_token_test",
                    "leap.url=ws://127.0.0.1:1/ws");

    private final ApplicationContextRunner withRegistry = this.runner.withConfiguration(AutoConfigurations.of(
            MetricsAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class));

    @Test
    void bindsMetersWhenRegistryPresent() {
        this.withRegistry.run((context) -> {
            assertThat(context).hasNotFailed().hasSingleBean(LeapMetrics.class);
            assertThat(context.getBean(LeapMetrics.class)).isInstanceOf(LeapClientObserver.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("leap.connection.up")
                            .tag("project", "project_test")
                            .gauge()
                            .value())
                    .isZero();
            assertThat(registry.get("leap.connection.state")
                            .tag("state", "idle")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);
            assertThat(registry.get("leap.connection.state")
                            .tag("state", "connected")
                            .gauge()
                            .value())
                    .isZero();
            assertThat(registry.get("leap.messages.received").functionCounter().count())
                    .isZero();
            assertThat(registry.get("leap.reconnects").functionCounter().count())
                    .isZero();
            assertThat(registry.get("leap.events.errors").functionCounter().count())
                    .isZero();
            assertThat(registry.get("leap.events.dropped").functionCounter().count())
                    .isZero();
            assertThat(registry.get("leap.events.buffered").gauge().value()).isZero();
            assertThat(registry.get("leap.heartbeat.rtt").timer().count()).isZero();
        });
    }

    @Test
    void absentWithoutRegistry() {
        this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LeapMetrics.class));
    }

    @Test
    void absentWithoutMicrometer() {
        this.withRegistry
                .withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LeapMetrics.class));
    }

    @Test
    void backsOffForUserBinder() {
        this.withRegistry
                .withBean(
                        "myLeapMetrics",
                        LeapMetrics.class,
                        () -> new LeapMetrics(() -> null, java.util.List.of(), false))
                .run((context) ->
                        assertThat(context).hasSingleBean(LeapMetrics.class).hasBean("myLeapMetrics"));
    }
}
