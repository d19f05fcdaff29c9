package io.leap.spring.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapSanitizingAutoConfiguration;
import io.leap.spring.testsupport.LeapTestSupport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.json.JsonMapper;

/**
 * Secrets in the Spring module: {@code leap.token} and {@code leap.api.token} never show in health details or in the
 * Actuator {@code configprops} and {@code env} output, even with {@code show-values=always}.
 */
class SpringSecurityTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private LeapServer server;

    @AfterEach
    void stop() {
        if (this.server != null) {
            this.server.close();
        }
    }

    /** The Leap client against {@link #server} with Actuator's configprops and env endpoints, plus {@code extra}. */
    private ApplicationContextRunner actuatorRunner(String token, String apiToken, String... extra) {
        return LeapTestSupport.runner()
                .withConfiguration(AutoConfigurations.of(
                        LeapSanitizingAutoConfiguration.class,
                        EndpointAutoConfiguration.class,
                        ConfigurationPropertiesReportEndpointAutoConfiguration.class,
                        EnvironmentEndpointAutoConfiguration.class))
                .withPropertyValues(
                        "leap.url=" + this.server.wsUrl(),
                        "leap.project-id=" + this.server.projectId(),
                        "leap.token=" + token,
                        "leap.api.token=" + apiToken,
                        "management.endpoints.web.exposure.include=*",
                        "management.endpoints.jmx.exposure.include=*",
                        "spring.jmx.enabled=true")
                .withPropertyValues(extra);
    }

    @Test
    void tokensNeverShowInHealthConfigpropsOrEnvWithBootDefaults() {
        this.server = LeapServer.builder().build().start();
        String token = this.server.createToken(Map.of());
        String apiToken = this.server.projectToken();
        JsonMapper json = JsonMapper.builder().build();
        actuatorRunner(token, apiToken).run((context) -> {
            assertThat(context).hasNotFailed();
            LeapClient client = context.getBean(LeapClient.class);
            await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
            String configprops = json.writeValueAsString(
                    context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());
            String env = json.writeValueAsString(
                    context.getBean(EnvironmentEndpoint.class).environment(null));
            assertThat(configprops).contains("leap-io.leap.spring.autoconfigure.LeapProperties");
            assertThat(env).contains("leap.token");
            this.server.deleteToken(token); // 4001: health DOWN with an error in its details
            HealthIndicator health = LeapTestSupport.leapHealth(context);
            await().atMost(WAIT).until(() -> health.health(true).getDetails().containsKey("lastError"));
            String healthText = health.health(true).toString();
            for (String secret : new String[] {token, apiToken}) {
                assertThat(configprops).as("configprops").doesNotContain(secret);
                assertThat(env).as("env").doesNotContain(secret);
                assertThat(healthText).as("health").doesNotContain(secret);
            }
        });
    }

    /**
     * Boot 4 no longer masks keys containing "token" by default: with {@code show-values=always} only
     * {@code SanitizingFunction} beans mask values. {@code LeapSanitizingAutoConfiguration} contributes one for
     * {@code leap.token} and {@code leap.api.token}; without it this test fails.
     */
    @Test
    void tokensNeverShowInHealthConfigpropsOrEnv() {
        this.server = LeapServer.builder().build().start();
        String token = this.server.createToken(Map.of());
        String apiToken = this.server.projectToken();
        JsonMapper json = JsonMapper.builder().build();
        actuatorRunner(
                        token,
                        apiToken,
                        "management.endpoint.configprops.show-values=always",
                        "management.endpoint.env.show-values=always")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    LeapClient client = context.getBean(LeapClient.class);
                    await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
                    // the values are really there and shown (so the checks below are not vacuous)
                    assertThat(context.getEnvironment().getProperty("leap.token"))
                            .isEqualTo(token);
                    String configprops =
                            json.writeValueAsString(context.getBean(ConfigurationPropertiesReportEndpoint.class)
                                    .configurationProperties());
                    String env = json.writeValueAsString(
                            context.getBean(EnvironmentEndpoint.class).environment(null));
                    assertThat(configprops).contains("leap").contains(this.server.projectId());
                    assertThat(env).contains("leap.token").contains(this.server.projectId());
                    String envToken = json.writeValueAsString(
                            context.getBean(EnvironmentEndpoint.class).environmentEntry("leap.token"));
                    String envApiToken = json.writeValueAsString(
                            context.getBean(EnvironmentEndpoint.class).environmentEntry("leap.api.token"));

                    this.server.cutAll(); // an error in the health details too
                    HealthIndicator health = LeapTestSupport.leapHealth(context);
                    String healthText = health.health(true).toString();
                    for (String secret : new String[] {token, apiToken}) {
                        assertThat(configprops).as("configprops").doesNotContain(secret);
                        assertThat(env).as("env").doesNotContain(secret);
                        assertThat(envToken).as("env leap.token").doesNotContain(secret);
                        assertThat(envApiToken).as("env leap.api.token").doesNotContain(secret);
                        assertThat(healthText).as("health").doesNotContain(secret);
                        assertThat(client.toString()).doesNotContain(secret);
                    }
                    assertThat(envToken).contains("******");
                });
    }
}
