package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leap.client.rest.LeapApi;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketTransport;
import io.leap.spring.transport.SpringWebSocketTransport;
import io.leap.transport.netty.NettyWebSocketTransport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.FieldError;

/**
 * Choice of the WebSocket transport ({@code leap.transport.type}) and the startup failures of {@code leap.ssl.*},
 * {@code leap.api.ssl.*}, {@code leap.proxy.*} and {@code leap.api.proxy.*}: each names the property at fault. The
 * connections themselves are tested against real sockets in {@code LeapSslAndProxyIntegrationTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class LeapSslAndProxyConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    SslAutoConfiguration.class, LeapAutoConfiguration.class, LeapTemplateAutoConfiguration.class))
            .withPropertyValues(
                    "leap.lifecycle.auto-startup=false",
                    "leap.project-id=project_test",
                    "leap.token=leap_token_secret123",
                    "leap.url=wss://127.0.0.1:1/ws");

    @Test
    void autoPicksTheSpringTransportWhenAvailable() {
        this.runner.run((context) ->
                assertThat(context.getBean(WebSocketTransport.class)).isInstanceOf(SpringWebSocketTransport.class));
    }

    @Test
    void autoNeverPicksNettyByItself() {
        this.runner
                .withClassLoader(new FilteredClassLoader("org.springframework.web.socket"))
                .run((context) -> assertThat(context.getBean(WebSocketTransport.class))
                        .isInstanceOf(JdkWebSocketTransport.class));
    }

    @Test
    void typeChoosesTheTransport() {
        this.runner
                .withPropertyValues("leap.transport.type=jdk")
                .run((context) -> assertThat(context.getBean(WebSocketTransport.class))
                        .isInstanceOf(JdkWebSocketTransport.class));
        this.runner
                .withPropertyValues("leap.transport.type=netty")
                .run((context) -> assertThat(context.getBean(WebSocketTransport.class))
                        .isInstanceOf(NettyWebSocketTransport.class));
        this.runner
                .withClassLoader(new FilteredClassLoader(NettyWebSocketTransport.class))
                .withPropertyValues("leap.transport.type=spring")
                .run((context) -> assertThat(context.getBean(WebSocketTransport.class))
                        .isInstanceOf(SpringWebSocketTransport.class));
    }

    @Test
    void theApplicationsTransportWins() {
        this.runner
                .withPropertyValues("leap.transport.type=netty")
                .withBean("myTransport", WebSocketTransport.class, JdkWebSocketTransport::new)
                .run((context) ->
                        assertThat(context).getBean(WebSocketTransport.class).isSameAs(context.getBean("myTransport")));
    }

    @Test
    void settingsThatTheApplicationsTransportWouldIgnoreFailStartup() {
        this.runner
                .withPropertyValues("leap.ssl.bundle=leap", "spring.ssl.bundle.jks.leap.truststore.type=PKCS12")
                .withBean("myTransport", WebSocketTransport.class, JdkWebSocketTransport::new)
                .run((context) -> {
                    InvalidConfigurationPropertyValueException ex = invalidValue(context);
                    assertThat(ex.getName()).isEqualTo("leap.ssl.bundle");
                    assertThat(ex.getReason()).contains("[myTransport]").contains("sslContext");
                });
        this.runner
                .withPropertyValues("leap.proxy.host=proxy.corp", "leap.proxy.port=3128")
                .withBean("myTransport", WebSocketTransport.class, JdkWebSocketTransport::new)
                .run((context) -> assertThat(invalidValue(context).getName()).isEqualTo("leap.proxy.host"));
    }

    @Test
    void settingsThatTheApplicationsLeapApiWouldIgnoreFailStartup() {
        this.runner
                .withPropertyValues("leap.api.proxy.host=proxy.corp", "leap.api.proxy.port=3128")
                .withBean(
                        "myApi", LeapApi.class, () -> LeapApi.builder("ptk_abc").build())
                .run((context) -> {
                    InvalidConfigurationPropertyValueException ex = invalidValue(context);
                    assertThat(ex.getName()).isEqualTo("leap.api.proxy.host");
                    assertThat(ex.getReason()).contains("[myApi]");
                });
        this.runner
                .withBean(
                        "myApi", LeapApi.class, () -> LeapApi.builder("ptk_abc").build())
                .run((context) -> assertThat(context).hasNotFailed());
    }

    @Test
    void autoConfiguredLeapApiTakesItsProxy() {
        this.runner
                .withPropertyValues(
                        "leap.api.token=ptk_abc", "leap.api.proxy.host=proxy.corp", "leap.api.proxy.port=3128")
                .run((context) -> assertThat(context).hasNotFailed().hasSingleBean(LeapApi.class));
    }

    @Test
    void unavailableTypeFailsNamingWhatToAdd() {
        this.runner
                .withClassLoader(new FilteredClassLoader(NettyWebSocketTransport.class))
                .withPropertyValues("leap.transport.type=netty")
                .run((context) -> {
                    InvalidConfigurationPropertyValueException ex = invalidValue(context);
                    assertThat(ex.getName()).isEqualTo("leap.transport.type");
                    assertThat(ex.getValue()).isEqualTo("netty");
                    assertThat(ex.getReason()).contains("io.leap:leap-transport-netty");
                });
        this.runner
                .withClassLoader(new FilteredClassLoader("org.springframework.web.socket"))
                .withPropertyValues("leap.transport.type=spring")
                .run((context) -> {
                    InvalidConfigurationPropertyValueException ex = invalidValue(context);
                    assertThat(ex.getName()).isEqualTo("leap.transport.type");
                    assertThat(ex.getReason()).contains("spring-websocket");
                });
    }

    @Test
    void unknownTypeFailsNamingTheProperty(CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.main.banner-mode=off",
                        "leap.lifecycle.auto-startup=false",
                        "leap.project-id=project_test",
                        "leap.token=leap_token_secret852",
                        "leap.transport.type=okhttp");
        assertThatThrownBy(application::run).isNotNull();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("leap.transport.type")
                .contains("okhttp")
                .contains("NETTY")
                .doesNotContain("secret852");
    }

    @Test
    void missingBundleFailsNamingThePropertyAndTheBundle() {
        this.runner
                .withPropertyValues("leap.ssl.bundle=nope", "spring.ssl.bundle.jks.other.truststore.type=PKCS12")
                .run((context) -> {
                    InvalidConfigurationPropertyValueException ex = invalidValue(context);
                    assertThat(ex.getName()).isEqualTo("leap.ssl.bundle");
                    assertThat(ex.getValue()).isEqualTo("nope");
                    assertThat(ex.getReason())
                            .contains("no SSL bundle named 'nope'")
                            .contains("spring.ssl.bundle.jks.nope")
                            .contains("[other]");
                });
    }

    @Test
    void missingBundleFailsForEveryTransport() {
        for (String type : List.of("jdk", "netty", "spring")) {
            this.runner
                    .withPropertyValues("leap.transport.type=" + type, "leap.ssl.bundle=nope")
                    .run((context) ->
                            assertThat(invalidValue(context).getName()).isEqualTo("leap.ssl.bundle"));
        }
    }

    @Test
    void missingApiBundleFailsNamingItsProperty() {
        this.runner
                .withPropertyValues(
                        "leap.enabled=false", "leap.api.token=ptk_abc", "leap.api.ssl.bundle=missing-api-bundle")
                .run((context) -> {
                    InvalidConfigurationPropertyValueException ex = invalidValue(context);
                    assertThat(ex.getName()).isEqualTo("leap.api.ssl.bundle");
                    assertThat(ex.getValue()).isEqualTo("missing-api-bundle");
                    assertThat(ex.getReason()).contains("(there are none)");
                });
    }

    @Test
    void bundleWithoutBootsSslAutoConfigurationFailsClearly() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LeapAutoConfiguration.class))
                .withPropertyValues(
                        "leap.lifecycle.auto-startup=false",
                        "leap.project-id=project_test",
                        "leap.anonymous=true",
                        "leap.ssl.bundle=leap")
                .run((context) -> {
                    InvalidConfigurationPropertyValueException ex = invalidValue(context);
                    assertThat(ex.getName()).isEqualTo("leap.ssl.bundle");
                    assertThat(ex.getReason()).contains("SslAutoConfiguration");
                });
    }

    @Test
    void printedReportNamesThePropertyAndTheMissingBundle(CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.main.banner-mode=off",
                        "leap.lifecycle.auto-startup=false",
                        "leap.project-id=project_test",
                        "leap.token=leap_token_secret789",
                        "leap.ssl.bundle=corporate-ca");
        assertThatThrownBy(application::run).hasRootCauseInstanceOf(InvalidConfigurationPropertyValueException.class);
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Invalid value 'corporate-ca' for configuration property 'leap.ssl.bundle'")
                .contains("There is no SSL bundle named 'corporate-ca'")
                .contains("spring.ssl.bundle.pem.corporate-ca")
                .contains("Review the value of the property with the provided reason")
                .doesNotContain("secret789");
    }

    @Test
    void springTransportRefusesAProxyAndSaysWhichTransportsCan() {
        this.runner
                .withPropertyValues("leap.proxy.host=proxy.corp", "leap.proxy.port=3128")
                .run((context) -> {
                    InvalidConfigurationPropertyValueException ex = invalidValue(context);
                    assertThat(ex.getName()).isEqualTo("leap.proxy.host");
                    assertThat(ex.getValue()).isEqualTo("proxy.corp");
                    assertThat(ex.getReason())
                            .contains("Spring WebSocket transport")
                            .contains("leap.transport.type=jdk")
                            .contains("leap.transport.type=netty");
                });
    }

    @Test
    void jdkAndNettyTransportsAcceptAProxy() {
        for (String type : List.of("jdk", "netty")) {
            this.runner
                    .withPropertyValues(
                            "leap.transport.type=" + type, "leap.proxy.host=proxy.corp", "leap.proxy.port=3128")
                    .run((context) -> assertThat(context).hasNotFailed());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
			leap.proxy.host=proxy.corp                            | leap.proxy.port     | must be set together with leap.proxy.host
			leap.proxy.port=3128                                  | leap.proxy.host     | must be set together with leap.proxy.port
			leap.proxy.host=proxy.corp,leap.proxy.port=0          | leap.proxy.port     | between 1 and 65535
			leap.proxy.host=proxy.corp,leap.proxy.port=70000      | leap.proxy.port     | between 1 and 65535
			leap.proxy.host=http://proxy.corp,leap.proxy.port=80  | leap.proxy.host     | without scheme or path
			leap.proxy.host=proxy corp,leap.proxy.port=80         | leap.proxy.host     | host name or IP address
			leap.ssl.bundle=                                      | leap.ssl.bundle     | must name an SSL bundle
			leap.api.proxy.host=proxy.corp                        | leap.api.proxy.port | must be set together with leap.api.proxy.host
			leap.api.proxy.host=proxy.corp,leap.api.proxy.port=-1 | leap.api.proxy.port | between 1 and 65535
			leap.api.ssl.bundle=                                  | leap.api.ssl.bundle | must name an SSL bundle
			""")
    void invalidSettingsAreRejectedByProperty(String settings, String property, String reason) {
        this.runner
                .withClassLoader(new FilteredClassLoader("jakarta.validation", "org.hibernate.validator"))
                .withPropertyValues(settings.split(","))
                .run((context) -> {
                    assertThat(context).hasFailed();
                    Throwable root = rootCause(context);
                    assertThat(root).isInstanceOf(BindValidationException.class);
                    assertThat(((BindValidationException) root)
                                    .getValidationErrors()
                                    .getAllErrors())
                            .anySatisfy((error) -> {
                                String name = error.getObjectName() + "."
                                        + DataObjectPropertyName.toDashedForm(((FieldError) error).getField());
                                assertThat(name).isEqualTo(property);
                                assertThat(error.getDefaultMessage()).contains(reason);
                            });
                });
    }

    private static InvalidConfigurationPropertyValueException invalidValue(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            if (t instanceof InvalidConfigurationPropertyValueException ex) {
                return ex;
            }
        }
        throw new AssertionError("No InvalidConfigurationPropertyValueException in", context.getStartupFailure());
    }

    private static Throwable rootCause(AssertableApplicationContext context) {
        Throwable ex = context.getStartupFailure();
        while (ex.getCause() != null) {
            ex = ex.getCause();
        }
        return ex;
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({SslAutoConfiguration.class, LeapAutoConfiguration.class})
    static class App {}
}
