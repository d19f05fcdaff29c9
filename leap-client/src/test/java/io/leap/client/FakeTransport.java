package io.leap.client;

import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.client.transport.WebSocketTransport;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.Deflater;

/**
 * A scripted transport: the test plays the server by pushing frames and reading what the client sent. Frames go
 * straight into the client's handler on the calling thread (as the JDK transport does on its reading thread), so
 * anything the client lets escape reaches the test; the client's backpressure stage is awaited like a real transport.
 */
public final class FakeTransport implements WebSocketTransport {
    public final List<FakeConnection> connections = new CopyOnWriteArrayList<>();
    public final List<URI> uris = new CopyOnWriteArrayList<>();
    public volatile boolean refuse;

    @Override
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout) {
        uris.add(uri);
        if (refuse) {
            return CompletableFuture.failedFuture(new java.net.ConnectException("refused by test"));
        }
        FakeConnection c = new FakeConnection(handler);
        connections.add(c);
        handler.onOpen(c);
        return CompletableFuture.completedFuture(c);
    }

    public FakeConnection last() {
        return connections.get(connections.size() - 1);
    }

    public static final class FakeConnection implements WebSocketConnection {
        final WebSocketHandler handler;
        public final List<String> sent = new CopyOnWriteArrayList<>();
        public volatile int closeCode = -1;
        public volatile boolean aborted;

        FakeConnection(WebSocketHandler handler) {
            this.handler = handler;
        }

        /** Pushes a text message; serialised and waiting for the client's backpressure stage like a real transport. */
        public synchronized void text(CharSequence json) {
            await(handler.onText(json, true));
        }

        /** Pushes a text message in fragments. */
        public synchronized void textFragments(List<String> parts) {
            for (int i = 0; i < parts.size(); i++) {
                await(handler.onText(parts.get(i), i == parts.size() - 1));
            }
        }

        public synchronized void binary(byte[] bytes) {
            await(handler.onBinary(ByteBuffer.wrap(bytes), true));
        }

        private static void await(CompletionStage<?> stage) {
            if (stage != null) {
                stage.toCompletableFuture().join();
            }
        }

        public synchronized void serverClose(int code, String reason) {
            handler.onClose(code, reason);
        }

        public void hello(long interval) {
            text("{\"op\":1,\"d\":{\"heartbeat_interval\":" + interval + "}}");
        }

        public void init() {
            text(
                    "{\"op\":0,\"d\":{\"c\":null,\"u\":true,\"e\":\"INIT\",\"d\":{\"cid\":\"conn_fake\",\"connection_count\":1,"
                            + "\"metadata\":null,\"scope\":\"noauth\",\"channels\":[]}}}");
        }

        boolean sentContains(String fragment) {
            return sent.stream().anyMatch(s -> s.contains(fragment));
        }

        @Override
        public CompletableFuture<Void> sendText(String text) {
            sent.add(text);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> close(int statusCode, String reason) {
            closeCode = statusCode;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }

    /** A MESSAGE dispatch on {@code channel} with the given event and raw JSON data. */
    public static String message(String channel, String event, String dataJson) {
        return "{\"op\":0,\"d\":{\"c\":\"" + channel + "\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"" + event
                + "\",\"d\":" + dataJson + "}}}";
    }

    public static byte[] zlib(String json) {
        return zlib(json.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] zlib(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!d.finished()) {
            int n = d.deflate(buf);
            out.write(buf, 0, n);
        }
        d.end();
        return out.toByteArray();
    }
}
