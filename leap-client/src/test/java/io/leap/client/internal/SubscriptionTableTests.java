package io.leap.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.Channel;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.NullNode;

/** {@link SubscriptionTable}: what is sent and completed on Hello, INIT, answers and losses. */
class SubscriptionTableTests {

    private final Object conn1 = new Object();
    private final Object conn2 = new Object();

    private static Channel channel(String id) {
        return new Channel(id, "project_1", io.leap.client.ChannelType.PUBLIC, NullNode.getInstance(), 0);
    }

    @Test
    void tokenSessionReconcilesAfterInit() {
        SubscriptionTable t = new SubscriptionTable(true);
        // a, b, c wanted and confirmed on the first connection
        for (String id : List.of("a", "b", "c")) {
            t.addSubscribe(id, conn1);
            assertThat(t.onAvailable(id).subscribe()).isNotNull();
        }
        t.onLost(conn1, true);
        assertThat(t.held()).isEmpty();
        assertThat(t.wanted()).containsExactlyInAnyOrder("a", "b", "c");
        // while disconnected: c given up, d asked for
        t.giveUp("c");
        t.unsubscribeLater("c");
        SubscriptionTable.PendingSubscribe d = t.addSubscribe("d", null);
        assertThat(t.onHello(conn2))
                .as("a token's subscriptions survive: nothing resent on Hello")
                .isEmpty();
        // the server still holds a and c (b was dropped server-side)
        SubscriptionTable.InitPlan plan = t.onInit(conn2, List.of(channel("a"), channel("c")));
        assertThat(plan.subscribe()).containsExactlyInAnyOrder("b", "d");
        assertThat(plan.unsubscribe()).containsExactly("c");
        assertThat(plan.complete()).isEmpty();
        assertThat(t.held()).containsExactlyInAnyOrder("a", "c");
        assertThat(t.isAwaiting("b")).isTrue();
        assertThat(d.sentOn).isSameAs(conn2);
        // answers: b confirmed silently, d refused
        assertThat(t.onAvailable("b").dispatch()).isFalse();
        SubscriptionTable.Answer refused = t.onUnavailable("d", "NOPE");
        assertThat(refused.subscribe()).isSameAs(d);
        assertThat(refused.dispatch()).isFalse();
        assertThat(t.wanted()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void initCompletesARequestTheServerAlreadyHolds() {
        SubscriptionTable t = new SubscriptionTable(true);
        SubscriptionTable.PendingSubscribe p = t.addSubscribe("a", null);
        SubscriptionTable.InitPlan plan = t.onInit(conn1, List.of(channel("a")));
        assertThat(plan.subscribe()).isEmpty();
        assertThat(plan.complete()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isSameAs(p);
            assertThat(e.getValue().id()).isEqualTo("a");
        });
        assertThat(t.pendingSubscribe("a")).isNull();
    }

    @Test
    void anonymousSessionResubscribesEverythingOnHello() {
        SubscriptionTable t = new SubscriptionTable(false);
        t.addSubscribe("a", conn1);
        t.onAvailable("a");
        t.addSubscribe("b", conn1);
        t.onAvailable("b");
        List<java.util.concurrent.CompletableFuture<?>> failed = t.onLost(conn1, true);
        assertThat(failed).isEmpty();
        assertThat(t.onHello(conn2)).containsExactly("a", "b");
        assertThat(t.onInit(conn2, List.of()).subscribe()).isEmpty();
        assertThat(t.onAvailable("a").dispatch()).as("an answer").isFalse();
    }

    @Test
    void lossFailsRequestsSentOnTheConnectionAndKeepsOthers() {
        SubscriptionTable t = new SubscriptionTable(false);
        SubscriptionTable.PendingSubscribe sent = t.addSubscribe("a", conn1);
        SubscriptionTable.PendingSubscribe waiting = t.addSubscribe("b", null);
        SubscriptionTable.PendingUnsubscribe u = t.addUnsubscribe("c");
        List<java.util.concurrent.CompletableFuture<?>> failed = t.onLost(conn1, false);
        assertThat(new java.util.ArrayList<Object>(failed)).containsExactlyInAnyOrder(sent.future, u.future);
        assertThat(t.pendingSubscribe("b")).isSameAs(waiting);
        assertThat(t.wanted()).containsExactly("b");
    }

    @Test
    void serverSideEventsAreDispatchedAndUnwantTheChannel() {
        SubscriptionTable t = new SubscriptionTable(true);
        assertThat(t.onAvailable("x").dispatch()).as("not asked for: an event").isTrue();
        assertThat(t.wanted()).isEmpty();
        t.addSubscribe("y", conn1);
        t.onAvailable("y");
        SubscriptionTable.Answer gone = t.onUnavailable("y", null);
        assertThat(gone.dispatch()).isTrue();
        assertThat(t.wanted()).isEmpty();
        assertThat(t.held()).containsExactly("x");
    }

    @Test
    void timeoutUnwantsOnlyWhatIsNotHeld() {
        SubscriptionTable t = new SubscriptionTable(true);
        SubscriptionTable.PendingSubscribe p = t.addSubscribe("a", conn1);
        assertThat(t.subscribeTimedOut(p)).isTrue();
        assertThat(t.subscribeTimedOut(p)).isFalse();
        assertThat(t.isWanted("a")).isFalse();
    }

    @Test
    void closeFailsEverything() {
        SubscriptionTable t = new SubscriptionTable(true);
        SubscriptionTable.PendingSubscribe p = t.addSubscribe("a", conn1);
        SubscriptionTable.PendingUnsubscribe u = t.addUnsubscribe("b");
        assertThat(new java.util.ArrayList<Object>(t.closeAll())).containsExactlyInAnyOrder(p.future, u.future);
        assertThat(t.pendingSubscribe("a")).isNull();
    }

    @Test
    void withRetryRefusedAndUnansweredChannelsStayWantedAndAreRetried() {
        SubscriptionTable t = new SubscriptionTable(false, true);
        SubscriptionTable.PendingSubscribe refusedReq = t.addSubscribe("r", conn1);
        SubscriptionTable.PendingSubscribe silentReq = t.addSubscribe("s", conn1);
        assertThat(t.onUnavailable("r", "NOT_GRANTED").subscribe()).isSameAs(refusedReq);
        assertThat(t.subscribeTimedOut(silentReq)).isTrue();
        assertThat(t.wanted()).containsExactlyInAnyOrder("r", "s");
        assertThat(t.status("r"))
                .isEqualTo(new io.leap.client.ChannelStatus(
                        "r", io.leap.client.ChannelStatus.State.REFUSED, "NOT_GRANTED"));
        assertThat(t.status("s").state()).isEqualTo(io.leap.client.ChannelStatus.State.PENDING);
        // "s" is still awaited on this connection (its SUBSCRIBE went out): only "r" is retried now
        assertThat(t.retry(conn1)).containsExactly("r");
        assertThat(t.retry(conn1)).as("nothing twice while in flight").isEmpty();
        SubscriptionTable.Answer again = t.onUnavailable("r", "NOT_GRANTED");
        assertThat(again.dispatch()).as("a refused retry is not news").isFalse();
        t.onAvailable("s");
        assertThat(t.status("s").state()).isEqualTo(io.leap.client.ChannelStatus.State.SUBSCRIBED);
        // revoked by the server: remembered, refused, retried later
        SubscriptionTable.Answer revoked = t.onUnavailable("s", "DELETED");
        assertThat(revoked.dispatch()).isTrue();
        assertThat(t.status("s").errorCode()).isEqualTo("DELETED");
        assertThat(t.retry(conn1)).containsExactlyInAnyOrder("r", "s");
        t.giveUp("r");
        assertThat(t.status("r")).isNull();
        assertThat(t.statuses()).containsOnlyKeys("s");
    }

    @Test
    void withoutRetryARefusalIsVisibleButTheChannelNotWanted() {
        SubscriptionTable t = new SubscriptionTable(true);
        t.addSubscribe("r", conn1);
        t.onUnavailable("r", null);
        assertThat(t.isWanted("r")).isFalse();
        assertThat(t.status("r").errorCode()).isEqualTo("UNAVAILABLE");
        assertThat(t.retry(conn1)).isEmpty();
        t.addSubscribe("r", conn1);
        assertThat(t.status("r").state()).isEqualTo(io.leap.client.ChannelStatus.State.PENDING);
    }
}
