package io.leap.server;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.zip.Inflater;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A raw WebSocket test client (JDK {@code java.net.http}): records every payload (inflating binary frames), the frame
 * kind, and how the connection ended.
 */
final class TestSocket implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One received payload. */
    record Received(JsonNode json, boolean binary, String raw) {
        int op() {
            return json.path("op").asInt(-1);
        }

        String event() {
            return json.path("d").path("e").asString(null);
        }

        String channel() {
            JsonNode c = json.path("d").path("c");
            return c.isString() ? c.stringValue() : null;
        }

        JsonNode data() {
            return json.path("d").path("d");
        }
    }

    /** How the connection ended: a close frame's code and reason, or 1006 when the TCP connection dropped. */
    record Closed(int code, String reason) {}

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final WebSocket ws;

    private TestSocket(WebSocket ws) {
        this.ws = ws;
    }

    static TestSocket connect(URI uri) {
        Listener listener = new Listener();
        WebSocket ws = HTTP.newWebSocketBuilder()
                .connectTimeout(WAIT)
                .buildAsync(uri, listener)
                .join();
        return listener.socket.join();
    }

    static TestSocket connect(LeapServer server, String query) {
        return connect(URI.create(server.wsUrl() + (query == null || query.isEmpty() ? "" : "?" + query)));
    }

    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<TestSocket> socket = new CompletableFuture<>();
        private TestSocket self;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            self = new TestSocket(webSocket);
            socket.complete(self);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            // Ask for the next message before the test sees this one: the JDK's WebSocket never reports an EOF (a TCP
            // close without a close frame) that arrives while nothing is requested, so a test that cuts the
            // connection right after reading a message would otherwise wait for a close that never comes.
            webSocket.request(1);
            if (last) {
                String raw = text.toString();
                text.setLength(0);
                self.received.add(new Received(JSON.readTree(raw), false, raw));
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            webSocket.request(1); // before the test sees the message, see onText
            if (last) {
                String raw = inflate(binary.toByteArray());
                binary.reset();
                self.received.add(new Received(JSON.readTree(raw), true, raw));
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            self.closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (self != null) {
                self.closed.complete(new Closed(1006, String.valueOf(error)));
            }
        }
    }

    /** Inflates one complete, self-contained zlib stream; fails if anything is left over or missing. */
    static String inflate(byte[] data) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && inflater.needsInput()) {
                    throw new IllegalStateException("binary frame is not a complete zlib stream");
                }
                out.write(buf, 0, n);
            }
            if (inflater.getRemaining() != 0) {
                throw new IllegalStateException("data after the zlib stream");
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(e);
        } finally {
            inflater.end();
        }
    }

    static byte[] deflate(String text) {
        java.util.zip.Deflater d = new java.util.zip.Deflater();
        d.setInput(text.getBytes(StandardCharsets.UTF_8));
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** Sends one text message; synchronized because a JDK WebSocket refuses a send while another is pending. */
    synchronized TestSocket send(String text) {
        ws.sendText(text, true).join();
        return this;
    }

    /**
     * Sends one text message unless the connection is already closing.
     *
     * @return whether the send went through; {@code false} when it was refused or failed because the peer has closed
     *         or reset the connection meanwhile, or did not complete within two seconds (what the close future says is
     *         then what counts, if it says anything)
     */
    synchronized boolean trySend(String text) {
        try {
            ws.sendText(text, true).get(2, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the close (or the loss of the connection) has been seen. */
    boolean isClosed() {
        return closed.isDone();
    }

    synchronized TestSocket sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
        return this;
    }

    /** The next payload; fails after 10 s. */
    Received next() {
        try {
            Received r = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError(
                        "no payload within " + WAIT + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Skips payloads until one matches; fails after 10 s. */
    Received next(Predicate<Received> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Received r;
            try {
                r = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (r == null) {
                throw new AssertionError("no matching payload within " + WAIT);
            }
            if (matching.test(r)) {
                return r;
            }
        }
    }

    /** The next dispatch (op 0), skipping heartbeats and acks. */
    Received nextDispatch() {
        return next(r -> r.op() == 0);
    }

    /**
     * A barrier: sends a plain heartbeat and returns every payload received before its ack. The server queues a
     * connection's payloads in order, so everything it queued before processing this heartbeat (for example the
     * socket events of a REST call that has returned) is in the list. Needs heartbeat acks to be on.
     */
    List<Received> sync() {
        send("{\"op\":3}");
        List<Received> before = new ArrayList<>();
        while (true) {
            Received r = next();
            if (r.op() == 4 && r.json().path("d").isMissingNode()) {
                return before;
            }
            before.add(r);
        }
    }

    /** Waits for the close; fails after 10 s. */
    Closed awaitClose() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Reads Hello and sends Identify; returns the INIT payload. */
    Received identify(String projectId, String token) {
        Received hello = next();
        if (hello.op() != 1) {
            throw new AssertionError("expected Hello, got " + hello.raw());
        }
        send(
                token == null
                        ? "{\"op\":2,\"d\":{\"project_id\":\"" + projectId + "\"}}"
                        : "{\"op\":2,\"d\":{\"project_id\":\"" + projectId + "\",\"token\":\"" + token + "\"}}");
        Received init = nextDispatch();
        if (!"INIT".equals(init.event())) {
            throw new AssertionError("expected INIT, got " + init.raw());
        }
        return init;
    }

    TestSocket dispatch(String channel, String event, String dataJson) {
        return send("{\"op\":0,\"d\":{\"c\":" + (channel == null ? "null" : "\"" + channel + "\"") + ",\"e\":\"" + event
                + "\",\"d\":" + dataJson + "}}");
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(1000, "bye").exceptionally(e -> null);
        }
        ws.abort();
    }
}
