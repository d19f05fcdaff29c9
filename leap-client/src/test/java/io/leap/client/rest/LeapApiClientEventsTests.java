package io.leap.client.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.ChannelEvent;
import io.leap.client.ChannelType;
import io.leap.client.ConnectionStateChange;
import io.leap.client.InitInfo;
import io.leap.client.LeapAuthenticationException;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.ReconnectPolicy;
import io.leap.server.LeapServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The socket events each {@link LeapApi} call causes (protocol spec §12), as seen by a {@link LeapClient}
 * connected to the embedded server with a Leap token.
 */
class LeapApiClientEventsTests {

    static final String PTK = "ptk_events_" + UUID.randomUUID().toString().replace("-", "");
    static final long WAIT_SECONDS = 10;

    static LeapServer server;
    static LeapApi api;

    @BeforeAll
    static void start() {
        server = LeapServer.builder().projectToken(PTK).build().start();
        api = LeapApi.builder(PTK).baseUrl(server.apiUrl()).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode json(String text) {
        return JsonMapper.shared().readTree(text);
    }

    static <T> T next(BlockingQueue<? super T> queue, Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            Object o = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (o == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + WAIT_SECONDS + " s");
            }
            if (type.isInstance(o)) {
                return type.cast(o);
            }
        }
    }

    @Test
    void everyRestCallIsSeenByTheSocketClient() throws Exception {
        LeapToken token = api.tokens().create(Map.of("user_id", "42"));
        String channel = "events_" + UUID.randomUUID().toString().substring(0, 8);
        api.channels().create(channel, ChannelType.PRIVATE, Map.of("round", 1));

        BlockingQueue<LeapMessage> messages = new LinkedBlockingQueue<>();
        BlockingQueue<ChannelEvent> events = new LinkedBlockingQueue<>();
        BlockingQueue<ConnectionStateChange> states = new LinkedBlockingQueue<>();
        try (LeapClient client = LeapClient.builder(server.projectId())
                .token(token.id())
                .url(server.wsUrl())
                .reconnectPolicy(ReconnectPolicy.none())
                .build()) {
            client.addMessageListener(messages::add);
            client.addChannelEventListener(events::add);
            client.addConnectionStateListener(states::add);
            InitInfo init = client.connectAsync().get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(init.metadata()).isEqualTo(json("{\"user_id\":\"42\"}"));
            assertThat(api.tokens().isOnline(token.id())).isTrue();

            // PUT subscribers -> AVAILABLE
            api.channels().subscribeToken(channel, token.id());
            ChannelEvent.ChannelAvailable available = next(events, ChannelEvent.ChannelAvailable.class);
            assertThat(available.channelId()).isEqualTo(channel);
            assertThat(available.channel().state()).isEqualTo(json("{\"round\":1}"));

            // POST messages -> MESSAGE
            api.channels().publish(channel, "MESSAGE_CREATE", Map.of("content", "Hello"));
            LeapMessage message = next(messages, LeapMessage.class);
            assertThat(message.channelId()).isEqualTo(channel);
            assertThat(message.event()).isEqualTo("MESSAGE_CREATE");
            assertThat(message.isDirect()).isFalse();
            assertThat(message.data()).isEqualTo(json("{\"content\":\"Hello\"}"));

            // PUT state -> STATE_UPDATE; PATCH state -> STATE_UPDATE with the full merged state
            api.channels().setState(channel, Map.of("round", 2, "board", "x"));
            assertThat(next(events, ChannelEvent.StateUpdate.class).state())
                    .isEqualTo(json("{\"round\":2,\"board\":\"x\"}"));
            api.channels().patchState(channel, Map.of("round", 3));
            ChannelEvent.StateUpdate patched = next(events, ChannelEvent.StateUpdate.class);
            assertThat(patched.channelId()).isEqualTo(channel);
            assertThat(patched.state()).isEqualTo(json("{\"round\":3,\"board\":\"x\"}"));

            // PATCH token -> TOKEN_STATE_UPDATE
            api.tokens().setState(token.id(), Map.of("user_id", "42", "plan", "pro"));
            assertThat(next(events, ChannelEvent.TokenStateUpdate.class).state())
                    .isEqualTo(json("{\"user_id\":\"42\",\"plan\":\"pro\"}"));

            // POST token messages -> DIRECT_MESSAGE
            api.tokens().publishDirect(token.id(), "PING", Map.of("n", 1));
            LeapMessage direct = next(messages, LeapMessage.class);
            assertThat(direct.isDirect()).isTrue();
            assertThat(direct.channelId()).isNull();
            assertThat(direct.event()).isEqualTo("PING");
            assertThat(direct.data()).isEqualTo(json("{\"n\":1}"));

            // DELETE subscribers -> UNAVAILABLE graceful
            api.channels().unsubscribeToken(channel, token.id());
            ChannelEvent.ChannelUnavailable removed = next(events, ChannelEvent.ChannelUnavailable.class);
            assertThat(removed.channelId()).isEqualTo(channel);
            assertThat(removed.graceful()).isTrue();

            // DELETE channel -> UNAVAILABLE {graceful:false, error_code:UNKNOWN}
            api.channels().subscribeToken(channel, token.id());
            next(events, ChannelEvent.ChannelAvailable.class);
            api.channels().delete(channel);
            ChannelEvent.ChannelUnavailable deleted = next(events, ChannelEvent.ChannelUnavailable.class);
            assertThat(deleted.channelId()).isEqualTo(channel);
            assertThat(deleted.graceful()).isFalse();
            assertThat(deleted.errorCode()).isEqualTo("UNKNOWN");

            // DELETE token -> close 4001, reported as an authentication failure
            states.clear();
            api.tokens().delete(token.id());
            ConnectionStateChange lost;
            do {
                lost = next(states, ConnectionStateChange.class);
            } while (lost.error() == null);
            assertThat(lost.error()).isInstanceOf(LeapAuthenticationException.class);
            assertThat(lost.willReconnect()).isFalse();
        }
    }

    @Test
    void channelCreationIsSilentAndStatsCountTheSubscriber() throws Exception {
        LeapToken token = api.tokens().create();
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        try (LeapClient client = LeapClient.builder(server.projectId())
                .token(token.id())
                .url(server.wsUrl())
                .build()) {
            client.addMessageListener(seen::add);
            client.addChannelEventListener(seen::add);
            client.connectAsync().get(WAIT_SECONDS, TimeUnit.SECONDS);
            String channel = "quiet_" + UUID.randomUUID().toString().substring(0, 8);
            api.channels().create(channel, ChannelType.PUBLIC, null);
            api.channels().create(ChannelType.PUBLIC, null);
            api.tokens().publishDirect(token.id(), "MARK", null);
            Object first = seen.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(first).isInstanceOf(LeapMessage.class);
            assertThat(((LeapMessage) first).event()).isEqualTo("MARK");

            client.subscribe(channel, Duration.ofSeconds(WAIT_SECONDS));
            assertThat(api.channels().getStats(channel).onlineCount()).isEqualTo(1);
            assertThat(api.channels().listTokens(channel))
                    .extracting(LeapToken::id)
                    .containsExactly(token.id());
        }
    }
}
