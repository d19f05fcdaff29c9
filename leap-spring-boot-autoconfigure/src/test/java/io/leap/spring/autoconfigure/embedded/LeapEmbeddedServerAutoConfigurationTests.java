package io.leap.spring.autoconfigure.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.LeapClient;
import io.leap.server.LeapServer;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.autoconfigure.LeapApiConnectionDetails;
import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.autoconfigure.LeapCredentialsMissingException;
import io.leap.spring.autoconfigure.LeapListenerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class LeapEmbeddedServerAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(LeapEmbeddedServerAutoConfiguration.class, LeapAutoConfiguration.class))
            .withPropertyValues("leap.lifecycle.auto-startup=false");

    @Test
    void startsServerAndPointsClientAtIt() {
        this.runner
                .withPropertyValues(
                        "leap.embedded.enabled=true",
                        "leap.channels=orders",
                        "leap.embedded.channels=chat,orders",
                        "leap.embedded.token-state={\"user\":\"demo\"}")
                .run((context) -> {
                    assertThat(context)
                            .hasNotFailed()
                            .hasSingleBean(LeapServer.class)
                            .hasSingleBean(LeapClient.class);
                    LeapServer server = context.getBean(LeapServer.class);
                    LeapConnectionDetails details = context.getBean(LeapConnectionDetails.class);
                    assertThat(details).isInstanceOf(EmbeddedLeapConnectionDetails.class);
                    assertThat(details.getUrl()).isEqualTo(server.wsUrl());
                    assertThat(server.port()).isPositive();
                    assertThat(details.getProjectId()).isEqualTo(server.projectId());
                    assertThat(details.getToken()).startsWith("leap_token_");
                    // LeapTemplate's side: the embedded server's REST API and project token.
                    LeapApiConnectionDetails apiDetails = context.getBean(LeapApiConnectionDetails.class);
                    assertThat(apiDetails).isInstanceOf(EmbeddedLeapApiConnectionDetails.class);
                    assertThat(apiDetails.getUrl()).isEqualTo(server.apiUrl());
                    assertThat(apiDetails.getToken()).isEqualTo(server.projectToken());
                    assertThat(apiDetails.toString()).doesNotContain(server.projectToken());
                    assertThat(details.toString()).doesNotContain(details.getToken());
                    assertThat(server.channelIds()).containsExactly("orders", "chat");
                });
    }

    @Test
    void offByDefault() {
        this.runner.run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(LeapCredentialsMissingException.class);
        });
    }

    @Test
    void absentWithoutLeapServerOnClasspath() {
        this.runner
                .withPropertyValues("leap.embedded.enabled=true", "leap.project-id=project_x", "leap.token=t")
                .withClassLoader(new FilteredClassLoader(LeapServer.class))
                .run((context) -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(LeapServer.class);
                    assertThat(context.getBean(LeapConnectionDetails.class).getProjectId())
                            .isEqualTo("project_x");
                });
    }

    @Test
    void offWhenLeapDisabled() {
        this.runner
                .withPropertyValues("leap.embedded.enabled=true", "leap.enabled=false")
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(LeapServer.class)
                        .doesNotHaveBean(LeapClient.class));
    }

    @Test
    void createsTheChannelsOfListenersBeforeTheClientConnects() {
        this.runner
                .withConfiguration(AutoConfigurations.of(LeapListenerAutoConfiguration.class))
                .withUserConfiguration(ListenerConfig.class)
                .withPropertyValues("leap.embedded.enabled=true", "leap.embedded.channels=chat")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(LeapServer.class).channelIds())
                            .containsExactlyInAnyOrder("chat", "listened");
                });
    }

    @Test
    void createsNoListenerChannelsWhenListenersAreDisabled() {
        this.runner
                .withConfiguration(AutoConfigurations.of(LeapListenerAutoConfiguration.class))
                .withUserConfiguration(ListenerConfig.class)
                .withPropertyValues(
                        "leap.embedded.enabled=true", "leap.embedded.channels=chat", "leap.listener.enabled=false")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(LeapServer.class).channelIds()).containsExactly("chat");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenerConfig {

        @Bean
        Listener listener() {
            return new Listener();
        }
    }

    static class Listener {

        @LeapListener(channels = "listened")
        void on(String payload) {}
    }
}
