package io.leap.client.reliability;

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
 * A transport where the test plays the server: frames are pushed straight into the client's handler on the calling
 * thread (as the JDK transport does on its reading thread), so anything the client lets escape reaches the test.
 */
final class ScriptedTransport implements WebSocketTransport {
    final List<Conn> connections = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout) {
        Conn c = new Conn(handler);
        connections.add(c);
        handler.onOpen(c);
        return CompletableFuture.completedFuture(c);
    }

    Conn last() {
        return connections.get(connections.size() - 1);
    }

    static final class Conn implements WebSocketConnection {
        final WebSocketHandler handler;
        final List<String> sent = new CopyOnWriteArrayList<>();
        volatile int closeCode = -1;
        volatile boolean aborted;

        Conn(WebSocketHandler handler) {
            this.handler = handler;
        }

        /** Pushes a text message; waits for the client's backpressure stage like a real transport. */
        synchronized void text(CharSequence json) {
            await(handler.onText(json, true));
        }

        /** Pushes a text message in fragments. */
        synchronized void textFragments(List<String> parts) {
            for (int i = 0; i < parts.size(); i++) {
                await(handler.onText(parts.get(i), i == parts.size() - 1));
            }
        }

        synchronized void binary(byte[] bytes) {
            await(handler.onBinary(ByteBuffer.wrap(bytes), true));
        }

        private static void await(CompletionStage<?> stage) {
            if (stage != null) {
                stage.toCompletableFuture().join();
            }
        }

        void hello(long interval) {
            text("{\"op\":1,\"d\":{\"heartbeat_interval\":" + interval + "}}");
        }

        void init() {
            text("{\"op\":0,\"d\":{\"c\":null,\"u\":true,\"e\":\"INIT\",\"d\":{\"cid\":\"conn_fake\","
                    + "\"connection_count\":1,\"metadata\":null,\"scope\":\"noauth\",\"channels\":[]}}}");
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

    static String message(String channel, String event, String dataJson) {
        return "{\"op\":0,\"d\":{\"c\":\"" + channel + "\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"" + event
                + "\",\"d\":" + dataJson + "}}}";
    }

    static byte[] zlib(String json) {
        return zlib(json.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] zlib(byte[] data) {
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
