package io.leap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.server.TaggedHeartbeatReport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The observable fault-injection methods of {@link LeapServer} against real sockets: tagged heartbeats with a report of
 * the client's answer, heartbeat acks per connection, and bursts with a report of their socket writes.
 */
class FaultInjectionTests {

    private LeapServer server;

    private LeapServer start(LeapServer.Builder builder) {
        server = builder.taggedHeartbeatInterval(Duration.ZERO).build().start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String cid(TestSocket.Received init) {
        return init.data().path("cid").asString();
    }

    private static TaggedHeartbeatReport report(CompletableFuture<TaggedHeartbeatReport> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ tagged heartbeats

    @Test
    void aClientThatEchoesTheTagIsReportedAnsweredWithItsLatency() throws Exception {
        start(LeapServer.builder());
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = cid(socket.identify(server.projectId(), null));

        Instant before = Instant.now();
        CompletableFuture<TaggedHeartbeatReport> pending = server.sendTaggedHeartbeat(cid, "probe-7f3a");
        TestSocket.Received request = socket.next();
        assertThat(request.raw()).isEqualTo("{\"op\":3,\"d\":{\"tag\":\"probe-7f3a\"}}"); // spec §5.3
        assertThat(pending).isNotDone();
        socket.send("{\"op\":3,\"d\":{\"tag\":\"probe-7f3a\"}}");

        TestSocket.Received ack = socket.next();
        assertThat(ack.op()).isEqualTo(4); // spec §5.4: {tag, latency}
        assertThat(ack.json().path("d").path("tag").asString()).isEqualTo("probe-7f3a");
        assertThat(ack.json().path("d").path("latency").isIntegralNumber()).isTrue();

        TaggedHeartbeatReport r = report(pending);
        assertThat(r.connectionId()).isEqualTo(cid);
        assertThat(r.tag()).isEqualTo("probe-7f3a");
        assertThat(r.outcome()).isEqualTo(Outcome.ANSWERED);
        assertThat(r.answered()).isTrue();
        assertThat(r.sentAt()).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(r.answeredAt()).isAfterOrEqualTo(r.sentAt());
        assertThat(r.latency()).isPositive().isLessThan(Duration.ofSeconds(10));
        assertThat(ack.json().path("d").path("latency").asLong())
                .isEqualTo(r.latency().toMillis());
        assertThat(socket.sync()).isEmpty(); // still connected, nothing else was sent
    }

    @Test
    void aClientThatEchoesTheWholeDataObjectCountsAsAnswered() throws Exception {
        start(LeapServer.builder());
        TestSocket socket = TestSocket.connect(server, "compression=zlib");
        String cid = cid(socket.identify(server.projectId(), null));
        CompletableFuture<TaggedHeartbeatReport> pending = server.sendTaggedHeartbeat(cid, null);
        TestSocket.Received request = socket.next();
        assertThat(request.binary()).isTrue();
        String tag = request.json().path("d").path("tag").asString();
        assertThat(tag).matches("[0-9a-f]{16}"); // spec D-13
        socket.send("{\"op\":3,\"d\":" + request.json().path("d") + "}"); // as [go] does
        TaggedHeartbeatReport r = report(pending);
        assertThat(r.tag()).isEqualTo(tag);
        assertThat(r.outcome()).isEqualTo(Outcome.ANSWERED);
    }

    @Test
    void aClientThatDoesNotAnswerIsReportedUnansweredAfterTheTimeout() throws Exception {
        start(LeapServer.builder());
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = cid(socket.identify(server.projectId(), null));

        Duration timeout = Duration.ofMillis(300);
        CompletableFuture<TaggedHeartbeatReport> pending = server.sendTaggedHeartbeat(cid, "silent", timeout);
        assertThat(socket.next().json().path("d").path("tag").asString()).isEqualTo("silent");
        socket.send("{\"op\":3,\"d\":{\"tag\":\"another\"}}"); // a wrong tag is a plain heartbeat, not an answer
        TaggedHeartbeatReport r = report(pending);
        Instant completed = Instant.now();
        assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(r.answered()).isFalse();
        assertThat(r.answeredAt()).isNull();
        assertThat(r.latency()).isNull();
        assertThat(Duration.between(r.sentAt(), completed)).isGreaterThanOrEqualTo(timeout.minusMillis(1));
        // shorter than the server's deadline: the connection stays open
        assertThat(socket.next().raw()).isEqualTo("{\"op\":4}");
        assertThat(socket.sync()).isEmpty();
        assertThat(socket.isClosed()).isFalse();
    }

    @Test
    void theServersDeadlineEndsTheWaitAndClosesWith4007() throws Exception {
        start(LeapServer.builder().taggedHeartbeatTimeout(Duration.ofMillis(400)));
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = cid(socket.identify(server.projectId(), null));
        CompletableFuture<TaggedHeartbeatReport> pending =
                server.sendTaggedHeartbeat(cid, "late", Duration.ofMinutes(5));
        assertThat(socket.next().op()).isEqualTo(3);
        TaggedHeartbeatReport r = report(pending);
        assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(Duration.between(r.sentAt(), Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(399));
        assertThat(socket.awaitClose()).isEqualTo(new TestSocket.Closed(4007, "Out of sync"));
    }

    @Test
    void aReusedTagGetsItsOwnDeadline() throws Exception {
        Duration deadline = Duration.ofMillis(1000);
        start(LeapServer.builder().taggedHeartbeatTimeout(deadline));
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = cid(socket.identify(server.projectId(), null));
        CompletableFuture<TaggedHeartbeatReport> first = server.sendTaggedHeartbeat(cid, "same");
        assertThat(socket.next().op()).isEqualTo(3);
        socket.send("{\"op\":3,\"d\":{\"tag\":\"same\"}}");
        assertThat(report(first).answered()).isTrue();
        assertThat(socket.next().op()).isEqualTo(4);

        // a gap of 400 ms measured by the server itself: a request that times out on its own, then a late reply to it
        CompletableFuture<TaggedHeartbeatReport> gap = server.sendTaggedHeartbeat(cid, "gap", Duration.ofMillis(400));
        assertThat(socket.next().op()).isEqualTo(3);
        assertThat(report(gap).outcome()).isEqualTo(Outcome.TIMED_OUT);
        socket.send("{\"op\":3,\"d\":{\"tag\":\"gap\"}}");
        assertThat(socket.next().json().path("d").path("tag").asString()).isEqualTo("gap"); // late, but acked

        CompletableFuture<TaggedHeartbeatReport> second = server.sendTaggedHeartbeat(cid, "same");
        assertThat(socket.next().op()).isEqualTo(3);
        TaggedHeartbeatReport r = report(second);
        assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
        // not cut short by the first request's deadline, which passed 400 ms into this one
        assertThat(Duration.between(r.sentAt(), Instant.now())).isGreaterThanOrEqualTo(deadline.minusMillis(1));
        assertThat(socket.awaitClose().code()).isEqualTo(4007);
    }

    @Test
    void aConnectionThatClosesBeforeAnsweringIsReportedClosed() throws Exception {
        start(LeapServer.builder());
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = cid(socket.identify(server.projectId(), null));
        CompletableFuture<TaggedHeartbeatReport> pending = server.sendTaggedHeartbeat(cid, "gone");
        assertThat(socket.next().op()).isEqualTo(3);
        assertThat(server.cut(cid)).isTrue();
        TaggedHeartbeatReport r = report(pending);
        assertThat(r.outcome()).isEqualTo(Outcome.CLOSED);
        assertThat(r.answered()).isFalse();
    }

    @Test
    void badRequestsAreRefusedClearly() throws Exception {
        start(LeapServer.builder());
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = cid(socket.identify(server.projectId(), null));
        assertThatThrownBy(() -> server.sendTaggedHeartbeat("conn_missing", "x"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("conn_missing");
        assertThatThrownBy(() -> server.sendTaggedHeartbeat(cid, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain heartbeat");
        assertThatThrownBy(() -> server.sendTaggedHeartbeat(cid, "x".repeat(257)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.sendTaggedHeartbeat(cid, "x", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);

        CompletableFuture<TaggedHeartbeatReport> first = server.sendTaggedHeartbeat(cid, "twice");
        CompletableFuture<TaggedHeartbeatReport> second = server.sendTaggedHeartbeat(cid, "twice");
        assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(first).isNotDone();
        assertThat(socket.next().raw()).isEqualTo("{\"op\":3,\"d\":{\"tag\":\"twice\"}}");
        socket.send("{\"op\":3,\"d\":{\"tag\":\"twice\"}}");
        assertThat(report(first).answered()).isTrue();
        assertThat(socket.next().json().path("d").path("tag").asString()).isEqualTo("twice");
        assertThat(socket.sync()).isEmpty(); // the refused duplicate sent nothing
    }

    // ------------------------------------------------------------------ heartbeat acks per connection

    @Test
    void switchingAcksOffForOneConnectionAffectsOnlyThatConnection() throws Exception {
        start(LeapServer.builder());
        TestSocket quiet = TestSocket.connect(server, "compression=none");
        String quietCid = cid(quiet.identify(server.projectId(), null));
        TestSocket normal = TestSocket.connect(server, "compression=none");
        normal.identify(server.projectId(), null);

        assertThat(server.heartbeatAcks(quietCid, false)).isTrue();
        quiet.send("{\"op\":3}");
        quiet.dispatch("ghost", "SUBSCRIBE", "null");
        assertThat(quiet.next().event()).isEqualTo("UNAVAILABLE"); // no ack came before it
        assertThat(normal.sync()).isEmpty(); // the other connection still gets its ack

        // a tagged reply is still recorded, but not acked
        CompletableFuture<TaggedHeartbeatReport> pending = server.sendTaggedHeartbeat(quietCid, "t1");
        assertThat(quiet.next().op()).isEqualTo(3);
        quiet.send("{\"op\":3,\"d\":{\"tag\":\"t1\"}}");
        assertThat(report(pending).answered()).isTrue();
        quiet.dispatch("ghost", "SUBSCRIBE", "null");
        assertThat(quiet.next().event()).isEqualTo("UNAVAILABLE");

        assertThat(server.heartbeatAcks(quietCid, true)).isTrue();
        assertThat(quiet.sync()).isEmpty();
        assertThat(server.heartbeatAcks("conn_missing", false)).isFalse();
    }

    @Test
    void theServerWideSwitchStillAppliesOnTopOfTheConnectionsOwn() throws Exception {
        start(LeapServer.builder());
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = cid(socket.identify(server.projectId(), null));
        server.heartbeatAcks(false);
        assertThat(server.heartbeatAcks(cid, true)).isTrue();
        socket.send("{\"op\":3}");
        socket.dispatch("ghost", "SUBSCRIBE", "null");
        assertThat(socket.next().event()).isEqualTo("UNAVAILABLE");
        server.heartbeatAcks(true);
        assertThat(socket.sync()).isEmpty();
    }

    // ------------------------------------------------------------------ bursts

    /** An anonymous connection subscribed to the channel, with its connection ID. */
    private record Sub(TestSocket socket, String cid) {}

    private Sub subscriber(String query, String channel) {
        TestSocket s = TestSocket.connect(server, query);
        String cid = cid(s.identify(server.projectId(), null));
        s.dispatch(channel, "SUBSCRIBE", "null");
        TestSocket.Received available = s.nextDispatch();
        assertThat(available.event()).isEqualTo("AVAILABLE");
        return new Sub(s, cid);
    }

    @Test
    void aBurstReachesEverySubscriberInOrderAndReportsItsWrites() throws Exception {
        start(LeapServer.builder());
        server.createChannel("feed", ChannelType.UNPROTECTED, null);
        Sub plainSub = subscriber("compression=none", "feed");
        Sub zlibSub = subscriber("compression=zlib", "feed");
        TestSocket plain = plainSub.socket();
        TestSocket zlib = zlibSub.socket();
        TestSocket bystander = TestSocket.connect(server, "compression=none");
        bystander.identify(server.projectId(), null);

        int count = 500;
        server.publish("feed", "BEFORE", null);
        Instant before = Instant.now();
        BurstReport r =
                server.publishBurst("feed", "TICK", Map.of("n", 1), count).get(10, TimeUnit.SECONDS);
        server.publish("feed", "AFTER", null);

        assertThat(r.channelId()).isEqualTo("feed");
        assertThat(r.event()).isEqualTo("TICK");
        assertThat(r.count()).isEqualTo(count);
        assertThat(r.complete()).isTrue();
        assertThat(r.publishedAt()).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(r.deliveries())
                .extracting(BurstReport.Delivery::connectionId)
                .containsExactly(plainSub.cid(), zlibSub.cid()); // subscription order, the bystander is not listed
        for (BurstReport.Delivery d : r.deliveries()) {
            assertThat(d.queued()).isEqualTo(count);
            assertThat(d.written()).isEqualTo(count);
            assertThat(d.allWritten()).isTrue();
            assertThat(d.closed()).isFalse();
            assertThat(d.firstWrittenAt()).isAfterOrEqualTo(r.publishedAt());
            assertThat(d.lastWrittenAt()).isAfterOrEqualTo(d.firstWrittenAt());
        }

        for (TestSocket s : List.of(plain, zlib)) {
            assertThat(s.nextDispatch().data().path("e").asString()).isEqualTo("BEFORE");
            for (int i = 0; i < count; i++) {
                TestSocket.Received m = s.nextDispatch();
                assertThat(m.event()).isEqualTo("MESSAGE");
                assertThat(m.channel()).isEqualTo("feed");
                assertThat(m.data().path("e").asString()).isEqualTo("TICK");
                assertThat(m.data().path("d").path("n").asInt()).isEqualTo(1);
            }
            assertThat(s.nextDispatch().data().path("e").asString()).isEqualTo("AFTER");
        }
        assertThat(zlib.sync()).isEmpty();
        assertThat(bystander.sync()).isEmpty();
    }

    @Test
    void aPausedSubscriberHoldsTheReportUntilItsWritesResume() throws Exception {
        start(LeapServer.builder());
        server.createChannel("feed", ChannelType.UNPROTECTED, null);
        Sub pausedSub = subscriber("compression=none", "feed");
        TestSocket paused = pausedSub.socket();
        TestSocket running = subscriber("compression=none", "feed").socket();
        String pausedCid = pausedSub.cid();

        assertThat(server.pauseWrites(pausedCid)).isTrue();
        CompletableFuture<BurstReport> pending = server.publishBurst("feed", "TICK", "x", 20);
        for (int i = 0; i < 20; i++) {
            assertThat(running.nextDispatch().data().path("e").asString()).isEqualTo("TICK");
        }
        assertThat(running.sync()).isEmpty();
        assertThat(pending).isNotDone(); // the paused connection cannot have been written to
        assertThat(paused.received).isEmpty();

        Instant resumed = Instant.now();
        assertThat(server.resumeWrites(pausedCid)).isTrue();
        BurstReport r = pending.get(10, TimeUnit.SECONDS);
        BurstReport.Delivery held = r.deliveries().get(0);
        assertThat(held.connectionId()).isEqualTo(pausedCid);
        assertThat(held.written()).isEqualTo(20);
        assertThat(held.firstWrittenAt()).isAfterOrEqualTo(resumed);
        assertThat(r.deliveries().get(1).lastWrittenAt()).isBefore(held.firstWrittenAt());
        for (int i = 0; i < 20; i++) {
            assertThat(paused.nextDispatch().data().path("e").asString()).isEqualTo("TICK");
        }
    }

    @Test
    void aSubscriberThatClosesDuringTheBurstIsReportedClosed() throws Exception {
        start(LeapServer.builder());
        server.createChannel("feed", ChannelType.UNPROTECTED, null);
        String cid = subscriber("compression=none", "feed").cid();
        server.pauseWrites(cid);
        CompletableFuture<BurstReport> pending = server.publishBurst("feed", "TICK", null, 5);
        assertThat(server.cut(cid)).isTrue();
        BurstReport r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.complete()).isTrue();
        assertThat(r.deliveries()).singleElement().satisfies(d -> {
            assertThat(d.queued()).isEqualTo(5);
            assertThat(d.written()).isZero();
            assertThat(d.closed()).isTrue();
            assertThat(d.firstWrittenAt()).isNull();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void aBurstToAChannelWithoutSubscribersCompletesEmptyAndBadBurstsAreRefused() throws Exception {
        start(LeapServer.builder());
        server.createChannel("empty", ChannelType.UNPROTECTED, null);
        BurstReport r = server.publishBurst("empty", "TICK", null, 3).get(10, TimeUnit.SECONDS);
        assertThat(r.complete()).isTrue();
        assertThat(r.deliveries()).isEmpty();
        assertThatThrownBy(() -> server.publishBurst("missing", "TICK", null, 3))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> server.publishBurst("empty", "TICK", null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.publishBurst("empty", "", null, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
