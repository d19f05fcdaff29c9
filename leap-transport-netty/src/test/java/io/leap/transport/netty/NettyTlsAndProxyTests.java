package io.leap.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.client.LeapClient;
import io.leap.client.LeapConnectException;
import io.leap.client.LeapMessage;
import io.leap.client.ReconnectPolicy;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.server.testing.ConnectProxy;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK {@link SSLContext}, {@link SSLParameters} and HTTP proxy options of {@link NettyWebSocketTransport}, against
 * {@code leap-server}'s TLS option and a real {@code CONNECT} proxy ({@link ConnectProxy}).
 */
class NettyTlsAndProxyTests {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final char[] PASSWORD = "secret".toCharArray();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private KeyStore serverKeys;
    private SSLContext trusting;

    @BeforeEach
    void certificates() throws Exception {
        certificate(
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"));
    }

    /** Makes {@link #serverKeys} a self-signed certificate for the given names and {@link #trusting} trust it. */
    private void certificate(GeneralName... names) throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        X500Name subject = new X500Name("CN=leap-test");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject,
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        serverKeys = KeyStore.getInstance("PKCS12");
        serverKeys.load(null, null);
        serverKeys.setKeyEntry("leap", keys.getPrivate(), PASSWORD, new X509Certificate[] {cert});
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("leap", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), new SecureRandom());
    }

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

    private LeapServer tlsServer() {
        return track(LeapServer.builder().tls(serverKeys, PASSWORD).build().start());
    }

    private LeapClient.Builder client(LeapServer server, NettyWebSocketTransport transport) {
        return LeapClient.builder(server.projectId())
                .url(server.wsUrl())
                .transport(transport)
                .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 2.0));
    }

    private void roundTrip(LeapServer server, NettyWebSocketTransport transport, String channel) {
        server.createChannel(channel, ChannelType.UNPROTECTED, Map.of());
        LeapClient client = track(client(server, transport).build());
        List<LeapMessage> messages = new CopyOnWriteArrayList<>();
        client.addMessageListener(messages::add);
        client.connect();
        client.subscribe(channel, Duration.ofSeconds(10));
        server.publish(channel, "hello", Map.of("n", 1));
        await().atMost(WAIT).until(() -> messages.size() == 1);
        assertThat(messages.get(0).event()).isEqualTo("hello");
    }

    private static String hostPort(URI url) {
        return url.getHost() + ":" + url.getPort();
    }

    @Test
    void wssWithAJdkSslContextAndParameters() {
        LeapServer server = tlsServer();
        SSLParameters tls13 = new SSLParameters();
        tls13.setProtocols(new String[] {"TLSv1.3"});
        NettyWebSocketTransport transport = track(NettyWebSocketTransport.builder()
                .sslContext(trusting)
                .sslParameters(tls13)
                .build());
        roundTrip(server, transport, "secure");
    }

    @Test
    void sslParametersThatTheServerCannotMeetFailTheConnect() {
        LeapServer server = tlsServer();
        SSLParameters legacyOnly = new SSLParameters();
        legacyOnly.setProtocols(new String[] {"TLSv1.1"}); // disabled on both sides by current JDKs
        NettyWebSocketTransport transport = track(NettyWebSocketTransport.builder()
                .sslContext(trusting)
                .sslParameters(legacyOnly)
                .build());
        LeapClient client = track(client(server, transport).build());
        assertThatThrownBy(client::connect).isInstanceOf(LeapConnectException.class);
    }

    @Test
    void hostNamesStayVerifiedWithCustomParameters() throws Exception {
        certificate(new GeneralName(GeneralName.dNSName, "other.example")); // trusted, but for another host
        LeapServer server = tlsServer();
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm(null); // ignored: the transport always verifies
        NettyWebSocketTransport transport = track(NettyWebSocketTransport.builder()
                .sslContext(trusting)
                .sslParameters(params)
                .build());
        LeapClient client = track(client(server, transport).build());
        assertThatThrownBy(client::connect)
                .isInstanceOf(LeapConnectException.class)
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
    }

    @Test
    void wsThroughAnHttpProxy() {
        LeapServer server = track(LeapServer.builder().build().start());
        ConnectProxy proxy = track(ConnectProxy.start());
        NettyWebSocketTransport transport =
                track(NettyWebSocketTransport.builder().proxy(proxy.address()).build());
        roundTrip(server, transport, "proxied");
        assertThat(proxy.targets()).containsExactly(hostPort(server.wsUrl()));
    }

    @Test
    void wssThroughAnHttpProxyChosenByAProxySelector() {
        LeapServer server = tlsServer();
        ConnectProxy proxy = track(ConnectProxy.start());
        List<URI> asked = new CopyOnWriteArrayList<>();
        ProxySelector selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                asked.add(uri);
                return List.of(new Proxy(Proxy.Type.HTTP, proxy.address()));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
        };
        NettyWebSocketTransport transport = track(NettyWebSocketTransport.builder()
                .sslContext(trusting)
                .proxy(selector)
                .build());
        roundTrip(server, transport, "secure-proxied");
        assertThat(proxy.targets()).containsExactly(hostPort(server.wsUrl()));
        assertThat(asked).first().hasToString("https://" + hostPort(server.wsUrl()));
    }

    @Test
    void aDirectChoiceBypassesTheProxyAndSocksIsRefused() throws Exception {
        LeapServer server = track(LeapServer.builder().build().start());
        NettyWebSocketTransport direct = track(
                NettyWebSocketTransport.builder().proxy(ProxySelector.of(null)).build()); // selects DIRECT
        roundTrip(server, direct, "direct");
        NettyWebSocketTransport socks = track(NettyWebSocketTransport.builder()
                .proxy(new ProxySelector() {
                    @Override
                    public List<Proxy> select(URI uri) {
                        return List.of(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", 1080)));
                    }

                    @Override
                    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
                })
                .build());
        LeapClient client = track(client(server, socks).build());
        assertThatThrownBy(client::connect)
                .isInstanceOf(LeapConnectException.class)
                .hasStackTraceContaining("Only HTTP proxies");
    }

    @Test
    void aProxyThatIsDownFailsTheConnect() throws Exception {
        LeapServer server = track(LeapServer.builder().build().start());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        NettyWebSocketTransport transport = track(NettyWebSocketTransport.builder()
                .proxy(new InetSocketAddress("127.0.0.1", port))
                .build());
        LeapClient client = track(client(server, transport).build());
        assertThatThrownBy(client::connect).isInstanceOf(LeapConnectException.class);
        assertThat(server.connectionAttempts()).isZero();
    }
}
