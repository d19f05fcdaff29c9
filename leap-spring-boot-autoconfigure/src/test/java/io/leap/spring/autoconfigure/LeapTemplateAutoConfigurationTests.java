package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.rest.LeapApi;
import io.leap.client.rest.RetryPolicy;
import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.embedded.LeapEmbeddedServerAutoConfiguration;
import io.leap.spring.autoconfigure.metrics.LeapApiMetrics;
import io.leap.spring.autoconfigure.metrics.LeapApiMetricsAutoConfiguration;
import io.leap.spring.core.LeapApiOperation;
import io.leap.spring.core.LeapOperations;
import io.leap.spring.core.LeapTemplate;
import io.leap.spring.core.LeapTemplateObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link ApplicationContextRunner} tests of {@link LeapTemplateAutoConfiguration} and
 * {@link LeapApiMetricsAutoConfiguration}: every condition and back-off. Nothing is sent here.
 */
class LeapTemplateAutoConfigurationTests {

    private static final String TOKEN = "ptk_secretProjectToken42";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(LeapTemplateAutoConfiguration.class, LeapApiMetricsAutoConfiguration.class));

    private final ApplicationContextRunner withToken = this.runner.withPropertyValues("leap.api.token=" + TOKEN);

    @Test
    void noTokenMeansNoTemplate() {
        this.runner.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(LeapApiConnectionDetails.class);
            assertThat(context).doesNotHaveBean(LeapApi.class);
            assertThat(context).doesNotHaveBean(LeapOperations.class);
        });
    }

    @Test
    void blankTokenMeansNoTemplate() {
        this.runner.withPropertyValues("leap.api.token=  ").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(LeapApi.class);
            assertThat(context).doesNotHaveBean(LeapOperations.class);
        });
    }

    @Test
    void tokenCreatesApiAndTemplateWithDefaults() {
        this.withToken.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(LeapApi.class).hasBean(LeapTemplateAutoConfiguration.API_BEAN_NAME);
            assertThat(context)
                    .hasSingleBean(LeapOperations.class)
                    .hasBean(LeapTemplateAutoConfiguration.TEMPLATE_BEAN_NAME);
            LeapApiConnectionDetails details = context.getBean(LeapApiConnectionDetails.class);
            assertThat(details).isInstanceOf(PropertiesLeapApiConnectionDetails.class);
            assertThat(details.getToken()).isEqualTo(TOKEN);
            assertThat(details.getProjectId()).isNull();
            LeapApi api = context.getBean(LeapApi.class);
            assertThat(api.baseUrl()).isEqualTo(URI.create("https://api.hop.io"));
            assertThat(api.projectId()).isEmpty();
            assertThat(api.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(api.retryPolicy().maxRetries()).isEqualTo(3);
            assertThat(api.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(200));
            assertThat(api.retryPolicy().maxBackoff()).isEqualTo(Duration.ofSeconds(5));
            assertThat(api.retryPolicy().maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
            LeapTemplate template = context.getBean(LeapTemplate.class);
            assertThat(template.getApi()).isSameAs(api);
            // No JsonMapper bean: the shared default mapper.
            assertThat(template.getJsonMapper()).isSameAs(JsonMapper.shared());
            // No MeterRegistry: no metrics observer.
            assertThat(context).doesNotHaveBean(LeapApiMetrics.class);
            assertThat(template.getObserver()).isSameAs(LeapTemplateObserver.NOOP);
            // The credential never shows.
            assertThat(details.toString()).doesNotContain("secretProjectToken42");
            assertThat(api.toString()).doesNotContain("secretProjectToken42");
            assertThat(template.toString()).doesNotContain("secretProjectToken42");
            assertThat(context.getBean(LeapApiProperties.class).toString()).doesNotContain("secretProjectToken42");
        });
    }

    @Test
    void propertiesAreApplied() {
        this.withToken
                .withPropertyValues(
                        "leap.api.url=http://127.0.0.1:8099/",
                        "leap.api.project-id=project_abc",
                        "leap.api.request-timeout=3s",
                        "leap.api.connect-timeout=1s",
                        "leap.api.retry.max-retries=5",
                        "leap.api.retry.initial-backoff=50ms",
                        "leap.api.retry.max-backoff=1s",
                        "leap.api.retry.max-retry-after=2s")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    LeapApi api = context.getBean(LeapApi.class);
                    assertThat(api.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8099"));
                    assertThat(api.projectId()).contains("project_abc");
                    assertThat(api.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
                    RetryPolicy retry = api.retryPolicy();
                    assertThat(retry.maxRetries()).isEqualTo(5);
                    assertThat(retry.initialBackoff()).isEqualTo(Duration.ofMillis(50));
                    assertThat(retry.maxBackoff()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(retry.maxRetryAfter()).isEqualTo(Duration.ofSeconds(2));
                });
    }

    @Test
    void retriesCanBeSwitchedOff() {
        this.withToken
                .withPropertyValues("leap.api.retry.enabled=false")
                .run((context) -> assertThat(
                                context.getBean(LeapApi.class).retryPolicy().maxRetries())
                        .isZero());
        this.withToken
                .withPropertyValues("leap.api.retry.max-retries=0")
                .run((context) -> assertThat(
                                context.getBean(LeapApi.class).retryPolicy().maxRetries())
                        .isZero());
    }

    @Test
    void personalAccessTokenFallsBackToTheSocketProjectId() {
        this.runner
                .withPropertyValues("leap.api.token=pat_secret", "leap.project-id=project_socket")
                .run((context) ->
                        assertThat(context.getBean(LeapApi.class).projectId()).contains("project_socket"));
        this.runner
                .withPropertyValues(
                        "leap.api.token=pat_secret",
                        "leap.project-id=project_socket",
                        "leap.api.project-id=project_api")
                .run((context) ->
                        assertThat(context.getBean(LeapApi.class).projectId()).contains("project_api"));
    }

    @Test
    void projectTokenDoesNotSendTheSocketProjectId() {
        // A project token implies its project; sending another one would be refused (403), so none is sent.
        this.withToken
                .withPropertyValues("leap.project-id=project_socket")
                .run((context) ->
                        assertThat(context.getBean(LeapApi.class).projectId()).isEmpty());
    }

    @Test
    void leapTokenIsRefusedWithoutEchoingIt() {
        this.runner.withPropertyValues("leap.api.token=leap_token_verySecret").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("project token");
            Throwable failure = context.getStartupFailure();
            while (failure != null) {
                assertThat(String.valueOf(failure.getMessage())).doesNotContain("verySecret");
                failure = failure.getCause();
            }
        });
    }

    @Test
    void invalidUrlFailsWithAClearMessage() {
        this.withToken.withPropertyValues("leap.api.url=https://api.hop.io/v1").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasRootCauseInstanceOf(BindValidationException.class)
                    .hasStackTraceContaining("leap.api.url")
                    .hasStackTraceContaining("without /v1");
        });
    }

    @Test
    void canBeSwitchedOff() {
        this.withToken.withPropertyValues("leap.api.enabled=false").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(LeapApi.class).doesNotHaveBean(LeapOperations.class);
        });
    }

    @Test
    void doesNotDependOnTheSocketClient() {
        // Publishing-only services switch the socket client off; the template stays.
        this.withToken
                .withConfiguration(
                        AutoConfigurations.of(LeapAutoConfiguration.class, LeapEmbeddedServerAutoConfiguration.class))
                .withPropertyValues("leap.enabled=false")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(io.leap.client.LeapClient.class);
                    assertThat(context).hasSingleBean(LeapOperations.class);
                });
    }

    @Test
    void userDefinedOperationsWins() {
        this.withToken.withUserConfiguration(UserOperationsConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(LeapOperations.class);
            assertThat(context.getBean(LeapOperations.class))
                    .isSameAs(context.getBean(UserOperationsConfiguration.class).operations);
            // The auto-configured template backed off (the user's operations are a template of their own).
            assertThat(context).doesNotHaveBean("leapTemplate");
            assertThat(context).getBeanNames(LeapTemplate.class).containsExactly("myOperations");
            // The API client is still there for the user's own code.
            assertThat(context).hasSingleBean(LeapApi.class);
        });
    }

    @Test
    void userDefinedApiIsUsedByTheTemplate() {
        this.runner.withUserConfiguration(UserApiConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(LeapApi.class).doesNotHaveBean(LeapApiConnectionDetails.class);
            assertThat(context.getBean(LeapTemplate.class).getApi()).isSameAs(context.getBean("myApi"));
        });
        this.withToken.withUserConfiguration(UserApiConfiguration.class).run((context) -> {
            assertThat(context)
                    .hasSingleBean(LeapApi.class)
                    .doesNotHaveBean(LeapTemplateAutoConfiguration.API_BEAN_NAME);
            assertThat(context.getBean(LeapTemplate.class).getApi()).isSameAs(context.getBean("myApi"));
        });
    }

    @Test
    void userDefinedConnectionDetailsWin() {
        this.withToken
                .withUserConfiguration(UserConnectionDetailsConfiguration.class)
                .run((context) -> {
                    assertThat(context).hasSingleBean(LeapApiConnectionDetails.class);
                    LeapApi api = context.getBean(LeapApi.class);
                    assertThat(api.baseUrl()).isEqualTo(URI.create("http://leap.internal:9000"));
                    assertThat(api.projectId()).contains("project_custom");
                });
        // Without any token property, the user's details enable the template.
        this.runner
                .withUserConfiguration(UserConnectionDetailsConfiguration.class)
                .run((context) -> assertThat(context).hasSingleBean(LeapOperations.class));
    }

    @Test
    void customizersAreAppliedInOrder() {
        this.withToken.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
            assertThat(context).hasNotFailed();
            CustomizerConfiguration config = context.getBean(CustomizerConfiguration.class);
            assertThat(config.calls).containsExactly("api-1", "api-2", "template");
            assertThat(context.getBean(LeapApi.class).retryPolicy()).isSameAs(RetryPolicy.none());
            assertThat(context.getBean(LeapTemplate.class).getObserver()).isSameAs(config.observer);
        });
    }

    @Test
    void usesTheApplicationJsonMapper() {
        this.withToken
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
                .run((context) -> {
                    JsonMapper mapper = context.getBean(JsonMapper.class);
                    assertThat(context.getBean(LeapTemplate.class).getJsonMapper())
                            .isSameAs(mapper);
                });
    }

    @Test
    void metricsObserverWhenARegistryExists() {
        this.withToken.withBean(SimpleMeterRegistry.class).run((context) -> {
            assertThat(context).hasSingleBean(LeapApiMetrics.class);
            assertThat(context.getBean(LeapTemplate.class).getObserver())
                    .isSameAs(context.getBean(LeapApiMetrics.class));
        });
    }

    @Test
    void metricsAndUserObserversAreCombined() {
        this.withToken
                .withBean(SimpleMeterRegistry.class)
                .withBean("recording", LeapTemplateObserver.class, () -> (operation) -> (failure) -> {})
                .run((context) -> assertThat(context.getBean(LeapTemplate.class).getObserver())
                        .isInstanceOf(CompositeLeapTemplateObserver.class));
    }

    @Test
    void noMetricsWithoutTemplateOrWithoutMicrometer() {
        this.runner
                .withBean(SimpleMeterRegistry.class)
                .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LeapApiMetrics.class));
        this.withToken
                .withBean(SimpleMeterRegistry.class)
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(LeapOperations.class)
                        .doesNotHaveBean(LeapApiMetrics.class));
    }

    @Test
    void embeddedModePointsTheTemplateAtTheEmbeddedServer() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        LeapEmbeddedServerAutoConfiguration.class,
                        LeapAutoConfiguration.class,
                        LeapTemplateAutoConfiguration.class))
                // leap.api.* is ignored in embedded mode, as leap.url and leap.token are.
                .withPropertyValues(
                        "leap.embedded.enabled=true",
                        "leap.lifecycle.auto-startup=false",
                        "leap.api.token=" + TOKEN,
                        "leap.api.url=https://api.hop.io")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    LeapServer server = context.getBean(LeapServer.class);
                    LeapApiConnectionDetails details = context.getBean(LeapApiConnectionDetails.class);
                    assertThat(details.getClass().getName())
                            .isEqualTo("io.leap.spring.autoconfigure.embedded.EmbeddedLeapApiConnectionDetails");
                    assertThat(details.getUrl()).isEqualTo(server.apiUrl());
                    assertThat(details.getToken()).isEqualTo(server.projectToken());
                    assertThat(details.toString()).doesNotContain(server.projectToken());
                    LeapApi api = context.getBean(LeapApi.class);
                    assertThat(api.baseUrl()).isEqualTo(server.apiUrl());
                    assertThat(api.projectId()).contains(server.projectId());
                    assertThat(context).hasSingleBean(LeapOperations.class);
                });
    }

    @Test
    void embeddedModeWithoutLeapServerOnTheClasspathUsesTheProperties() {
        this.withToken
                .withPropertyValues("leap.embedded.enabled=true")
                .withClassLoader(new FilteredClassLoader(LeapServer.class))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(LeapApiConnectionDetails.class))
                            .isInstanceOf(PropertiesLeapApiConnectionDetails.class);
                });
    }

    @Test
    void autoConfigurationsAreRegistered() {
        List<String> candidates = new ArrayList<>();
        ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
                .forEach(candidates::add);
        assertThat(candidates)
                .contains(
                        LeapTemplateAutoConfiguration.class.getName(), LeapApiMetricsAutoConfiguration.class.getName());
    }

    @Configuration(proxyBeanMethods = false)
    static class UserOperationsConfiguration {

        final LeapOperations operations = new LeapTemplate(
                LeapApi.builder("ptk_user").baseUrl("http://127.0.0.1:1").build());

        @Bean
        LeapOperations myOperations() {
            return this.operations;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserApiConfiguration {

        @Bean
        LeapApi myApi() {
            return LeapApi.builder("ptk_user").baseUrl("http://127.0.0.1:1").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserConnectionDetailsConfiguration {

        @Bean
        LeapApiConnectionDetails myLeapApiConnectionDetails() {
            return new LeapApiConnectionDetails() {

                @Override
                public URI getUrl() {
                    return URI.create("http://leap.internal:9000");
                }

                @Override
                public String getToken() {
                    return "pat_custom";
                }

                @Override
                public String getProjectId() {
                    return "project_custom";
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfiguration {

        final List<String> calls = new ArrayList<>();

        final LeapTemplateObserver observer = (LeapApiOperation operation) -> (failure) -> {};

        @Bean
        @Order(2)
        LeapApiCustomizer second() {
            return (builder) -> {
                this.calls.add("api-2");
                builder.retryPolicy(RetryPolicy.none());
            };
        }

        @Bean
        @Order(1)
        LeapApiCustomizer first() {
            return (builder) -> {
                this.calls.add("api-1");
                builder.httpClient(HttpClient.newHttpClient());
            };
        }

        @Bean
        LeapTemplateCustomizer templateCustomizer() {
            return (template) -> {
                this.calls.add("template");
                template.setObserver(this.observer);
            };
        }
    }
}
