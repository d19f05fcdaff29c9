package io.leap.client.reliability;

import static io.leap.client.reliability.Reliability.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.client.LeapClient;
import io.leap.client.LeapConnectException;
import io.leap.client.LeapMessage;
import io.leap.client.rest.LeapApi;
import io.leap.client.rest.LeapApiException;
import io.leap.client.rest.RetryPolicy;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.server.testing.ConnectProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TLS and proxy options of {@link JdkWebSocketTransport.Builder} and {@link LeapApi.Builder}, against the
 * embedded server's TLS option and a real {@code CONNECT} proxy ({@link ConnectProxy}).
 */
class TlsAndProxyTests {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private LeapServer tlsServer(TestCertificates cert) {
        return track(LeapServer.builder()
                .tls(cert.keyStore, TestCertificates.PASSWORD)
                .build()
                .start());
    }

    private static String hostPort(URI url) {
        return url.getHost() + ":" + url.getPort();
    }

    /** Connects, subscribes to {@code channel} and checks that a published message arrives. */
    private void roundTrip(LeapServer server, JdkWebSocketTransport transport, String channel) {
        server.createChannel(channel, ChannelType.UNPROTECTED, Map.of());
        LeapClient client = track(LeapClient.builder(server.projectId())
                .url(server.wsUrl())
                .transport(transport)
                .reconnectPolicy(Reliability.FAST)
                .build());
        List<LeapMessage> messages = new CopyOnWriteArrayList<>();
        client.addMessageListener(messages::add);
        client.connect();
        client.subscribe(channel, Duration.ofSeconds(10));
        server.publish(channel, "hello", Map.of("n", 1));
        await().atMost(WAIT).until(() -> messages.size() == 1);
        assertThat(messages.get(0).event()).isEqualTo("hello");
    }

    // ------------------------------------------------------------------------------------- JDK transport

    @Test
    void jdkTransportSpeaksWssWithTheGivenSslContextAndParameters() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("localhost", "127.0.0.1");
        LeapServer server = tlsServer(cert);
        SSLParameters tls13 = new SSLParameters();
        tls13.setProtocols(new String[] {"TLSv1.3"});
        JdkWebSocketTransport transport = track(JdkWebSocketTransport.builder()
                .sslContext(cert.trustingContext())
                .sslParameters(tls13)
                .build());
        roundTrip(server, transport, "secure");
    }

    @Test
    void jdkTransportRefusesAServerOutsideItsSslParameters() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("localhost", "127.0.0.1");
        LeapServer server = tlsServer(cert);
        SSLParameters noSharedSuite = new SSLParameters();
        noSharedSuite.setProtocols(new String[] {"TLSv1.2"});
        noSharedSuite.setCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA"}); // RSA key exchange, EC cert
        JdkWebSocketTransport transport = track(JdkWebSocketTransport.builder()
                .sslContext(cert.trustingContext())
                .sslParameters(noSharedSuite)
                .build());
        LeapClient client = track(LeapClient.builder(server.projectId())
                .url(server.wsUrl())
                .transport(transport)
                .reconnectPolicy(Reliability.FAST)
                .build());
        assertThatThrownBy(client::connect).isInstanceOf(LeapConnectException.class);
    }

    @Test
    void jdkTransportTunnelsWsThroughAnHttpProxy() {
        LeapServer server = track(LeapServer.builder().build().start());
        ConnectProxy proxy = track(ConnectProxy.start());
        JdkWebSocketTransport transport =
                track(JdkWebSocketTransport.builder().proxy(proxy.address()).build());
        roundTrip(server, transport, "proxied");
        assertThat(proxy.targets()).contains(hostPort(server.wsUrl()));
    }

    @Test
    void jdkTransportTunnelsWssThroughAnHttpProxy() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("localhost", "127.0.0.1");
        LeapServer server = tlsServer(cert);
        ConnectProxy proxy = track(ConnectProxy.start());
        JdkWebSocketTransport transport = track(JdkWebSocketTransport.builder()
                .sslContext(cert.trustingContext())
                .proxy(proxy.address())
                .build());
        roundTrip(server, transport, "secure-proxied");
        assertThat(proxy.targets()).contains(hostPort(server.wsUrl()));
    }

    @Test
    void jdkTransportFailsClearlyWhenTheProxyIsDown() {
        LeapServer server = track(LeapServer.builder().build().start());
        InetSocketAddress nothing = new InetSocketAddress("127.0.0.1", Reliability.freePort());
        JdkWebSocketTransport transport =
                track(JdkWebSocketTransport.builder().proxy(nothing).build());
        LeapClient client = track(LeapClient.builder(server.projectId())
                .url(server.wsUrl())
                .transport(transport)
                .reconnectPolicy(Reliability.FAST)
                .build());
        assertThatThrownBy(client::connect).isInstanceOf(LeapConnectException.class);
        assertThat(server.connectionAttempts()).isZero();
    }

    // ------------------------------------------------------------------------------------------- LeapApi

    @Test
    void leapApiSpeaksHttpsWithTheGivenSslContext() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("localhost", "127.0.0.1");
        LeapServer server = tlsServer(cert);
        assertThat(server.apiUrl().getScheme()).isEqualTo("https");
        LeapApi api = LeapApi.builder(server.projectToken())
                .baseUrl(server.apiUrl())
                .sslContext(cert.trustingContext())
                .build();
        api.channels().create("rest-tls", io.leap.client.ChannelType.PUBLIC, Map.of("a", 1));
        assertThat(api.channels().get("rest-tls").state().asMap()).isEqualTo(Map.of("a", 1));

        LeapApi untrusting = LeapApi.builder(server.projectToken())
                .baseUrl(server.apiUrl())
                .sslContext(SSLContext.getDefault())
                .retryPolicy(RetryPolicy.none())
                .build();
        assertThatThrownBy(() -> untrusting.channels().get("rest-tls"))
                .isInstanceOfSatisfying(
                        LeapApiException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(LeapApiException.CONNECTION_FAILED));
    }

    @Test
    void leapApiAppliesItsSslParameters() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("localhost", "127.0.0.1");
        LeapServer server = tlsServer(cert);
        SSLParameters tls13 = new SSLParameters();
        tls13.setProtocols(new String[] {"TLSv1.3"});
        LeapApi api = LeapApi.builder(server.projectToken())
                .baseUrl(server.apiUrl())
                .sslContext(cert.trustingContext())
                .sslParameters(tls13)
                .build();
        assertThat(api.tokens().create().id()).isNotEmpty();

        SSLParameters noSharedSuite = new SSLParameters();
        noSharedSuite.setProtocols(new String[] {"TLSv1.2"});
        noSharedSuite.setCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA"}); // RSA key exchange, EC cert
        LeapApi refused = LeapApi.builder(server.projectToken())
                .baseUrl(server.apiUrl())
                .sslContext(cert.trustingContext())
                .sslParameters(noSharedSuite)
                .retryPolicy(RetryPolicy.none())
                .build();
        assertThatThrownBy(() -> refused.tokens().list())
                .isInstanceOfSatisfying(
                        LeapApiException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(LeapApiException.CONNECTION_FAILED));
    }

    @Test
    void leapApiForwardsHttpThroughAnHttpProxy() {
        LeapServer server = track(LeapServer.builder().build().start());
        ConnectProxy proxy = track(ConnectProxy.start());
        LeapApi api = LeapApi.builder(server.projectToken())
                .baseUrl(server.apiUrl())
                .proxy(proxy.address())
                .build();
        api.channels().create("via-proxy", io.leap.client.ChannelType.PUBLIC, null);
        api.channels().publish("via-proxy", "E", Map.of("x", 1));
        assertThat(api.channels().get("via-proxy").id()).isEqualTo("via-proxy");
        assertThat(proxy.targets()).isNotEmpty().allSatisfy(t -> assertThat(t).isEqualTo(hostPort(server.apiUrl())));
    }

    @Test
    void leapApiTunnelsHttpsThroughAnHttpProxy() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("localhost", "127.0.0.1");
        LeapServer server = tlsServer(cert);
        ConnectProxy proxy = track(ConnectProxy.start());
        LeapApi api = LeapApi.builder(server.projectToken())
                .baseUrl(server.apiUrl())
                .sslContext(cert.trustingContext())
                .proxy(proxy.address())
                .build();
        String token = api.tokens().create(Map.of("user", "p")).id();
        assertThat(api.tokens().get(token).state().asMap()).isEqualTo(Map.of("user", "p"));
        assertThat(proxy.targets()).isNotEmpty().allSatisfy(t -> assertThat(t).isEqualTo(hostPort(server.apiUrl())));
    }

    @Test
    void leapApiRefusesTlsOrProxySettingsBesideAnOwnHttpClient() {
        LeapApi.Builder b = LeapApi.builder("ptk_abc")
                .httpClient(HttpClient.newHttpClient())
                .proxy(new InetSocketAddress("127.0.0.1", 3128));
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("proxy");
    }
}
