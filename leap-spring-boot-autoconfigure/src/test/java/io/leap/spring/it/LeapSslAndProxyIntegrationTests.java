package io.leap.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.rest.LeapApi;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketTransport;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.server.testing.ConnectProxy;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.autoconfigure.LeapTemplateAutoConfiguration;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.testsupport.LeapTestSupport;
import io.leap.spring.testsupport.TestCertificates;
import io.leap.spring.transport.SpringWebSocketTransport;
import io.leap.transport.netty.NettyWebSocketTransport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

/**
 * {@code leap.ssl.bundle}, {@code leap.api.ssl.bundle}, {@code leap.proxy.*} and {@code leap.api.proxy.*} end to end:
 * {@code wss://} and {@code https://} against the embedded server's TLS option with a self-signed certificate that only
 * the Boot SSL bundle trusts, and traffic through a real {@code CONNECT} proxy ({@link ConnectProxy}), for each
 * WebSocket transport.
 */
class LeapSslAndProxyIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static final String CHANNEL = "secure";

    @TempDir
    Path directory;

    private LeapServer server;

    private ConnectProxy proxy;

    @AfterEach
    void stop() {
        if (this.proxy != null) {
            this.proxy.close();
        }
        if (this.server != null) {
            this.server.close();
        }
    }

    private TestCertificates tlsServer() throws Exception {
        TestCertificates certificates = TestCertificates.selfSigned("localhost", "127.0.0.1");
        this.server = LeapServer.builder()
                .tls(certificates.keyStore(), certificates.password())
                .build()
                .start();
        this.server.createChannel(CHANNEL, ChannelType.UNPROTECTED, Map.of());
        return certificates;
    }

    private void plainServer() {
        this.server = LeapServer.builder().build().start();
        this.server.createChannel(CHANNEL, ChannelType.UNPROTECTED, Map.of());
    }

    private ApplicationContextRunner runner(String transport) {
        LeapServer leap = this.server;
        return IntegrationSupport.runner()
                .withConfiguration(
                        AutoConfigurations.of(SslAutoConfiguration.class, LeapTemplateAutoConfiguration.class))
                .withBean(
                        LeapConnectionDetails.class,
                        () -> LeapTestSupport.connectionDetails(leap.wsUrl(), leap.projectId(), null))
                .withBean(Collector.class)
                .withPropertyValues("leap.transport.type=" + transport, "leap.channels=" + CHANNEL);
    }

    private String pemBundle(TestCertificates certificates) throws Exception {
        Path pem = certificates.writeCertificatePem(this.directory.resolve("server.pem"));
        return "spring.ssl.bundle.pem.leap-server.truststore.certificate=file:" + pem;
    }

    private static Class<? extends WebSocketTransport> transportClass(String transport) {
        return switch (transport) {
            case "jdk" -> JdkWebSocketTransport.class;
            case "netty" -> NettyWebSocketTransport.class;
            default -> SpringWebSocketTransport.class;
        };
    }

    /** The client subscribed to the channel, and a message published there reaches the application. */
    private void assertReceives(AssertableApplicationContext context, String transport) {
        assertThat(context).hasNotFailed();
        assertThat(context.getBean(WebSocketTransport.class)).isInstanceOf(transportClass(transport));
        await().atMost(TIMEOUT).until(() -> this.server.onlineCount(CHANNEL) == 1);
        this.server.publish(CHANNEL, "hello", Map.of("n", 1));
        Collector collector = context.getBean(Collector.class);
        await().atMost(TIMEOUT).until(() -> !collector.events.isEmpty());
        assertThat(collector.events.get(0).getEvent()).isEqualTo("hello");
        assertThat(collector.events.get(0).getChannelId()).isEqualTo(CHANNEL);
    }

    // ---------------------------------------------------------------------------------------------- TLS

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "netty", "spring"})
    void wssWithTheTrustOfTheSslBundle(String transport) throws Exception {
        TestCertificates certificates = tlsServer();
        assertThat(this.server.wsUrl().getScheme()).isEqualTo("wss");
        runner(transport)
                .withPropertyValues(pemBundle(certificates), "leap.ssl.bundle=leap-server")
                .run((context) -> assertReceives(context, transport));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "netty", "spring"})
    void withoutTheBundleTheSelfSignedServerIsNotTrusted(String transport) throws Exception {
        tlsServer();
        runner(transport)
                .withPropertyValues("leap.fail-fast=true", "leap.connect-timeout=5s", "leap.reconnect.enabled=false")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(this.server.onlineCount(CHANNEL)).isZero();
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "netty", "spring"})
    void bundleOptionsRestrictTheHandshake(String transport) throws Exception {
        TestCertificates certificates = tlsServer();
        runner(transport)
                .withPropertyValues(
                        pemBundle(certificates),
                        "leap.ssl.bundle=leap-server",
                        // RSA key exchange only, and the server's certificate is EC: no suite in common.
                        "spring.ssl.bundle.pem.leap-server.options.enabled-protocols=TLSv1.2",
                        "spring.ssl.bundle.pem.leap-server.options.ciphers=TLS_RSA_WITH_AES_128_CBC_SHA",
                        "leap.fail-fast=true",
                        "leap.connect-timeout=5s",
                        "leap.reconnect.enabled=false")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(this.server.onlineCount(CHANNEL)).isZero();
                });
    }

    @Test
    void bundleOptionsThatTheServerSupportsConnect() throws Exception {
        TestCertificates certificates = tlsServer();
        runner("spring")
                .withPropertyValues(
                        pemBundle(certificates),
                        "leap.ssl.bundle=leap-server",
                        "spring.ssl.bundle.pem.leap-server.options.enabled-protocols=TLSv1.3")
                .run((context) -> assertReceives(context, "spring"));
    }

    @Test
    void restApiOverHttpsWithTheTrustOfItsOwnBundle() throws Exception {
        TestCertificates certificates = tlsServer();
        Path trustStore = certificates.writeTrustStore(this.directory.resolve("trust.p12"));
        runner("jdk")
                .withPropertyValues(
                        "leap.enabled=false",
                        "spring.ssl.bundle.jks.leap-api.truststore.location=file:" + trustStore,
                        "spring.ssl.bundle.jks.leap-api.truststore.password=" + TestCertificates.PASSWORD,
                        "spring.ssl.bundle.jks.leap-api.truststore.type=PKCS12",
                        "leap.api.ssl.bundle=leap-api",
                        "leap.api.url=" + this.server.apiUrl(),
                        "leap.api.token=" + this.server.projectToken(),
                        "leap.api.retry.enabled=false")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(this.server.apiUrl().getScheme()).isEqualTo("https");
                    LeapApi api = context.getBean(LeapApi.class);
                    api.channels().create("rest-tls", io.leap.client.ChannelType.PUBLIC, Map.of("a", 1));
                    assertThat(this.server.channelIds()).contains("rest-tls");
                });
    }

    @Test
    void restApiWithoutItsBundleDoesNotTrustTheServer() throws Exception {
        TestCertificates certificates = tlsServer();
        runner("jdk")
                .withPropertyValues(
                        "leap.enabled=false",
                        // the socket's bundle is not the API's
                        pemBundle(certificates),
                        "leap.ssl.bundle=leap-server",
                        "leap.api.url=" + this.server.apiUrl(),
                        "leap.api.token=" + this.server.projectToken(),
                        "leap.api.retry.enabled=false")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    LeapApi api = context.getBean(LeapApi.class);
                    org.assertj.core.api.Assertions.assertThatThrownBy(
                                    () -> api.channels().get(CHANNEL))
                            .isInstanceOf(io.leap.client.rest.LeapApiException.class);
                });
    }

    // -------------------------------------------------------------------------------------------- proxy

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "netty"})
    void wsThroughTheProxy(String transport) {
        plainServer();
        this.proxy = ConnectProxy.start();
        runner(transport)
                .withPropertyValues("leap.proxy.host=127.0.0.1", "leap.proxy.port=" + this.proxy.port())
                .run((context) -> {
                    assertReceives(context, transport);
                    assertThat(this.proxy.targets()).contains(hostPort(this.server.wsUrl()));
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "netty"})
    void wssThroughTheProxyWithTheBundle(String transport) throws Exception {
        TestCertificates certificates = tlsServer();
        this.proxy = ConnectProxy.start();
        runner(transport)
                .withPropertyValues(
                        pemBundle(certificates),
                        "leap.ssl.bundle=leap-server",
                        "leap.proxy.host=localhost",
                        "leap.proxy.port=" + this.proxy.port())
                .run((context) -> {
                    assertReceives(context, transport);
                    assertThat(this.proxy.targets()).contains(hostPort(this.server.wsUrl()));
                });
    }

    @Test
    void withoutProxyPropertiesTheProxyIsNotUsed() {
        plainServer();
        this.proxy = ConnectProxy.start();
        runner("jdk").run((context) -> {
            assertReceives(context, "jdk");
            assertThat(this.proxy.targets()).isEmpty();
        });
    }

    @Test
    void restApiThroughItsProxy() throws Exception {
        TestCertificates certificates = tlsServer();
        this.proxy = ConnectProxy.start();
        runner("jdk")
                .withPropertyValues(
                        pemBundle(certificates),
                        "leap.ssl.bundle=leap-server",
                        "leap.api.ssl.bundle=leap-server",
                        "leap.api.proxy.host=127.0.0.1",
                        "leap.api.proxy.port=" + this.proxy.port(),
                        "leap.api.url=" + this.server.apiUrl(),
                        "leap.api.token=" + this.server.projectToken())
                .run((context) -> {
                    assertReceives(context, "jdk");
                    // the socket has no proxy of its own: only the API's traffic went through it
                    assertThat(this.proxy.targets()).isEmpty();
                    context.getBean(LeapApi.class).channels().publish(CHANNEL, "via-api", Map.of("n", 2));
                    Collector collector = context.getBean(Collector.class);
                    await().atMost(TIMEOUT).until(() -> collector.events.size() == 2);
                    assertThat(collector.events.get(1).getEvent()).isEqualTo("via-api");
                    assertThat(this.proxy.targets())
                            .isNotEmpty()
                            .allSatisfy((target) -> assertThat(target).isEqualTo(hostPort(this.server.apiUrl())));
                });
    }

    private static String hostPort(URI url) {
        return url.getHost() + ":" + url.getPort();
    }

    static class Collector {

        final List<LeapMessageEvent> events = new CopyOnWriteArrayList<>();

        @EventListener
        public void on(LeapMessageEvent event) {
            this.events.add(event);
        }
    }
}
