package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.LeapClient;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.client.transport.WebSocketTransport;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code leap.compression} and the query of the socket URL: a {@code compression} parameter written in
 * {@code leap.url} (or by a {@link LeapConnectionDetails} bean) is kept, {@code leap.compression} only chooses when
 * the URL has none, and a contradiction fails startup naming both properties. The URL the client really connects to
 * is recorded by a transport bean that refuses every connection.
 */
class LeapCompressionUrlTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LeapAutoConfiguration.class))
            .withPropertyValues(
                    "leap.lifecycle.auto-startup=false",
                    "leap.project-id=project_test",
                    "leap.token=leap_token_secret123",
                    "leap.reconnect.enabled=false")
            .withBean(RecordingTransport.class, RecordingTransport::new);

    @ParameterizedTest(name = "leap.url={0}, leap.compression={1}")
    @CsvSource(delimiter = '|', nullValues = "unset", textBlock = """
			ws://127.0.0.1:1/ws                                 | unset | ws://127.0.0.1:1/ws?encoding=json&compression=zlib
			ws://127.0.0.1:1/ws                                 | false | ws://127.0.0.1:1/ws?encoding=json&compression=none
			ws://127.0.0.1:1/ws                                 | true  | ws://127.0.0.1:1/ws?encoding=json&compression=zlib
			ws://127.0.0.1:1/ws?encoding=json                   | false | ws://127.0.0.1:1/ws?encoding=json&compression=none
			ws://127.0.0.1:1/ws?encoding=json&compression=none  | unset | ws://127.0.0.1:1/ws?encoding=json&compression=none
			ws://127.0.0.1:1/ws?encoding=json&compression=none  | false | ws://127.0.0.1:1/ws?encoding=json&compression=none
			ws://127.0.0.1:1/ws?compression=zlib                | unset | ws://127.0.0.1:1/ws?compression=zlib
			ws://127.0.0.1:1/ws?compression=zlib&encoding=json  | true  | ws://127.0.0.1:1/ws?compression=zlib&encoding=json
			""")
    void urlTheClientConnectsTo(String url, String compression, String expected) {
        ApplicationContextRunner runner = this.runner.withPropertyValues("leap.url=" + url);
        if (compression != null) {
            runner = runner.withPropertyValues("leap.compression=" + compression);
        }
        runner.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(connectedUrl(context.getBean(LeapClient.class), context.getBean(RecordingTransport.class)))
                    .isEqualTo(URI.create(expected));
        });
    }

    @Test
    void determineCompressionFollowsTheUrl() {
        LeapProperties properties = new LeapProperties();
        assertThat(properties.determineCompression(URI.create("ws://h/ws"))).isTrue();
        assertThat(properties.determineCompression(URI.create("ws://h/ws?compression=none")))
                .isFalse();
        properties.setCompression(false);
        assertThat(properties.determineCompression(URI.create("ws://h/ws"))).isFalse();
        assertThat(properties.determineCompression(URI.create("ws://h/ws?compression=zlib")))
                .isTrue();
    }

    @Test
    void contradictionInLeapUrlFailsNamingBothProperties() {
        this.runner
                .withPropertyValues(
                        "leap.url=ws://127.0.0.1:1/ws?encoding=json&compression=none", "leap.compression=true")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .hasRootCauseInstanceOf(BindValidationException.class)
                            .hasStackTraceContaining("leap.compression")
                            .hasStackTraceContaining("contradicts the compression=none parameter of leap.url");
                });
    }

    @Test
    void contradictionWithConnectionDetailsUrlFailsNamingTheProperty() {
        URI url = URI.create("ws://127.0.0.1:1/ws?compression=zlib");
        this.runner
                .withPropertyValues("leap.compression=false")
                .withBean(LeapConnectionDetails.class, () -> new LeapConnectionDetails() {
                    @Override
                    public URI getUrl() {
                        return url;
                    }

                    @Override
                    public String getProjectId() {
                        return "project_test";
                    }

                    @Override
                    public String getToken() {
                        return "leap_token_secret123";
                    }
                })
                .run((context) -> {
                    assertThat(context).hasFailed();
                    Throwable root = context.getStartupFailure();
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    assertThat(root).isInstanceOf(InvalidConfigurationPropertyValueException.class);
                    InvalidConfigurationPropertyValueException ex = (InvalidConfigurationPropertyValueException) root;
                    assertThat(ex.getName()).isEqualTo("leap.compression");
                    assertThat(ex.getReason()).contains("compression=zlib").contains(url.toString());
                });
    }

    private static URI connectedUrl(LeapClient client, RecordingTransport transport) {
        client.connectAsync().handle((result, error) -> null).join();
        return transport.uri;
    }

    static class RecordingTransport implements WebSocketTransport {

        volatile URI uri;

        @Override
        public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout) {
            this.uri = uri;
            return CompletableFuture.failedFuture(new IOException("refused by the test transport"));
        }
    }
}
