package io.leap.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link ConnectProxy} against a plain TCP server that echoes what it reads and then closes.
 */
class ConnectProxyTests {

    private ServerSocket upstream;

    private ConnectProxy proxy;

    @BeforeEach
    void start() throws IOException {
        this.upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(
                () -> {
                    while (!this.upstream.isClosed()) {
                        try (Socket socket = this.upstream.accept()) {
                            String head = readHead(socket.getInputStream());
                            socket.getOutputStream().write(("echo:" + head).getBytes(StandardCharsets.ISO_8859_1));
                        } catch (IOException ex) {
                            return;
                        }
                    }
                },
                "connect-proxy-tests-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
        this.proxy = ConnectProxy.start();
    }

    @AfterEach
    void stop() throws IOException {
        this.proxy.close();
        this.upstream.close();
    }

    @Test
    void connectOpensATunnelToTheTarget() throws IOException {
        String target = "127.0.0.1:" + this.upstream.getLocalPort();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.proxy.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            out.write("hello\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("echo:hello\r\n\r\n");
        }
        assertThat(this.proxy.targets()).containsExactly(target);
    }

    @Test
    void absoluteFormRequestsAreForwardedInOriginFormWithoutProxyHeaders() throws IOException {
        String target = "127.0.0.1:" + this.upstream.getLocalPort();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.proxy.port())) {
            socket.getOutputStream()
                    .write(("GET http://" + target + "/v1/channels?x=1 HTTP/1.1\r\nHost: " + target
                                    + "\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            String echoed = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(echoed)
                    .startsWith("echo:GET /v1/channels?x=1 HTTP/1.1\r\n")
                    .contains("Host: " + target, "Connection: close")
                    .doesNotContain("Proxy-Connection", "keep-alive");
        }
        assertThat(this.proxy.targets()).containsExactly(target);
    }

    @Test
    void anUnreachableTargetIsABadGateway() throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.proxy.port())) {
            socket.getOutputStream()
                    .write(("CONNECT 127.0.0.1:" + dead + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 502");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2))
                    ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
