package io.leap.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leap.client.Channel;
import io.leap.client.ChannelEvent;
import io.leap.client.InitInfo;
import io.leap.client.LeapClientObserver;
import io.leap.client.LeapException;
import io.leap.client.LeapMessage;
import io.leap.client.LeapTimeoutException;
import io.leap.client.ListenerOptions;
import io.leap.client.OverflowPolicy;
import io.leap.client.internal.codec.DecodeException;
import io.leap.client.internal.codec.Envelope;
import io.leap.client.internal.codec.EnvelopeParser;
import io.leap.client.internal.codec.FrameDecoder;
import io.leap.client.internal.codec.Frames;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/** {@link Dispatcher}: envelopes to protocol actions, messages and typed events (delivered inline by a direct executor). */
class DispatcherTests {

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final FakeScheduler clock = new FakeScheduler();
    private final ClientMetrics metrics = new ClientMetrics(1, LeapClientObserver.NOOP, clock);
    private final ListenerRegistry registry = new ListenerRegistry(metrics, Runnable::run, 0, 16, OverflowPolicy.BLOCK);
    private final List<String> session = new ArrayList<>();
    private boolean answers;
    private final Dispatcher dispatcher =
            new Dispatcher(1, mapper, new Frames(mapper), registry, metrics, new Dispatcher.Session() {
                @Override
                public void onHello(Connection conn, long interval) {
                    session.add("hello " + interval);
                }

                @Override
                public void onInit(Connection conn, InitInfo info) {
                    session.add("init " + info.connectionId() + " "
                            + info.channels().stream().map(Channel::id).toList());
                }

                @Override
                public boolean onAvailable(Connection conn, String channelId, Channel channel) {
                    session.add("available " + channelId + " " + channel.type());
                    return !answers;
                }

                @Override
                public boolean onUnavailable(Connection conn, String channelId, String errorCode) {
                    session.add("unavailable " + channelId + " " + errorCode);
                    return !answers;
                }

                @Override
                public void onTokenState(Connection conn, JsonNode state) {
                    session.add("token " + state);
                }
            });
    private final Connection conn = new Connection(
            URI.create("ws://h/ws"),
            new FrameDecoder(new EnvelopeParser(mapper.tokenStreamFactory()), 1 << 20),
            new NoOwner(),
            link -> new LinkMonitor(clock, null, Duration.ofSeconds(5), link));

    private CompletionStage<?> handle(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Envelope env = new EnvelopeParser(mapper.tokenStreamFactory()).parse(bytes, 0, bytes.length);
        return dispatcher.handle(conn, env);
    }

    @Test
    void helloOnceThenIgnored() {
        handle("{\"op\":1,\"d\":{\"heartbeat_interval\":30000}}");
        handle("{\"op\":1,\"d\":{\"heartbeat_interval\":1}}");
        assertThat(session).containsExactly("hello 30000");
    }

    @Test
    void initAndSubscriptionAnswersGoToTheSession() {
        List<ChannelEvent> events = new ArrayList<>();
        registry.addChannelEventListener(events::add, ListenerOptions.defaults());
        handle(
                "{\"op\":0,\"d\":{\"c\":null,\"e\":\"INIT\",\"d\":{\"cid\":\"c1\",\"channels\":[{\"id\":\"a\",\"type\":\"public\","
                        + "\"state\":{}}]}}}");
        answers = true;
        handle(
                "{\"op\":0,\"d\":{\"c\":\"b\",\"e\":\"AVAILABLE\",\"d\":{\"channel\":{\"id\":\"b\",\"type\":\"private\"}}}}");
        answers = false;
        handle(
                "{\"op\":0,\"d\":{\"c\":\"x\",\"e\":\"UNAVAILABLE\",\"d\":{\"graceful\":true,\"error_code\":\"GONE\"}}}");
        assertThat(session).containsExactly("init c1 [a]", "available b PRIVATE", "unavailable x GONE");
        assertThat(events).singleElement().isEqualTo(new ChannelEvent.ChannelUnavailable("x", true, "GONE", false));
    }

    @Test
    void messagesAndTypedEvents() {
        List<LeapMessage> messages = new ArrayList<>();
        List<ChannelEvent> events = new ArrayList<>();
        registry.addMessageListener(messages::add, ListenerOptions.defaults());
        registry.addChannelEventListener(events::add, ListenerOptions.defaults());
        handle("{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"MESSAGE\",\"d\":{\"e\":\"chat\",\"d\":{\"t\":1}}}}");
        handle("{\"op\":0,\"d\":{\"c\":\"room\",\"u\":true,\"e\":\"DIRECT_MESSAGE\",\"d\":{\"e\":\"dm\",\"d\":2}}}");
        handle("{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"STATE_UPDATE\",\"d\":{\"state\":{\"k\":1}}}}");
        handle("{\"op\":0,\"d\":{\"c\":null,\"e\":\"TOKEN_STATE_UPDATE\",\"d\":{\"state\":{\"v\":2}}}}");
        handle("{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"MESSAGE\",\"d\":[1]}}");
        handle("{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"SOMETHING_NEW\",\"d\":{}}}");
        assertThat(messages).extracting(LeapMessage::event).containsExactly("chat", "dm");
        assertThat(messages.get(1).isDirect()).isTrue();
        assertThat(messages.get(0).data().path("t").asInt()).isEqualTo(1);
        assertThat(events)
                .extracting(e -> e.getClass().getSimpleName())
                .containsExactly("StateUpdate", "TokenStateUpdate", "UnknownEvent", "UnknownEvent");
        assertThat(session).containsExactly("token {\"v\":2}");
        assertThat(metrics.messages.sum()).isEqualTo(2);
        assertThat(metrics.dispatches.sum()).isEqualTo(6);
    }

    record Chat(int t, String text) {}

    @Test
    void dataIsReadWithTheCallersReaderFromTheBytesReceived() {
        List<LeapMessage> messages = new ArrayList<>();
        registry.addMessageListener(messages::add, ListenerOptions.defaults());
        handle(
                "{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"MESSAGE\",\"d\":{\"e\":\"chat\",\"d\":{\"t\":1,\"text\":\"h\\u00e9\"}}}}");
        handle("{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"MESSAGE\",\"d\":{\"e\":\"chat\",\"d\":{\"t\":\"one\"}}}}");
        handle(
                "{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"MESSAGE\",\"d\":{\"e\":\"chat\",\"d\":[{\"t\":2},{\"t\":3}]}}}");
        ObjectReader chats = mapper.readerFor(Chat.class);

        assertThat(messages.get(0).<Chat>data(chats)).isEqualTo(new Chat(1, "h\u00e9"));
        assertThat(messages.get(2).<List<Chat>>data(mapper.readerForListOf(Chat.class)))
                .containsExactly(new Chat(2, null), new Chat(3, null));
        // The same reader, the same answer as the mapper's own conversion.
        assertThat(messages.get(0).<Chat>data(chats)).isEqualTo(messages.get(0).data(Chat.class));
        assertThatThrownBy(() -> messages.get(1).data(chats))
                .isInstanceOf(LeapException.class)
                .hasMessageStartingWith("Cannot convert message data to " + Chat.class.getName())
                .hasMessageContaining("\"one\"")
                .hasCauseInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> messages.get(0).data((ObjectReader) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aFullBlockingListenerPausesTheLinkMonitorUntilThereIsRoom() {
        List<ChannelEvent> events = new ArrayList<>();
        var handle = registry.addChannelEventListener(
                events::add, ListenerOptions.defaults().withBufferSize(1));
        // a sink on a direct executor drains at once, so only a listener that has not run yet can be full:
        // simulate with a Flow subscriber that requests nothing
        List<Object> received = new ArrayList<>();
        registry.channelEvents(ListenerOptions.defaults().withBufferSize(1))
                .subscribe(new java.util.concurrent.Flow.Subscriber<>() {
                    java.util.concurrent.Flow.Subscription s;

                    @Override
                    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                        this.s = s;
                        received.add(s);
                    }

                    @Override
                    public void onNext(ChannelEvent item) {
                        received.add(item);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onComplete() {}
                });
        assertThat(handle(stateUpdate(1))).isNull();
        CompletionStage<?> wait = handle(stateUpdate(2));
        assertThat(wait)
                .as("second event overflows the subscriber's buffer of 1")
                .isNotNull();
        assertThat(wait.toCompletableFuture()).isNotDone();
        assertThat(conn.monitor.paused()).isTrue();
        ((java.util.concurrent.Flow.Subscription) received.get(0)).request(2);
        assertThat(wait.toCompletableFuture()).isDone();
        assertThat(conn.monitor.paused()).isFalse();
        assertThat(events).hasSize(2);
        handle.close();
    }

    private static String stateUpdate(int i) {
        return "{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"STATE_UPDATE\",\"d\":{\"state\":{\"i\":" + i + "}}}}";
    }

    @Test
    void undecodableEventDataIsADecodeError() {
        registry.addChannelEventListener(e -> {}, ListenerOptions.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dispatcher.handle(conn, brokenEnvelope()))
                .isInstanceOf(DecodeException.class);
    }

    private Envelope brokenEnvelope() {
        byte[] bytes = "{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"STATE_UPDATE\",\"d\":{\"state\":1}}}"
                .getBytes(StandardCharsets.UTF_8);
        Envelope env = new EnvelopeParser(mapper.tokenStreamFactory()).parse(bytes, 0, bytes.length);
        env.data = io.leap.client.internal.codec.RawJson.of("{\"state\":");
        return env;
    }

    private static final class NoOwner implements Connection.Owner {
        @Override
        public void opened(Connection conn) {}

        @Override
        public CompletionStage<?> received(Connection conn, Envelope envelope) {
            return null;
        }

        @Override
        public void undecodable(DecodeException error) {}

        @Override
        public void closedByPeer(Connection conn, int code, String reason) {}

        @Override
        public void failed(Connection conn, Throwable error) {}

        @Override
        public void linkDead(Connection conn, LeapTimeoutException reason) {}
    }
}
