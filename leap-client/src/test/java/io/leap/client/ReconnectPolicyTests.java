package io.leap.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTests {

    @Test
    void exponentialCeilingWithFullJitter() {
        ReconnectPolicy p = ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0);
        assertThat(p.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(p.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.ceiling(1000)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.delay(3, 0.0)).isEqualTo(Duration.ZERO);
        assertThat(p.delay(3, 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delay(3, 0.999999)).isLessThan(Duration.ofSeconds(4));
        assertThat(p.stableAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ReconnectPolicy.none().isEnabled()).isFalse();
    }

    @Test
    void invalidValuesAreRefused() {
        assertThatThrownBy(() -> ReconnectPolicy.exponential(Duration.ZERO, Duration.ofSeconds(1), 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.none().stableAfter(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void compressionQueryIsSetOrReplaced() {
        assertThat(io.leap.client.internal.ClientConfig.applyCompression(
                        java.net.URI.create("wss://h/ws?encoding=json&compression=zlib"), false))
                .hasToString("wss://h/ws?encoding=json&compression=none");
        assertThat(io.leap.client.internal.ClientConfig.applyCompression(java.net.URI.create("ws://h:1/ws"), true))
                .hasToString("ws://h:1/ws?encoding=json&compression=zlib");
        assertThat(io.leap.client.internal.ClientConfig.applyCompression(java.net.URI.create("ws://h:1/ws?x=1"), false))
                .hasToString("ws://h:1/ws?encoding=json&x=1&compression=none");
        assertThat(io.leap.client.internal.ClientConfig.applyCompression(
                        java.net.URI.create("ws://h:1/1.0/ws?x=1&encoding=json"), true))
                .hasToString("ws://h:1/1.0/ws?x=1&encoding=json&compression=zlib");
    }
}
