package io.leap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BasicSocketTests {

    LeapServer server;

    /** The builder of the server under test: the in-memory engine here, Redis in {@code RedisBasicSocketTests}. */
    LeapServer.Builder builder() {
        return LeapServer.builder();
    }

    @BeforeEach
    void start() {
        server = builder().build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void helloIdentifyInitSubscribeAndMessage() {
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of("round", 1));
        try (TestSocket s = TestSocket.connect(server, "encoding=json&compression=none")) {
            TestSocket.Received hello = s.next();
            assertThat(hello.raw()).isEqualTo("{\"op\":1,\"d\":{\"heartbeat_interval\":30000}}");
            s.send("{\"op\":2,\"d\":{\"project_id\":\"" + server.projectId() + "\"}}\n");
            TestSocket.Received init = s.nextDispatch();
            assertThat(init.event()).isEqualTo("INIT");
            assertThat(init.data().path("scope").asString()).isEqualTo("noauth");
            s.dispatch("game", "SUBSCRIBE", "null");
            TestSocket.Received available = s.nextDispatch();
            assertThat(available.event()).isEqualTo("AVAILABLE");
            server.publish("game", "SCORE", Map.of("points", 10));
            TestSocket.Received msg = s.nextDispatch();
            assertThat(msg.raw())
                    .isEqualTo(
                            "{\"op\":0,\"d\":{\"c\":\"game\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"SCORE\",\"d\":{\"points\":10}}}}");
            s.send("{\"op\":3}");
            assertThat(s.next().raw()).isEqualTo("{\"op\":4}");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void zlibAndTokenAndClose() {
        String token = server.createToken(Map.of("user_id", "42"));
        try (TestSocket s = TestSocket.connect(server, "compression=zlib")) {
            TestSocket.Received init = s.identify(server.projectId(), token);
            assertThat(init.binary()).isTrue();
            assertThat(init.data().path("scope").asString()).isEqualTo("token");
            String cid = init.data().path("cid").asString();
            assertThat(server.closeConnection(cid, 4000, "Unknown error")).isTrue();
            assertThat(s.awaitClose()).isEqualTo(new TestSocket.Closed(4000, "Unknown error"));
        }
    }
}
