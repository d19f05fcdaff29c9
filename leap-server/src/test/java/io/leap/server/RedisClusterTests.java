package io.leap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.server.redis.RedisServer;
import io.leap.server.testing.FaultProxy;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Several nodes on one real {@code redis-server} acting as one Leap service: sockets on one node, REST and admin calls
 * on another, and faults between the nodes and Redis (cuts through {@link FaultProxy}, Redis restarts with AOF).
 */
class RedisClusterTests {

    private static final AtomicInteger PROJECTS = new AtomicInteger();
    private static RedisServer redis;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<TestSocket> sockets = new ArrayList<>();
    private String projectId;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start(true);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        sockets.forEach(TestSocket::close);
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private LeapServer node(String redisUri) {
        if (projectId == null) {
            projectId = "project_cluster" + PROJECTS.incrementAndGet() + "_" + System.nanoTime();
        }
        LeapServer s = LeapServer.builder()
                .projectId(projectId)
                .projectToken("ptk_cluster")
                .redis(redisUri)
                .build()
                .start();
        resources.add(s);
        return s;
    }

    private LeapServer node() {
        return node(redis.uri());
    }

    /** A node whose Redis connections go through a fault proxy. */
    private LeapServer nodeBehind(FaultProxy proxy) {
        return node("redis://127.0.0.1:" + proxy.port());
    }

    private FaultProxy proxy() {
        FaultProxy p = FaultProxy.start(redis.address(), 0);
        resources.add(p);
        return p;
    }

    private TestSocket connect(LeapServer s) {
        TestSocket socket = TestSocket.connect(s, null);
        sockets.add(socket);
        return socket;
    }

    @Test
    void publishOnOneNodeReachesSubscribersOnEveryNodeInOrder() {
        LeapServer a = node();
        LeapServer b = node();
        a.createChannel("game", ChannelType.PUBLIC, Map.of("round", 1));
        String token = b.createToken(null);
        b.subscribeToken("game", token);
        TestSocket onA = connect(a);
        TestSocket onB = connect(b);
        assertThat(onA.identify(projectId, token)
                        .data()
                        .path("channels")
                        .get(0)
                        .path("id")
                        .asString())
                .isEqualTo("game");
        onB.identify(projectId, token);
        int n = 300;
        for (int i = 0; i < n; i++) {
            (i % 2 == 0 ? a : b).publish("game", "N", i);
        }
        for (TestSocket socket : List.of(onA, onB)) {
            for (int i = 0; i < n; i++) {
                TestSocket.Received r = socket.nextDispatch();
                assertThat(r.event()).isEqualTo("MESSAGE");
                assertThat(r.data().path("d").asInt()).isEqualTo(i);
            }
        }
        // a socket publish on A reaches B's connection, echoed to the sender too
        onA.dispatch("game", "MESSAGE", "{\"e\":\"chat\",\"d\":\"hi\"}");
        assertThat(onB.nextDispatch().data().path("e").asString()).isEqualTo("chat");
        assertThat(onA.nextDispatch().data().path("e").asString()).isEqualTo("chat");
    }

    @Test
    void stateSubscriptionsDirectMessagesAndDeletesCrossNodes() {
        LeapServer a = node();
        LeapServer b = node();
        b.createChannel("room", ChannelType.UNPROTECTED, Map.of("k", 1));
        String token = b.createToken(Map.of("name", "x"));
        TestSocket onA = connect(a);
        assertThat(onA.identify(projectId, token)
                        .data()
                        .path("metadata")
                        .path("name")
                        .asString())
                .isEqualTo("x");
        b.subscribeToken("room", token);
        TestSocket.Received available = onA.nextDispatch();
        assertThat(available.event()).isEqualTo("AVAILABLE");
        assertThat(available.data().path("channel").path("state").path("k").asInt())
                .isEqualTo(1);
        b.patchChannelState("room", Map.of("j", 2));
        TestSocket.Received update = onA.nextDispatch();
        assertThat(update.event()).isEqualTo("STATE_UPDATE");
        assertThat(update.data().path("state").path("k").asInt()).isEqualTo(1);
        assertThat(update.data().path("state").path("j").asInt()).isEqualTo(2);
        b.sendDirectMessage(token, "dm", Map.of("x", 1));
        assertThat(onA.nextDispatch().event()).isEqualTo("DIRECT_MESSAGE");
        b.setTokenState(token, Map.of("name", "y"));
        assertThat(onA.nextDispatch().event()).isEqualTo("TOKEN_STATE_UPDATE");
        // an anonymous subscriber on B sees A's socket state update
        TestSocket anonOnB = connect(b);
        anonOnB.identify(projectId, null);
        anonOnB.dispatch("room", "SUBSCRIBE", "null");
        assertThat(anonOnB.nextDispatch().event()).isEqualTo("AVAILABLE");
        onA.dispatch("room", "SET_CHANNEL_STATE", "{\"v\":3}");
        assertThat(anonOnB.nextDispatch().data().path("state").path("v").asInt())
                .isEqualTo(3);
        assertThat(onA.nextDispatch().data().path("state").path("v").asInt()).isEqualTo(3);
        assertThat(b.channelState("room").path("v").asInt()).isEqualTo(3);
        b.unsubscribeToken("room", token);
        TestSocket.Received gone = onA.nextDispatch();
        assertThat(gone.event()).isEqualTo("UNAVAILABLE");
        assertThat(gone.data().path("graceful").asBoolean()).isTrue();
        a.deleteChannel("room");
        TestSocket.Received deleted = anonOnB.nextDispatch();
        assertThat(deleted.event()).isEqualTo("UNAVAILABLE");
        assertThat(deleted.data().path("error_code").asString()).isEqualTo("UNKNOWN");
        assertThat(b.channelIds()).doesNotContain("room");
    }

    @Test
    void presenceIsClusterWide() {
        LeapServer a = node();
        LeapServer b = node();
        a.createChannel("p", ChannelType.PUBLIC, null);
        a.createChannel("u", ChannelType.UNPROTECTED, null);
        String token = a.createToken(null);
        a.subscribeToken("p", token);
        assertThat(b.isOnline(token)).isFalse();
        TestSocket first = connect(a);
        assertThat(first.identify(projectId, token)
                        .data()
                        .path("connection_count")
                        .asInt())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.isOnline(token) && b.onlineCount("p") == 1);
        TestSocket second = connect(b);
        assertThat(second.identify(projectId, token)
                        .data()
                        .path("connection_count")
                        .asInt())
                .isEqualTo(2);
        TestSocket anon = connect(b);
        anon.identify(projectId, null);
        anon.dispatch("u", "SUBSCRIBE", "null");
        anon.nextDispatch();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.onlineCount("p") == 2 && a.onlineCount("u") == 1);
        first.close();
        second.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.isOnline(token) && b.onlineCount("p") == 0);
    }

    @Test
    void deletingATokenClosesItsConnectionsOnEveryNodeWith4001() {
        LeapServer a = node();
        LeapServer b = node();
        String token = a.createToken(null);
        TestSocket onA = connect(a);
        TestSocket onB = connect(b);
        onA.identify(projectId, token);
        onB.identify(projectId, token);
        b.deleteToken(token);
        assertThat(onA.awaitClose()).isEqualTo(new TestSocket.Closed(4001, "Invalid auth"));
        assertThat(onB.awaitClose()).isEqualTo(new TestSocket.Closed(4001, "Invalid auth"));
        TestSocket again = connect(a);
        again.next();
        again.send("{\"op\":2,\"d\":{\"project_id\":\"" + projectId + "\",\"token\":\"" + token + "\"}}");
        assertThat(again.awaitClose().code()).isEqualTo(4001);
    }

    @Test
    void restOnOneNodeSeesChannelsAndTokensOfAnother() {
        LeapServer a = node();
        LeapServer b = node();
        a.createChannel("c1", ChannelType.PRIVATE, Map.of("a", 1));
        assertThatThrownBy(() -> b.createChannel("c1", ChannelType.PUBLIC, null))
                .isInstanceOf(IllegalStateException.class);
        assertThat(b.channelIds()).containsExactly("c1");
        assertThat(b.channelState("c1").path("a").asInt()).isEqualTo(1);
        String token = b.createToken(Map.of("t", 1));
        a.subscribeToken("c1", token);
        TestSocket onB = connect(b);
        JsonNode init = onB.identify(projectId, token).data();
        assertThat(init.path("channels").get(0).path("id").asString()).isEqualTo("c1");
        assertThat(init.path("channels").get(0).path("type").asString()).isEqualTo("private");
    }

    @Test
    void concurrentPatchesOnTwoNodesAllApply() throws Exception {
        LeapServer a = node();
        LeapServer b = node();
        a.createChannel("counter", ChannelType.PUBLIC, null);
        int perNode = 50;
        Thread ta = new Thread(() -> {
            for (int i = 0; i < perNode; i++) {
                a.patchChannelState("counter", Map.of("a" + i, i));
            }
        });
        Thread tb = new Thread(() -> {
            for (int i = 0; i < perNode; i++) {
                b.patchChannelState("counter", Map.of("b" + i, i));
            }
        });
        ta.start();
        tb.start();
        ta.join();
        tb.join();
        assertThat(a.channelState("counter").size()).isEqualTo(2 * perNode);
    }

    @Test
    void aSlowSubscriberOnOneNodeDoesNotHoldBackOthers() {
        LeapServer a = node();
        LeapServer b = node();
        a.createChannel("feed", ChannelType.UNPROTECTED, null);
        TestSocket slow = connect(a);
        String slowCid = slow.identify(projectId, null).data().path("cid").asString();
        slow.dispatch("feed", "SUBSCRIBE", "null");
        slow.nextDispatch();
        TestSocket fast = connect(b);
        fast.identify(projectId, null);
        fast.dispatch("feed", "SUBSCRIBE", "null");
        fast.nextDispatch();
        assertThat(a.pauseWrites(slowCid)).isTrue();
        for (int i = 0; i < 100; i++) {
            b.publish("feed", "N", i);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(fast.nextDispatch().data().path("d").asInt()).isEqualTo(i);
        }
        assertThat(slow.received).isEmpty();
        assertThat(a.resumeWrites(slowCid)).isTrue();
        for (int i = 0; i < 100; i++) {
            assertThat(slow.nextDispatch().data().path("d").asInt()).isEqualTo(i);
        }
    }

    @Test
    void aNodeCutFromRedisStopsCountingAndComesBack() {
        FaultProxy cut = proxy();
        LeapServer a = nodeBehind(cut);
        LeapServer b = node();
        a.createChannel("p", ChannelType.PUBLIC, null);
        String token = a.createToken(null);
        a.subscribeToken("p", token);
        TestSocket onA = connect(a);
        onA.identify(projectId, token);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.isOnline(token));
        b.createChannel("q", ChannelType.PUBLIC, Map.of("q", 1));
        cut.blackHole();
        // the heartbeat keys of A expire: B stops counting A's connection within the node TTL
        await().atMost(Duration.ofSeconds(20)).until(() -> !b.isOnline(token) && b.onlineCount("p") == 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> !a.isReady());
        assertThatThrownBy(() -> a.publish("p", "E", 1)).isInstanceOf(RuntimeException.class);
        // while A is away, the token gains a subscription: A never sees the event
        b.subscribeToken("q", token);
        cut.heal();
        cut.cut();
        await().atMost(Duration.ofSeconds(30)).until(a::isReady);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.isOnline(token));
        // A resynchronised: its client is told about the missed subscription and gets the channel's messages
        TestSocket.Received missed = onA.next(r -> "AVAILABLE".equals(r.event()));
        assertThat(missed.channel()).isEqualTo("q");
        b.publish("q", "after", 1);
        assertThat(onA.next(r -> "MESSAGE".equals(r.event())).data().path("e").asString())
                .isEqualTo("after");
        b.publish("p", "again", 1);
        assertThat(onA.next(r -> "MESSAGE".equals(r.event())).data().path("e").asString())
                .isEqualTo("again");
    }

    @Test
    void redisRestartKeepsStateWithAofAndNodesRecover() {
        LeapServer a = node();
        LeapServer b = node();
        a.createChannel("keep", ChannelType.PUBLIC, Map.of("v", 7));
        String token = a.createToken(Map.of("n", 1));
        a.subscribeToken("keep", token);
        TestSocket onB = connect(b);
        onB.identify(projectId, token);
        redis.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> !a.isReady() && !b.isReady());
        assertThat(b.connectionCount()).isEqualTo(1);
        redis.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> a.isReady() && b.isReady());
        assertThat(a.channelState("keep").path("v").asInt()).isEqualTo(7);
        assertThat(b.channelIds()).contains("keep");
        a.publish("keep", "back", 1);
        assertThat(onB.next(r -> "MESSAGE".equals(r.event())).data().path("e").asString())
                .isEqualTo("back");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.isOnline(token));
    }

    @Test
    void aPasswordProtectedRedisWorksAndAWrongPasswordIsAClearError() {
        try (RedisServer secured = RedisServer.start(false, "--requirepass", "s3cr3t-pass")) {
            LeapServer a = node("redis://:s3cr3t-pass@127.0.0.1:" + secured.port());
            LeapServer b = node("redis://:s3cr3t-pass@127.0.0.1:" + secured.port() + "/2");
            a.createChannel("only-db0", ChannelType.PUBLIC, null);
            assertThat(b.channelIds()).isEmpty(); // another database
            assertThat(a.engineDescription()).doesNotContain("s3cr3t-pass").contains("127.0.0.1:" + secured.port());
            assertThat(b.engineDescription()).contains("/2");
            LeapServer.Builder wrong = LeapServer.builder().redis("redis://:wrong-pass@127.0.0.1:" + secured.port());
            assertThatThrownBy(() -> wrong.build().start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Redis at redis://127.0.0.1:" + secured.port())
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain("wrong-pass");
                        }
                    });
            b.close();
            a.close();
        }
    }

    @Test
    void tlsToRedisWithRediss() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        int tlsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            tlsPort = s.getLocalPort();
        }
        try (RedisServer secured = RedisServer.start(
                false,
                "--tls-port",
                Integer.toString(tlsPort),
                "--tls-cert-file",
                cert.certificate().getPath(),
                "--tls-key-file",
                cert.privateKey().getPath(),
                "--tls-ca-cert-file",
                cert.certificate().getPath(),
                "--tls-auth-clients",
                "no")) {
            // the test's self-signed certificate is not in the JVM's trust store: verify nothing but encrypt
            String uri = "rediss://127.0.0.1:" + tlsPort + "?verifyPeer=NONE";
            LeapServer a = node(uri);
            LeapServer b = node(uri);
            assertThat(a.engineDescription()).startsWith("Redis rediss://127.0.0.1:" + tlsPort);
            a.createChannel("tls", ChannelType.UNPROTECTED, null);
            TestSocket onB = connect(b);
            onB.identify(projectId, null);
            onB.dispatch("tls", "SUBSCRIBE", "null");
            assertThat(onB.nextDispatch().event()).isEqualTo("AVAILABLE");
            a.publish("tls", "secret", 1);
            assertThat(onB.nextDispatch().data().path("e").asString()).isEqualTo("secret");
            b.close();
            a.close();
        } finally {
            cert.delete();
        }
    }

    @Test
    void unreachableRedisAtStartIsAClearError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LeapServer.Builder builder = LeapServer.builder().redis("redis://127.0.0.1:" + port);
        assertThatThrownBy(() -> builder.build().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot connect to Redis at redis://127.0.0.1:" + port);
    }

    @Test
    void passwordsNeverShowInErrors() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LeapServer.Builder builder = LeapServer.builder().redis("redis://:s3cr3t-pass@127.0.0.1:" + port);
        assertThatThrownBy(() -> builder.build().start()).satisfies(e -> {
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cr3t-pass");
            }
        });
    }

    @Test
    void invalidRedisUriIsRejectedByTheBuilder() {
        assertThatThrownBy(() -> LeapServer.builder().redis("http://localhost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://");
    }
}
