package io.leap.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.FakeTransport;
import io.leap.client.LeapClient;
import io.leap.client.LeapCloseException;
import io.leap.client.ReconnectPolicy;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Regression tests: close reasons are redacted; undecodable frames are counted but their warnings rate-limited. */
class DefaultLeapClientDefectTests {

    private final FakeTransport transport = new FakeTransport();
    private LeapClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private FakeTransport.FakeConnection connected(String token) {
        LeapClient.Builder b = LeapClient.builder("project_t")
                .url(URI.create("ws://fake/ws"))
                .transport(transport)
                .reconnectPolicy(ReconnectPolicy.none());
        if (token != null) {
            b.token(token);
        }
        client = b.build();
        client.connectAsync();
        FakeTransport.FakeConnection c = transport.last();
        c.hello(30_000);
        c.init();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == ConnectionState.CONNECTED);
        return c;
    }

    @Test
    void serverCloseReasonsAreRedactedInExceptionsAndState() {
        String token = "leap_token_0123456789abcdef";
        FakeTransport.FakeConnection c = connected(token);
        c.serverClose(4000, "failed for " + token + " and bearer_zzz9 and also " + token.substring(11));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == ConnectionState.ERRORED);
        Throwable error = client.lastStateChange().error();
        assertThat(error).isInstanceOf(LeapCloseException.class);
        assertThat(error.getMessage())
                .doesNotContain("0123456789abcdef")
                .doesNotContain("zzz9")
                .contains("leap_token_***");
        assertThat(((LeapCloseException) error).reason()).doesNotContain("0123456789abcdef");
        assertThat(new LeapCloseException(4000, "x leap_token_abc y").getMessage())
                .isEqualTo("Connection closed with code 4000 (x leap_token_*** y)");
    }

    @Test
    void everyUndecodableFrameIsCountedButWarnedAboutOncePerPeriod() {
        FakeTransport.FakeConnection c = connected(null);
        for (int i = 0; i < 500; i++) {
            c.text("{not json " + i);
        }
        assertThat(client.stats().decodeErrors()).isEqualTo(500);
        assertThat(((DefaultLeapClient) client).decodeWarningsLogged()).isEqualTo(1);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        client.close();
        assertThat(((DefaultLeapClient) client).decodeWarningsLogged())
                .as("the summary of 499, on close")
                .isEqualTo(2);
    }

    @Test
    void theSuppressedCountIsSummedUpWhenTheNextPeriodBegins() {
        FakeScheduler clock = new FakeScheduler();
        ClientMetrics metrics = new ClientMetrics(1, io.leap.client.LeapClientObserver.NOOP, clock);
        for (int i = 0; i < 10; i++) {
            metrics.onDecodeError(new IllegalStateException("bad " + i));
        }
        assertThat(metrics.decodeWarningsLogged()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(11));
        metrics.onDecodeError(new IllegalStateException("bad again"));
        // one summary of the 9 suppressed plus the warning that opens the new period
        assertThat(metrics.decodeWarningsLogged()).isEqualTo(3);
        assertThat(metrics.decodeErrors.sum()).isEqualTo(11);
    }
}
