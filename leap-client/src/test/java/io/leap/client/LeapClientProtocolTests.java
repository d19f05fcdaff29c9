package io.leap.client;

import static io.leap.client.ClientTestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Protocol details tested with a scripted transport (the test plays the server). */
class LeapClientProtocolTests {

    final FakeTransport transport = new FakeTransport();
    LeapClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private LeapClient.Builder builder() {
        return LeapClient.builder("project_1")
                .url(URI.create("ws://fake/ws?encoding=json"))
                .transport(transport)
                .helloTimeout(Duration.ofMillis(300))
                .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(50), 2.0));
    }

    private FakeTransport.FakeConnection connected() {
        CompletableFuture<InitInfo> init = client.connectAsync();
        FakeTransport.FakeConnection c = transport.last();
        c.hello(30_000);
        c.init();
        init.join();
        return c;
    }

    @Test
    void identifyHeartbeatAndTaggedReply() {
        client = builder().token("leap_token_secret").build();
        CompletableFuture<InitInfo> init = client.connectAsync();
        FakeTransport.FakeConnection c = transport.last();
        assertThat(client.state()).isEqualTo(ConnectionState.AUTHENTICATING);
        c.hello(30_000);
        await().atMost(WAIT).until(() -> c.sent.size() >= 2);
        assertThat(c.sent.get(0))
                .isEqualTo("{\"op\":2,\"d\":{\"project_id\":\"project_1\",\"token\":\"leap_token_secret\"}}");
        assertThat(c.sent.get(1)).isEqualTo("{\"op\":3}");
        c.text("{\"op\":3,\"d\":{\"tag\":\"h-7f3a91c2\"}}");
        assertThat(c.sent).contains("{\"op\":3,\"d\":{\"tag\":\"h-7f3a91c2\"}}");
        c.text("{\"op\":4}");
        assertThat(client.stats().lastHeartbeatRtt()).isNotNull();
        c.init();
        assertThat(init.join().connectionId()).isEqualTo("conn_fake");
    }

    @Test
    void anonymousIdentifyHasNoToken() {
        client = builder().build();
        client.connectAsync();
        FakeTransport.FakeConnection c = transport.last();
        c.hello(30_000);
        assertThat(c.sent.get(0)).isEqualTo("{\"op\":2,\"d\":{\"project_id\":\"project_1\"}}");
    }

    @Test
    void noHelloFailsTheFirstConnectWithoutRetry() {
        client = builder().build();
        assertThatThrownBy(client::connect)
                .isInstanceOf(LeapConnectException.class)
                .hasMessageContaining("No Hello");
        assertThat(client.state()).isEqualTo(ConnectionState.ERRORED);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        assertThat(transport.connections).hasSize(1);
        await().atMost(WAIT).until(() -> transport.last().closeCode == 1000 && transport.last().aborted);
    }

    @Test
    void unknownOpcodesEventsFieldsAndBadFramesNeverDisconnect() {
        client = builder().build();
        Recorder<LeapMessage> messages = new Recorder<>();
        Recorder<ChannelEvent> events = new Recorder<>();
        client.addMessageListener(messages::add);
        client.addChannelEventListener(events::add);
        FakeTransport.FakeConnection c = connected();
        c.text("{\"op\":9,\"d\":{\"x\":1}}");
        c.text("{\"d\":{}}");
        c.text("not json");
        c.text("[1,2]");
        c.text(
                "{\"op\":0,\"d\":{\"c\":\"x\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"a\",\"d\":{\"unterminated\":");
        c.binary(new byte[] {1, 2, 3});
        c.binary(Arrays.copyOf(FakeTransport.zlib("{\"op\":4}"), 5));
        c.text("{\"op\":0,\"d\":{\"c\":\"x\",\"u\":false,\"e\":\"SOMETHING_NEW\",\"d\":{\"k\":[1,2]},\"extra\":1}}");
        c.text("{\"op\":0,\"d\":{\"c\":\"x\",\"u\":false,\"e\":\"MESSAGE\",\"d\":5}}");
        // fields in unusual order, nested event after data, extra fields everywhere
        c.text(
                " {\"d\":{\"d\":{\"zz\":1,\"d\":[1,{\"a\":\"}\"}],\"e\":\"late\"},\"e\":\"MESSAGE\",\"u\":true,\"c\":\"x\"},\"op\":0,\"q\":null} ");
        c.binary(
                FakeTransport.zlib(
                        "{\"op\":0,\"d\":{\"c\":null,\"u\":false,\"e\":\"DIRECT_MESSAGE\",\"d\":{\"e\":\"dm\",\"d\":\"\\u00e9t\\u00e9 \u00e9\"}}}"));
        await().atMost(WAIT).until(() -> messages.size() == 2 && events.size() == 2);
        LeapMessage late = messages.items.get(0);
        assertThat(late.event()).isEqualTo("late");
        assertThat(late.unicast()).isTrue();
        assertThat(late.rawData()).isEqualTo("[1,{\"a\":\"}\"}]");
        LeapMessage dm = messages.items.get(1);
        assertThat(dm.isDirect()).isTrue();
        assertThat(dm.data(String.class)).isEqualTo("été é");
        assertThat(events.items.get(0)).isInstanceOfSatisfying(ChannelEvent.UnknownEvent.class, u -> {
            assertThat(u.event()).isEqualTo("SOMETHING_NEW");
            assertThat(u.data().path("k").get(1).asInt()).isEqualTo(2);
        });
        assertThat(events.items.get(1)).isInstanceOf(ChannelEvent.UnknownEvent.class);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(client.stats().decodeErrors()).isEqualTo(5);
        assertThat(transport.connections).hasSize(1);
    }

    @Test
    void zipBombIsRefusedAndTheConnectionStays() {
        client = builder().maxMessageSize(1024 * 1024).build();
        Recorder<LeapMessage> messages = new Recorder<>();
        client.addMessageListener(messages::add);
        FakeTransport.FakeConnection c = connected();
        byte[] bomb = new byte[2 * 1024 * 1024];
        Arrays.fill(bomb, (byte) ' ');
        c.binary(FakeTransport.zlib(bomb));
        StringBuilder big = new StringBuilder(
                "{\"op\":0,\"d\":{\"c\":\"x\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"big\",\"d\":\"");
        big.append("a".repeat(2 * 1024 * 1024)).append("\"}}}");
        c.text(big.toString());
        String ok = "{\"op\":0,\"d\":{\"c\":\"x\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"ok\",\"d\":{}}}}";
        c.binary(FakeTransport.zlib(ok));
        await().atMost(WAIT).until(() -> messages.size() == 1);
        assertThat(messages.items.get(0).event()).isEqualTo("ok");
        assertThat(client.stats().decodeErrors()).isEqualTo(2);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void sixteenMebibyteMessagesAreAccepted() {
        client = builder().build();
        Recorder<LeapMessage> messages = new Recorder<>();
        client.addMessageListener(messages::add);
        FakeTransport.FakeConnection c = connected();
        String payload = "b".repeat(16 * 1024 * 1024 - 200);
        c.binary(FakeTransport.zlib(
                "{\"op\":0,\"d\":{\"c\":\"x\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"big\",\"d\":\"" + payload
                        + "\"}}}"));
        await().atMost(WAIT).until(() -> messages.size() == 1);
        assertThat(messages.items.get(0).data(String.class)).hasSize(payload.length());
    }

    @Test
    void subscribeTimesOutAndFailsOnDisconnect() throws Exception {
        client = builder().subscribeTimeout(Duration.ofMillis(200)).build();
        FakeTransport.FakeConnection c = connected();
        CompletableFuture<Channel> timeout = client.subscribeAsync("silent");
        assertThatThrownBy(() -> timeout.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LeapTimeoutException.class);
        assertThatThrownBy(() -> client.subscribe("silent2", Duration.ofMillis(100)))
                .isInstanceOf(LeapTimeoutException.class);
        assertThat(c.sent.stream().filter(s -> s.contains("SUBSCRIBE")).count()).isEqualTo(2);
    }

    @Test
    void pendingSubscribeFailsWhenTheConnectionDrops() throws Exception {
        client = builder().subscribeTimeout(Duration.ofSeconds(30)).build();
        FakeTransport.FakeConnection c = connected();
        CompletableFuture<Channel> pending = client.subscribeAsync("lost");
        assertThat(c.sentContains("\"c\":\"lost\",\"e\":\"SUBSCRIBE\"")).isTrue();
        c.serverClose(4000, "Unknown error");
        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LeapConnectException.class);
    }

    @Test
    void subscribeAnswerCompletesSharedFutureAndIsNotDispatched() throws Exception {
        client = builder().build();
        Recorder<ChannelEvent> events = new Recorder<>();
        client.addChannelEventListener(events::add);
        FakeTransport.FakeConnection c = connected();
        CompletableFuture<Channel> a = client.subscribeAsync("game");
        CompletableFuture<Channel> b = client.subscribeAsync("game");
        assertThat(c.sent.stream().filter(s -> s.contains("SUBSCRIBE")).count()).isEqualTo(1);
        c.text("{\"op\":0,\"d\":{\"c\":\"game\",\"u\":false,\"e\":\"AVAILABLE\",\"d\":{\"channel\":{\"id\":\"game\","
                + "\"project_id\":\"project_1\",\"type\":\"unprotected\",\"state\":{\"r\":3},\"capabilities\":0}}}}");
        assertThat(a.get(10, TimeUnit.SECONDS).state().path("r").asInt()).isEqualTo(3);
        assertThat(b.get(10, TimeUnit.SECONDS).type()).isEqualTo(ChannelType.UNPROTECTED);
        c.text("{\"op\":0,\"d\":{\"c\":\"game\",\"u\":false,\"e\":\"STATE_UPDATE\",\"d\":{\"state\":{\"r\":4}}}}");
        await().atMost(WAIT).until(() -> events.size() == 1);
        assertThat(events.items.get(0)).isInstanceOf(ChannelEvent.StateUpdate.class);
    }

    @Test
    void anonymousResubscribesEverythingAfterReconnect() {
        client = builder().build();
        FakeTransport.FakeConnection c = connected();
        CompletableFuture<Channel> f = client.subscribeAsync("game");
        c.text(
                "{\"op\":0,\"d\":{\"c\":\"game\",\"u\":false,\"e\":\"AVAILABLE\",\"d\":{\"channel\":{\"id\":\"game\",\"state\":{}}}}}");
        f.join();
        c.serverClose(1001, "Going away");
        await().atMost(WAIT).until(() -> transport.connections.size() == 2);
        FakeTransport.FakeConnection c2 = transport.last();
        c2.hello(30_000);
        assertThat(c2.sent.get(0)).startsWith("{\"op\":2");
        assertThat(c2.sentContains("\"c\":\"game\",\"e\":\"SUBSCRIBE\"")).isTrue();
    }

    @Test
    void secondHelloIsIgnored() {
        client = builder().build();
        FakeTransport.FakeConnection c = connected();
        c.hello(30_000);
        assertThat(c.sent.stream().filter(s -> s.startsWith("{\"op\":2")).count())
                .isEqualTo(1);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void redirectTargetIsValidated() {
        client = builder()
                .redirectAllowedHosts(java.util.List.of("allowed.example"))
                .build();
        FakeTransport.FakeConnection c = connected();
        c.serverClose(4006, "wss://evil.example/ws?encoding=json");
        await().atMost(WAIT).until(() -> transport.uris.size() == 2);
        assertThat(transport.uris.get(1)).isEqualTo(URI.create("ws://fake/ws?encoding=json"));
        FakeTransport.FakeConnection c2 = transport.last();
        c2.hello(30_000);
        c2.init();
        c2.serverClose(4006, "http://allowed.example/ws");
        await().atMost(WAIT).until(() -> transport.uris.size() == 3);
        assertThat(transport.uris.get(2)).isEqualTo(URI.create("ws://fake/ws?encoding=json"));
        FakeTransport.FakeConnection c3 = transport.last();
        c3.hello(30_000);
        c3.init();
        c3.serverClose(4006, "wss://ALLOWED.example/ws?encoding=json&compression=zlib");
        await().atMost(WAIT).until(() -> transport.uris.size() == 4);
        assertThat(transport.uris.get(3))
                .isEqualTo(URI.create("wss://ALLOWED.example/ws?encoding=json&compression=zlib"));
    }
}
