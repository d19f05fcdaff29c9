package io.leap.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link FaultProxy} against a plain TCP echo server.
 */
class FaultProxyTests {

    private ServerSocket echoServer;

    private FaultProxy proxy;

    @BeforeEach
    void startEchoServer() throws IOException {
        this.echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(
                () -> {
                    while (!this.echoServer.isClosed()) {
                        try {
                            Socket socket = this.echoServer.accept();
                            Thread echo = new Thread(() -> echo(socket), "echo");
                            echo.setDaemon(true);
                            echo.start();
                        } catch (IOException ex) {
                            return;
                        }
                    }
                },
                "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        this.proxy = FaultProxy.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), this.echoServer.getLocalPort()), 0);
    }

    @AfterEach
    void stop() throws IOException {
        this.proxy.close();
        this.echoServer.close();
    }

    private static void echo(Socket socket) {
        try (socket;
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ex) {
            // peer gone
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.proxy.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    @Test
    void passesBytesThroughBothWays() throws IOException {
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
            assertThat(roundTrip(socket, "again")).isEqualTo("again");
        }
        assertThat(this.proxy.acceptedConnections()).isEqualTo(1);
        assertThat(this.proxy.bytesForwarded()).isEqualTo(20);
    }

    @Test
    void cutResetsOpenLinks() throws IOException {
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
            this.proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> this.proxy.openLinks() == 0);
            assertThatThrownBy(() -> {
                        // A reset link either refuses the write or ends the stream.
                        socket.getOutputStream().write(1);
                        int read = socket.getInputStream().read();
                        if (read < 0) {
                            throw new IOException("end of stream");
                        }
                    })
                    .isInstanceOf(IOException.class);
        }
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "new link")).isEqualTo("new link");
        }
    }

    @Test
    void blackHoleForwardsNothingUntilHealed() throws Exception {
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "before")).isEqualTo("before");
            this.proxy.blackHole();
            long forwarded = this.proxy.bytesForwarded();
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return roundTrip(socket, "during");
                } catch (IOException ex) {
                    throw new RuntimeException(ex);
                }
            });
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !answer.isDone() && this.proxy.bytesForwarded() == forwarded);
            assertThat(socket.isClosed()).isFalse();
            this.proxy.heal();
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("during");
        }
    }

    @Test
    void latencyDelaysEachDirection() throws IOException {
        try (Socket socket = connect()) {
            roundTrip(socket, "warm-up");
            this.proxy.latency(Duration.ofMillis(150));
            long start = System.nanoTime();
            assertThat(roundTrip(socket, "slow")).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void throttleLimitsBandwidth() throws IOException {
        try (Socket socket = connect()) {
            this.proxy.throttle(20_000);
            String payload = "x".repeat(10_000);
            long start = System.nanoTime();
            assertThat(roundTrip(socket, payload)).isEqualTo(payload);
            // 10 kB at 20 kB/s: the last byte cannot pass before 0.45 s (the first 1/20 s slice goes at once).
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void refusedConnectionsAreResetAndCounted() throws IOException {
        this.proxy.refuseConnections(true);
        try (Socket socket = connect()) {
            assertThatThrownBy(() -> {
                        socket.getOutputStream().write(1);
                        if (socket.getInputStream().read() < 0) {
                            throw new IOException("end of stream");
                        }
                    })
                    .isInstanceOf(IOException.class);
        }
        assertThat(this.proxy.acceptedConnections()).isEqualTo(1);
        this.proxy.heal();
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "ok")).isEqualTo("ok");
        }
    }

    @Test
    void rewriteKeepsPathAndQuery() {
        URI rewritten = this.proxy.rewrite(URI.create("ws://127.0.0.1:1234/ws?encoding=json&compression=zlib"));
        assertThat(rewritten.getPort()).isEqualTo(this.proxy.port());
        assertThat(rewritten.getPath()).isEqualTo("/ws");
        assertThat(rewritten.getQuery()).isEqualTo("encoding=json&compression=zlib");
    }

    @Test
    void closeStopsEveryThread() throws IOException {
        try (Socket socket = connect()) {
            roundTrip(socket, "x");
        }
        this.proxy.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch((thread) -> thread.getName().startsWith("leap-fault-proxy-") && thread.isAlive()));
    }
}
