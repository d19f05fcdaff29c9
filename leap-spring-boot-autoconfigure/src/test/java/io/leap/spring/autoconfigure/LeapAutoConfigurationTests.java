package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.LeapClient;
import io.leap.client.LeapClientOptions;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.client.transport.WebSocketTransport;
import io.leap.spring.core.LeapClientLifecycle;
import io.leap.spring.core.LeapTokenProvider;
import io.leap.spring.event.LeapApplicationEventBridge;
import io.leap.spring.transport.SpringWebSocketTransport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link ApplicationContextRunner} tests of {@link LeapAutoConfiguration}: conditions and back-off. The connection
 * lifecycle is not auto-started here, so nothing connects.
 */
class LeapAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LeapAutoConfiguration.class))
            .withPropertyValues("leap.lifecycle.auto-startup=false");

    private final ApplicationContextRunner configured = this.runner.withPropertyValues(
            "leap.project-id=project_test", "leap.token=leap_token_secret123", "leap.url=ws://127.0.0.1:1/ws");

    @Test
    void createsClientLifecycleBridgeAndSpringTransport() {
        this.configured.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(LeapClient.class).hasBean(LeapAutoConfiguration.CLIENT_BEAN_NAME);
            assertThat(context).hasSingleBean(LeapClientLifecycle.class);
            assertThat(context).hasSingleBean(LeapApplicationEventBridge.class);
            assertThat(context).hasSingleBean(JsonMapper.class).hasBean("leapJsonMapper");
            assertThat(context.getBean(WebSocketTransport.class)).isInstanceOf(SpringWebSocketTransport.class);
            assertThat(context.getBean(SpringWebSocketTransport.class).getClient())
                    .isInstanceOf(StandardWebSocketClient.class);
            LeapConnectionDetails details = context.getBean(LeapConnectionDetails.class);
            assertThat(details).isInstanceOf(PropertiesLeapConnectionDetails.class);
            assertThat(details.getProjectId()).isEqualTo("project_test");
            assertThat(details.getToken()).isEqualTo("leap_token_secret123");
            assertThat(details.getUrl()).isEqualTo(URI.create("ws://127.0.0.1:1/ws"));
            assertThat(details.toString()).doesNotContain("secret123");
            LeapClientLifecycle lifecycle = context.getBean(LeapClientLifecycle.class);
            assertThat(lifecycle.getPhase()).isEqualTo(Integer.MAX_VALUE - 4096).isLessThan(Integer.MAX_VALUE - 2048);
            assertThat(lifecycle.isAutoStartup()).isFalse();
            assertThat(lifecycle.isRunning()).isFalse();
            assertThat(context.getBean(LeapApplicationEventBridge.class).getPhase())
                    .isEqualTo(Integer.MAX_VALUE - 100);
            assertThat(context.getBean(LeapClient.class).state()).isEqualTo(io.leap.client.ConnectionState.IDLE);
        });
    }

    @Test
    void clientTakesRetryPolicyDeliveryExecutorAndTokenProviderFromTheContext() {
        this.configured.run((context) -> {
            LeapClientOptions options = context.getBean(LeapClient.class).options();
            assertThat(options.retryInitialConnect()).isTrue();
            assertThat(options.subscriptionRetryInterval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(context.getBean(LeapAutoConfiguration.TASK_EXECUTOR_BEAN_NAME))
                    .isInstanceOf(ThreadPoolTaskExecutor.class);
        });
        this.configured
                .withPropertyValues("leap.fail-fast=true", "leap.subscription-retry-interval=3s")
                .run((context) -> {
                    LeapClientOptions options =
                            context.getBean(LeapClient.class).options();
                    assertThat(options.retryInitialConnect()).isFalse();
                    assertThat(options.subscriptionRetryInterval()).isEqualTo(Duration.ofSeconds(3));
                });
        // The deprecated listener key still sets the interval.
        this.configured
                .withConfiguration(AutoConfigurations.of(LeapListenerAutoConfiguration.class))
                .withPropertyValues("leap.listener.resubscribe-interval=700ms")
                .run((context) -> assertThat(
                                context.getBean(LeapClient.class).options().subscriptionRetryInterval())
                        .isEqualTo(Duration.ofMillis(700)));
        // A token provider replaces leap.token (and anonymous details become authenticated).
        this.runner
                .withPropertyValues(
                        "leap.project-id=project_test", "leap.anonymous=true", "leap.url=ws://127.0.0.1:1/ws")
                .withBean(LeapTokenProvider.class, () -> () -> "leap_token_fromprovider")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    LeapClient client = context.getBean(LeapClient.class);
                    assertThat(client.options().authenticated()).isTrue();
                    assertThat(client.options().toString()).doesNotContain("fromprovider");
                });
        // The executor is replaced by name, with any Executor.
        Executor own = Runnable::run;
        this.configured
                .withBean(LeapAutoConfiguration.TASK_EXECUTOR_BEAN_NAME, Executor.class, () -> own)
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ThreadPoolTaskExecutor.class);
                    assertThat(context.getBean(LeapAutoConfiguration.TASK_EXECUTOR_BEAN_NAME))
                            .isSameAs(own);
                });
    }

    @Test
    void phasesAreConfigurable() {
        this.configured
                .withPropertyValues("leap.lifecycle.phase=42", "leap.events.phase=43")
                .run((context) -> {
                    assertThat(context.getBean(LeapClientLifecycle.class).getPhase())
                            .isEqualTo(42);
                    assertThat(context.getBean(LeapApplicationEventBridge.class).getPhase())
                            .isEqualTo(43);
                });
    }

    @Test
    void missingCredentialsFailWithAnalyzableException() {
        this.runner.run((context) -> {
            assertThat(context).hasFailed();
            LeapCredentialsMissingException ex =
                    findCause(context.getStartupFailure(), LeapCredentialsMissingException.class);
            assertThat(ex.getMissingProperties()).containsExactly("leap.project-id", "leap.token");
            FailureAnalysis analysis = new LeapFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription())
                    .contains("leap.project-id is missing or blank")
                    .contains("leap.token is missing or blank");
            assertThat(analysis.getAction())
                    .contains("leap.project-id=")
                    .contains("leap.token=")
                    .contains("leap.embedded.enabled=true")
                    .contains("leap.enabled=false");
        });
    }

    @Test
    void blankTokenIsMissing() {
        this.runner
                .withPropertyValues("leap.project-id=project_x", "leap.token=   ")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(findCause(context.getStartupFailure(), LeapCredentialsMissingException.class)
                                    .getMissingProperties())
                            .containsExactly("leap.token");
                });
    }

    @Test
    void blankProjectIdIsMissing() {
        this.runner
                .withPropertyValues("leap.project-id=", "leap.token=leap_token_x")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(findCause(context.getStartupFailure(), LeapCredentialsMissingException.class)
                                    .getMissingProperties())
                            .containsExactly("leap.project-id");
                });
    }

    @Test
    void anonymousNeedsNoToken() {
        this.runner
                .withPropertyValues("leap.project-id=project_x", "leap.anonymous=true")
                .run((context) -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LeapClient.class);
                    assertThat(context.getBean(LeapConnectionDetails.class).getToken())
                            .isNull();
                });
    }

    @Test
    void disabledByProperty() {
        this.runner.withPropertyValues("leap.enabled=false").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context)
                    .doesNotHaveBean(LeapClient.class)
                    .doesNotHaveBean(LeapConnectionDetails.class)
                    .doesNotHaveBean(LeapProperties.class);
        });
    }

    @Test
    void absentWithoutLeapClient() {
        this.configured
                .withClassLoader(new FilteredClassLoader(LeapClient.class))
                .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LeapConnectionDetails.class));
    }

    @Test
    void eventBridgeCanBeSwitchedOff() {
        this.configured.withPropertyValues("leap.events.enabled=false").run((context) -> {
            assertThat(context).hasSingleBean(LeapClient.class);
            assertThat(context).doesNotHaveBean(LeapApplicationEventBridge.class);
        });
    }

    @Test
    void fallsBackToJdkTransportWithoutSpringWebSocket() {
        this.configured
                .withClassLoader(new FilteredClassLoader(StandardWebSocketClient.class))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(WebSocketTransport.class)).isInstanceOf(JdkWebSocketTransport.class);
                });
    }

    @Test
    void fallsBackToJdkTransportWithoutJsr356Implementation() {
        this.configured
                .withClassLoader(
                        new FilteredClassLoader(new ClassPathResource(OnWebSocketContainerCondition.SERVICE_RESOURCE)))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(WebSocketTransport.class)).isInstanceOf(JdkWebSocketTransport.class);
                });
    }

    @Test
    void userTransportWins() {
        this.configured.withUserConfiguration(UserTransportConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(WebSocketTransport.class);
            assertThat(context.getBean(WebSocketTransport.class)).isSameAs(UserTransportConfiguration.TRANSPORT);
        });
    }

    @Test
    void userClientWins() {
        this.runner.withUserConfiguration(UserClientConfiguration.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(LeapClient.class).hasBean("myClient");
            // The lifecycle and the bridge work with the user's client too.
            assertThat(context)
                    .hasSingleBean(LeapClientLifecycle.class)
                    .hasSingleBean(LeapApplicationEventBridge.class);
        });
    }

    @Test
    void userConnectionDetailsWinOverProperties() {
        this.runner
                .withUserConfiguration(UserConnectionDetailsConfiguration.class)
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context)
                            .hasSingleBean(LeapConnectionDetails.class)
                            .hasSingleBean(LeapClient.class);
                    assertThat(context.getBean(LeapConnectionDetails.class))
                            .isNotInstanceOf(PropertiesLeapConnectionDetails.class);
                });
    }

    @Test
    void bootJsonMapperIsReused() {
        this.configured
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
                .run((context) -> {
                    assertThat(context).hasSingleBean(JsonMapper.class).doesNotHaveBean("leapJsonMapper");
                    assertThat(context).hasBean("jacksonJsonMapper");
                });
    }

    @Test
    void userJsonMapperIsReused() {
        this.configured
                .withBean(
                        "myMapper", JsonMapper.class, () -> JsonMapper.builder().build())
                .run((context) ->
                        assertThat(context).hasSingleBean(JsonMapper.class).hasBean("myMapper"));
    }

    @Test
    void customizersAreAppliedInOrder() {
        List<String> calls = new ArrayList<>();
        this.configured
                .withBean("second", LeapClientCustomizer.class, () -> new OrderedCustomizer(2, "second", calls))
                .withBean("first", LeapClientCustomizer.class, () -> new OrderedCustomizer(1, "first", calls))
                .run((context) -> {
                    assertThat(context).hasSingleBean(LeapClient.class);
                    assertThat(calls).containsExactly("first", "second");
                });
    }

    @Test
    void reconnectPolicyFromProperties() {
        LeapProperties properties = new LeapProperties();
        properties.getReconnect().setInitialBackoff(Duration.ofMillis(100));
        properties.getReconnect().setMaxBackoff(Duration.ofSeconds(2));
        properties.getReconnect().setMultiplier(3.0);
        ReconnectPolicy policy = LeapAutoConfiguration.reconnectPolicy(properties);
        assertThat(policy.isEnabled()).isTrue();
        assertThat(policy.min()).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.max()).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.multiplier()).isEqualTo(3.0);
        properties.getReconnect().setEnabled(false);
        assertThat(LeapAutoConfiguration.reconnectPolicy(properties).isEnabled())
                .isFalse();
    }

    @Test
    void propertiesBind() {
        this.configured
                .withPropertyValues(
                        "leap.channels=orders,chat",
                        "leap.fail-fast=true",
                        "leap.connect-timeout=3s",
                        "leap.delivery.overflow-policy=drop-oldest",
                        "leap.delivery.buffer-size=16",
                        "leap.heartbeat-ack-timeout=250ms",
                        "leap.transport.buffer-size=1MB")
                .run((context) -> {
                    LeapProperties properties = context.getBean(LeapProperties.class);
                    assertThat(properties.getChannels()).containsExactly("orders", "chat");
                    assertThat(properties.isFailFast()).isTrue();
                    assertThat(properties.getConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(properties.getDelivery().getOverflowPolicy())
                            .isEqualTo(io.leap.client.OverflowPolicy.DROP_OLDEST);
                    assertThat(properties.getDelivery().getBufferSize()).isEqualTo(16);
                    assertThat(properties.getHeartbeatAckTimeout()).isEqualTo(Duration.ofMillis(250));
                    assertThat(properties.getTransport().getBufferSize().toBytes())
                            .isEqualTo(1024 * 1024);
                });
    }

    @Test
    void importsFileListsEveryAutoConfiguration() {
        List<String> candidates = new ArrayList<>();
        ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
                .forEach(candidates::add);
        // Every class annotated @AutoConfiguration, whatever its conditions say.
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
            @Override
            protected boolean isCandidateComponent(MetadataReader reader) {
                return reader.getAnnotationMetadata().hasAnnotation(AutoConfiguration.class.getName());
            }
        };
        List<String> declared = scanner.findCandidateComponents("io.leap.spring").stream()
                .map(BeanDefinition::getBeanClassName)
                .toList();
        assertThat(declared).isNotEmpty();
        assertThat(candidates.stream().filter((name) -> name.startsWith("io.leap.")))
                .containsExactlyInAnyOrderElementsOf(declared);
    }

    static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        Throwable current = failure;
        while (current != null) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            current = current.getCause();
        }
        throw new AssertionError("No " + type.getSimpleName() + " in " + failure);
    }

    record OrderedCustomizer(int order, String name, List<String> calls)
            implements LeapClientCustomizer, org.springframework.core.Ordered {

        @Override
        public void customize(LeapClient.Builder builder) {
            this.calls.add(this.name);
        }

        @Override
        public int getOrder() {
            return this.order;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserTransportConfiguration {

        static final WebSocketTransport TRANSPORT = new WebSocketTransport() {
            @Override
            public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout) {
                return CompletableFuture.failedFuture(new UnsupportedOperationException());
            }
        };

        @Bean
        WebSocketTransport myTransport() {
            return TRANSPORT;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserClientConfiguration {

        @Bean(destroyMethod = "close")
        LeapClient myClient() {
            return LeapClient.builder("project_mine")
                    .url(URI.create("ws://127.0.0.1:1/ws"))
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserConnectionDetailsConfiguration {

        @Bean
        LeapConnectionDetails myDetails() {
            return new LeapConnectionDetails() {
                @Override
                public URI getUrl() {
                    return URI.create("ws://127.0.0.1:1/ws");
                }

                @Override
                public String getProjectId() {
                    return "project_custom";
                }

                @Override
                public String getToken() {
                    return null;
                }
            };
        }
    }
}
