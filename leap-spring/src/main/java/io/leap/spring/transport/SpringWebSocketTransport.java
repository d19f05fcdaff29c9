package io.leap.spring.transport;

import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.client.transport.WebSocketTransport;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.WebSocketClient;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

/**
 * {@link WebSocketTransport} over Spring's {@link WebSocketClient}, by default a {@link StandardWebSocketClient} on the
 * JSR-356 ({@code jakarta.websocket}) container found on the classpath (e.g. {@code tomcat-embed-websocket}).
 *
 * <p>Frames are passed to the Leap client as they arrive (partial messages), so messages of any size, including the
 * 16 MiB Leap allows, are accepted whatever the container's frame buffer size; the client assembles and bounds them.
 * Sends are queued per connection and written in call order on a dedicated thread.
 */
public class SpringWebSocketTransport implements WebSocketTransport {

    /** Tomcat's user property for the connect / handshake timeout. */
    static final String TOMCAT_IO_TIMEOUT_PROPERTY = "org.apache.tomcat.websocket.IO_TIMEOUT_MS";

    private static final AtomicInteger CONNECTION_COUNTER = new AtomicInteger();

    private final WebSocketClient client;

    /** A container this transport created and so releases on {@link #close()}; {@code null} for a given client. */
    private final @Nullable WebSocketContainer ownedContainer;

    /**
     * Create a transport over the given Spring client. The client (and its container) stays the caller's: closing the
     * transport leaves it alone.
     * @param client the Spring WebSocket client; it must support partial messages (as {@link StandardWebSocketClient}
     * does) or deliver whole messages
     */
    public SpringWebSocketTransport(WebSocketClient client) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownedContainer = null;
    }

    private SpringWebSocketTransport(WebSocketContainer ownedContainer) {
        this.client = new StandardWebSocketClient(ownedContainer);
        this.ownedContainer = ownedContainer;
    }

    /**
     * Create a transport on a new JSR-356 container of its own (see {@link #createDefaultClient(int)}), released with
     * its threads (Tomcat's {@code WebSocketClient-AsyncIO-*}) when the transport is closed.
     * @param bufferSize size in bytes of the container's text and binary read buffers
     * @return the transport
     */
    public static SpringWebSocketTransport createDefault(int bufferSize) {
        return new SpringWebSocketTransport(createDefaultContainer(bufferSize));
    }

    /**
     * Create a transport on a new JSR-356 container of its own, as {@link #createDefault(int)} does, that opens
     * {@code wss://} connections with the given TLS context and parameters. They reach the container through the
     * standard {@code ClientEndpointConfig#getSSLContext()} (Jakarta WebSocket 2.1, honoured by Tomcat's client, which
     * also verifies host names); the protocols and cipher suites of {@code sslParameters} are enabled on every engine
     * the container creates from the context.
     * @param bufferSize size in bytes of the container's text and binary read buffers
     * @param sslContext the initialised TLS context, or {@code null} for the JDK default
     * @param sslParameters protocols and cipher suites to enable, or {@code null} for the context's defaults
     * @return the transport
     */
    public static SpringWebSocketTransport createDefault(
            int bufferSize, @Nullable SSLContext sslContext, @Nullable SSLParameters sslParameters) {
        SpringWebSocketTransport transport = createDefault(bufferSize);
        if (sslContext == null && sslParameters == null) {
            return transport;
        }
        try {
            SSLContext context = (sslContext != null) ? sslContext : SSLContext.getDefault();
            if (sslParameters != null) {
                context = new ParameterizedSslContext(context, sslParameters);
            }
            ((StandardWebSocketClient) transport.client).setSslContext(context);
            return transport;
        } catch (NoSuchAlgorithmException | RuntimeException ex) {
            transport.close();
            throw new IllegalStateException("Could not set up TLS for the WebSocket container", ex);
        }
    }

    /**
     * Create a {@link StandardWebSocketClient} on a new JSR-356 container whose per-frame buffers have the given size.
     * @param bufferSize size in bytes of the container's text and binary read buffers
     * @return the client
     */
    public static StandardWebSocketClient createDefaultClient(int bufferSize) {
        return new StandardWebSocketClient(createDefaultContainer(bufferSize));
    }

    private static WebSocketContainer createDefaultContainer(int bufferSize) {
        WebSocketContainer container = ContainerProvider.getWebSocketContainer();
        container.setDefaultMaxTextMessageBufferSize(bufferSize);
        container.setDefaultMaxBinaryMessageBufferSize(bufferSize);
        // Leap has its own heartbeats; never let the container time an idle session out.
        container.setDefaultMaxSessionIdleTimeout(0);
        return container;
    }

    /**
     * Releases a container this transport created ({@link #createDefault(int)}): JSR-356 has no standard way, so a
     * public no-argument {@code destroy()} is called where the implementation has one (Tomcat's
     * {@code WsWebSocketContainer} does, and stops its client threads with it).
     */
    @Override
    public void close() {
        if (this.ownedContainer == null) {
            return;
        }
        try {
            this.ownedContainer.getClass().getMethod("destroy").invoke(this.ownedContainer);
        } catch (NoSuchMethodException ex) {
            // an implementation without destroy(): its threads end with its sessions
        } catch (ReflectiveOperationException | RuntimeException ex) {
            throw new IllegalStateException("Could not release the WebSocket container", ex);
        }
    }

    /**
     * The Spring client used to open connections.
     * @return the client
     */
    public WebSocketClient getClient() {
        return this.client;
    }

    @Override
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(timeout, "timeout");
        if (this.client instanceof StandardWebSocketClient standard) {
            standard.getUserProperties()
                    .put(TOMCAT_IO_TIMEOUT_PROPERTY, String.valueOf(Math.max(1, timeout.toMillis())));
        }
        SpringWebSocketConnection connection =
                new SpringWebSocketConnection(handler, "leap-ws-send-" + CONNECTION_COUNTER.incrementAndGet());
        CompletableFuture<WebSocketConnection> result = new CompletableFuture<>();
        CompletableFuture<WebSocketSession> handshake;
        try {
            handshake = this.client.execute(connection.springHandler(), new WebSocketHttpHeaders(), uri);
        } catch (RuntimeException ex) {
            connection.shutdownSender();
            result.completeExceptionally(connectFailure(uri, ex));
            return result;
        }
        handshake.whenComplete((session, error) -> {
            if (error != null) {
                connection.shutdownSender();
                result.completeExceptionally(connectFailure(uri, error));
            } else if (!result.complete(connection)) {
                // Timed out meanwhile: nobody will use this session.
                connection.abort();
            }
        });
        result.orTimeout(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).whenComplete((c, error) -> {
            if (error != null) {
                handshake.cancel(true);
                connection.shutdownSender();
            }
        });
        return result;
    }

    /**
     * The JSR-356 container reports a failed handshake as a {@code DeploymentException} ("The HTTP request to initiate
     * the WebSocket connection to [...] failed") that hides why. When the chain holds a network failure (connection
     * refused, unknown host, no route, connect timeout, TLS failure), report that instead, with the host and port in
     * its message; the original exception stays attached as its cause.
     * @param uri the URI that was connected to (contains no credentials)
     * @param error the failure
     * @return the exception to report
     */
    static Throwable connectFailure(URI uri, Throwable error) {
        String where = uri.getHost() + ":" + port(uri);
        for (Throwable current = error; current != null; current = current.getCause()) {
            String message = current.getMessage();
            String reason = ((message != null) && !message.isBlank()) ? message : null;
            IOException translated = null;
            if (current instanceof ConnectException) {
                translated = new ConnectException(((reason != null) ? reason : "Connection refused") + ": " + where);
            } else if (current instanceof UnknownHostException) {
                translated = new UnknownHostException("Unknown host: " + uri.getHost() + " (" + where + ")");
            } else if (current instanceof NoRouteToHostException) {
                translated =
                        new NoRouteToHostException(((reason != null) ? reason : "No route to host") + ": " + where);
            } else if (current instanceof SocketTimeoutException || current instanceof TimeoutException) {
                translated =
                        new SocketTimeoutException(((reason != null) ? reason : "Connect timed out") + ": " + where);
            } else if (current instanceof SSLException) {
                translated = new SSLException("TLS handshake with " + where + " failed: " + reason);
            }
            if (translated != null) {
                translated.initCause(error);
                return translated;
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return error;
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    @Override
    public String toString() {
        return "SpringWebSocketTransport[" + this.client.getClass().getSimpleName() + "]";
    }
}
