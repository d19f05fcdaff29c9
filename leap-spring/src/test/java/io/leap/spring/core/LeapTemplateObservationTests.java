package io.leap.spring.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.leap.client.rest.LeapApi;
import io.leap.client.rest.LeapApiException;
import io.leap.client.rest.RetryPolicy;
import io.leap.spring.observation.LeapTemplateSenderContext;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code leap.template} observation of failures that never reach a server: an argument refused before sending,
 * and a connection refused by a real closed port (asynchronously); and no observation without a registry.
 */
class LeapTemplateObservationTests {

    private final TestObservationRegistry registry = TestObservationRegistry.builder()
            .validateObservationsWithTheSameNameHavingTheSameSetOfLowCardinalityKeys(true)
            .build();

    private LeapTemplate template;

    @BeforeEach
    void template() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        LeapApi api = LeapApi.builder("ptk_NjQ5MjYxMzYyNzYxNDY1NDU")
                .baseUrl("http://127.0.0.1:" + closedPort)
                .retryPolicy(RetryPolicy.none())
                .build();
        this.template = new LeapTemplate(api);
    }

    @Test
    void noObservationByDefault() {
        assertThatExceptionOfType(IllegalArgumentException.class)
                .isThrownBy(() -> this.template.publish("orders", "e", new Unwritable()));
        TestObservationRegistryAssert.assertThat(this.registry).doesNotHaveAnyObservation();
    }

    @Test
    void anArgumentRefusedBeforeSendingIsAnError() {
        this.template.setObservationRegistry(this.registry);
        assertThatExceptionOfType(IllegalArgumentException.class)
                .isThrownBy(() -> this.template.publish("orders", "order.created", new Unwritable()));
        TestObservationRegistryAssert.assertThat(this.registry)
                .hasSingleObservationThat()
                .hasNameEqualTo("leap.template")
                .hasLowCardinalityKeyValue("leap.operation", "publish")
                .hasLowCardinalityKeyValue("leap.outcome", "error")
                .hasLowCardinalityKeyValue("error.type", "IllegalArgumentException")
                .hasHighCardinalityKeyValue("leap.channel", "orders")
                .hasError()
                .hasBeenStopped();
    }

    @Test
    void anAsyncCallIsObservedUntilItsFutureCompletes() {
        this.template.setObservationRegistry(this.registry);
        CompletableFuture<Void> sent = this.template.setChannelStateAsync("orders", Map.of("open", true));
        assertThatExceptionOfType(CompletionException.class)
                .isThrownBy(sent::join)
                .withCauseInstanceOf(LeapApiException.class);
        TestObservationRegistryAssert.assertThat(this.registry)
                .hasSingleObservationThat()
                .hasLowCardinalityKeyValue("leap.operation", "set_channel_state")
                .hasLowCardinalityKeyValue("leap.outcome", "error")
                .hasLowCardinalityKeyValue("error.type", "LeapApiException")
                .hasBeenStopped()
                .hasError();
    }

    @Test
    void tokenOperationsNameNoChannel() {
        this.template.setObservationRegistry(this.registry);
        assertThatExceptionOfType(LeapApiException.class)
                .isThrownBy(() -> this.template.publishDirect("leap_token_secretValue", "ping", Map.of()));
        TestObservationRegistryAssert.assertThat(this.registry).hasHandledContextsThatSatisfy((contexts) -> {
            assertThat(contexts).singleElement().isInstanceOfSatisfying(LeapTemplateSenderContext.class, (context) -> {
                assertThat(context.getChannelId()).isNull();
                assertThat(context.getEvent()).isEqualTo("ping");
                assertThat(context.getRemoteServiceAddress()).startsWith("http://127.0.0.1:");
                assertThat(context.getAllKeyValues())
                        .noneSatisfy(
                                (keyValue) -> assertThat(keyValue.getValue()).contains("secretValue"));
            });
        });
    }

    /** A payload Jackson cannot write: the template refuses it before any request. */
    static class Unwritable {

        public String getValue() {
            throw new IllegalStateException("not serializable");
        }
    }
}
