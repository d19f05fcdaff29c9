package io.leap.client.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.leap.client.rest.StubHttpServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression tests against servers that behave unlike the embedded one, over real sockets: a server that serves
 * WebSocket and REST on one port and refuses every other {@code Upgrade}, a server that ignores paging parameters,
 * and error texts and connection failures that carry secrets.
 */
class LeapApiInteropTests {

    static final String PTK = LeapApiWireTests.PTK;
    static final String LEAP_TOKEN = LeapApiWireTests.LEAP_TOKEN;

    StubHttpServer stub;
    LeapApi api;

    @BeforeEach
    void start() throws IOException {
        stub = new StubHttpServer();
        api = LeapApi.builder(PTK)
                .baseUrl(stub.baseUrl())
                .retryPolicy(RetryPolicy.none())
                .build();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    // ----------------------------------------------------------------------------- cleartext HTTP/1.1 by default

    @Test
    void cleartextRequestsCarryNoH2cUpgrade() {
        api.channels().publish("c", "E", 1);
        api.channels().delete("c");
        assertThat(stub.requests()).hasSize(2).allSatisfy(r -> {
            assertThat(r.header("Upgrade")).isNull();
            assertThat(r.header("HTTP2-Settings")).isNull();
            assertThat(r.header("Connection"))
                    .satisfiesAnyOf(
                            c -> assertThat(c).isNull(),
                            c -> assertThat(c.toLowerCase(Locale.ROOT)).doesNotContain("upgrade"));
        });
    }

    @Test
    void worksAgainstAServerThatRefusesNonWebSocketUpgrades() throws Exception {
        try (UpgradeRefusingServer server = new UpgradeRefusingServer()) {
            LeapApi nodeLike = LeapApi.builder(PTK)
                    .baseUrl("http://127.0.0.1:" + server.port())
                    .retryPolicy(RetryPolicy.none())
                    .requestTimeout(Duration.ofSeconds(10))
                    .build();
            nodeLike.channels().publish("c", "E", 1);
            assertThat(nodeLike.channels().get("c").id()).isEqualTo("c");
            assertThat(server.heads)
                    .hasSize(2)
                    .noneSatisfy(h -> assertThat(h.toLowerCase(Locale.ROOT)).contains("upgrade:"));
        }
    }

    @Test
    void theBuiltInClientPrefersHttp2OnlyOverTls() {
        assertThat(LeapApi.defaultVersion(java.net.URI.create("http://127.0.0.1:1")))
                .isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
        assertThat(LeapApi.defaultVersion(java.net.URI.create("https://api.hop.io")))
                .isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
    }

    // ---------------------------------------------------------------------------------- paging always ends

    @Test
    void pagingEndsAgainstAServerThatIgnoresPageAndLimit() {
        stub.fallback(r -> channels(List.of("a", "b", "c"), -1));
        List<String> ids = api.channels().stream(ChannelListOptions.defaults().withPageSize(2))
                .map(LeapChannel::id)
                .toList();
        assertThat(ids).containsExactly("a", "b", "c");
        assertThat(stub.requests()).hasSize(2); // page 2 repeated page 1
    }

    @Test
    void pagingEndsAgainstAServerThatIgnoresPageButHonoursLimit() {
        stub.fallback(r -> channels(List.of("a", "b"), -1));
        List<ChannelPage> pages = api.channels()
                .streamPages(ChannelListOptions.defaults().withPageSize(2))
                .toList();
        assertThat(pages).extracting(ChannelPage::page).containsExactly(1);
        assertThat(stub.requests()).hasSize(2);
    }

    @Test
    void pagingHonoursTotalCountEvenWhenPagesAreIgnored() {
        stub.fallback(r -> channels(List.of("a", "b", "c"), 3));
        assertThat(api.channels().stream(ChannelListOptions.defaults()).map(LeapChannel::id))
                .containsExactly("a", "b", "c");
        assertThat(stub.requests()).hasSize(1);
    }

    private static Reply channels(List<String> ids, long total) {
        return Reply.json(
                200,
                "{\"success\":true,\"data\":{\"channels\":["
                        + ids.stream()
                                .map(id -> LeapApiWireTests.channelJson(id, "public", "{}"))
                                .collect(Collectors.joining(","))
                        + "]" + (total >= 0 ? ",\"total_count\":" + total : "") + "}}");
    }

    // ------------------------------------------------------------------------------------- one redaction

    @Test
    void errorCodesAndMessagesAreRedactedLikeTheSocketSide() {
        String custom = "tok-not-prefixed-123";
        stub.enqueue(Reply.json(
                400,
                "{\"success\":false,\"error\":{\"code\":\"bad_" + LEAP_TOKEN + "\",\"message\":\"token " + custom
                        + " and " + LEAP_TOKEN + " and bearer_abc\"}}"));
        LeapApiException e = catchThrowableOfType(() -> api.tokens().get(custom), LeapApiException.class);
        assertThat(e.getMessage())
                .doesNotContain(custom)
                .doesNotContain(LEAP_TOKEN)
                .doesNotContain("bearer_abc")
                .contains("leap_token_***", "bearer_***");
        assertThat(e.errorCode()).doesNotContain(LEAP_TOKEN);
    }

    @Test
    void theExceptionConstructorRedactsToo() {
        LeapApiException e = new LeapApiException("GET /v1/channels", 0, null, "see " + PTK, null, 1, null);
        assertThat(e.errorMessage()).isEqualTo("see ptk_***");
        assertThat(e.getMessage()).doesNotContain(PTK);
    }

    @Test
    void toStringShowsOnlyTheCredentialKind() {
        assertThat(api.toString()).contains("ptk_***").doesNotContain(PTK.substring(4));
    }

    /**
     * Serves plain HTTP/1.1 like a Node {@code http} server with a WebSocket server attached: a request carrying an
     * {@code Upgrade} header other than {@code websocket} is answered 400 and closed; any other request gets a
     * channel.
     */
    static final class UpgradeRefusingServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> heads = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        UpgradeRefusingServer() throws IOException {
            acceptor = new Thread(this::serve, "upgrade-refusing-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    String head;
                    while ((head = readHead(in)) != null) {
                        heads.add(head);
                        String lower = head.toLowerCase(Locale.ROOT);
                        int length = contentLength(lower);
                        in.readNBytes(length);
                        if (lower.contains("\r\nupgrade:") && !lower.contains("upgrade: websocket")) {
                            out.write(("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            break;
                        }
                        byte[] body = head.startsWith("POST")
                                ? "{\"success\":true,\"data\":{}}".getBytes(StandardCharsets.UTF_8)
                                : ("{\"success\":true,\"data\":{\"channel\":"
                                                + LeapApiWireTests.channelJson("c", "public", "{}") + "}}")
                                        .getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed by the test or the client
                }
            }
        }

        private static int contentLength(String lowerHead) {
            int i = lowerHead.indexOf("\r\ncontent-length:");
            if (i < 0) {
                return 0;
            }
            int end = lowerHead.indexOf("\r\n", i + 2);
            return Integer.parseInt(lowerHead
                    .substring(i + 17, end < 0 ? lowerHead.length() : end)
                    .strip());
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
                    return head.toString(StandardCharsets.US_ASCII);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
