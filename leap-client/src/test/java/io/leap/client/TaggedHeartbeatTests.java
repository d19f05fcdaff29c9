package io.leap.client;

import static io.leap.client.ClientTestSupport.WAIT;
import static io.leap.client.ClientTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.server.BurstReport;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.server.TaggedHeartbeatReport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client against the server's observable fault injection: it answers server heartbeat requests with the same tag
 * at once (protocol spec §5.3), compressed or not; it reconnects when its own connection stops getting acks while
 * another client is unaffected; and a burst reaches its listeners complete and in order.
 */
class TaggedHeartbeatTests {

    LeapServer server;
    LeapClient client;
    LeapClient other;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (other != null) {
            other.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String connect(boolean compression) throws Exception {
        server = LeapServer.builder()
                .taggedHeartbeatInterval(Duration.ZERO)
                .build()
                .start();
        client = client(server).compression(compression).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        return client.init().orElseThrow().connectionId();
    }

    @ParameterizedTest(name = "compression={0}, tag={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "false|h-7f3a91c2",
                "true|h-7f3a91c2",
                "false|a tag with \"quotes\", a \\ backslash and ünïcödé ✓",
                "true|0123456789abcdef"
            })
    void answersATaggedHeartbeatWithTheSameTag(boolean compression, String tag) throws Exception {
        String cid = connect(compression);
        TaggedHeartbeatReport r = server.sendTaggedHeartbeat(cid, tag).get(15, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(TaggedHeartbeatReport.Outcome.ANSWERED);
        assertThat(r.tag()).isEqualTo(tag);
        assertThat(r.latency()).isPositive().isLessThan(Duration.ofSeconds(5)); // "at once"; the server allows 10 s
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(client.init().orElseThrow().connectionId()).isEqualTo(cid);
    }

    @Test
    void answersEveryRequestOfASeries() throws Exception {
        String cid = connect(false);
        for (int i = 0; i < 20; i++) {
            TaggedHeartbeatReport r = server.sendTaggedHeartbeat(cid, "series-" + i, Duration.ofSeconds(5))
                    .get(15, TimeUnit.SECONDS);
            assertThat(r.answered()).as("request %d", i).isTrue();
        }
        assertThat(client.init().orElseThrow().connectionId()).isEqualTo(cid);
    }

    @Test
    void aBurstReachesTheListenersCompleteAndInOrder() throws Exception {
        String cid = connect(true);
        server.createChannel("feed", ChannelType.UNPROTECTED, Map.of());
        client.subscribe("feed", Duration.ofSeconds(10));
        Recorder<LeapMessage> messages = new Recorder<>();
        client.addMessageListener(messages::add);

        server.publish("feed", "BEFORE", null);
        BurstReport r = server.publishBurst("feed", "TICK", Map.of("n", 1), 300).get(15, TimeUnit.SECONDS);
        server.publish("feed", "AFTER", null);
        assertThat(r.deliveries()).singleElement().satisfies(d -> {
            assertThat(d.connectionId()).isEqualTo(cid);
            assertThat(d.written()).isEqualTo(300);
        });
        await().atMost(WAIT).until(() -> messages.size() == 302);
        assertThat(messages.items.get(0).event()).isEqualTo("BEFORE");
        assertThat(messages.items.subList(1, 301)).allSatisfy(m -> {
            assertThat(m.event()).isEqualTo("TICK");
            assertThat(m.data().path("n").asInt()).isEqualTo(1);
        });
        assertThat(messages.items.get(301).event()).isEqualTo("AFTER");
    }

    @Test
    void acksSwitchedOffForOneConnectionMakeOnlyThatClientReconnect() throws Exception {
        server = LeapServer.builder()
                .heartbeatInterval(Duration.ofMillis(200))
                .taggedHeartbeatInterval(Duration.ZERO)
                .build()
                .start();
        client = client(server).build();
        other = client(server).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        other.connectAsync().get(15, TimeUnit.SECONDS);
        String starved = client.init().orElseThrow().connectionId();
        String fed = other.init().orElseThrow().connectionId();
        Recorder<ConnectionStateChange> starvedStates = new Recorder<>();
        client.addConnectionStateListener(starvedStates::add);
        Recorder<ConnectionStateChange> fedStates = new Recorder<>();
        other.addConnectionStateListener(fedStates::add);

        assertThat(server.heartbeatAcks(starved, false)).isTrue();
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && !client.init().orElseThrow().connectionId().equals(starved));
        assertThat(starvedStates.items.get(0).error())
                .isInstanceOf(LeapTimeoutException.class)
                .hasMessageContaining("heartbeat ack");
        // the other client kept its connection and its acks all along (several heartbeat intervals have passed)
        assertThat(fedStates.items).isEmpty();
        assertThat(other.init().orElseThrow().connectionId()).isEqualTo(fed);
        assertThat(server.connections())
                .extracting(io.leap.server.ConnectionInfo::cid)
                .contains(fed)
                .doesNotContain(starved);
    }
}
