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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.Deflater;

/** A scripted transport: the test plays the server by pushing frames and reading what the client sent. */
final class FakeTransport implements WebSocketTransport {
    final List<FakeConnection> connections = new CopyOnWriteArrayList<>();
    final List<URI> uris = new CopyOnWriteArrayList<>();
    volatile boolean refuse;

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

    FakeConnection last() {
        return connections.get(connections.size() - 1);
    }

    static final class FakeConnection implements WebSocketConnection {
        final WebSocketHandler handler;
        final List<String> sent = new CopyOnWriteArrayList<>();
        volatile int closeCode = -1;
        volatile boolean aborted;

        FakeConnection(WebSocketHandler handler) {
            this.handler = handler;
        }

        /** Pushes a text frame; serialised like a real transport. */
        synchronized void text(String json) {
            var stage = handler.onText(json, true);
            if (stage != null) {
                stage.toCompletableFuture().join();
            }
        }

        synchronized void binary(byte[] bytes) {
            var stage = handler.onBinary(ByteBuffer.wrap(bytes), true);
            if (stage != null) {
                stage.toCompletableFuture().join();
            }
        }

        synchronized void serverClose(int code, String reason) {
            handler.onClose(code, reason);
        }

        void hello(long interval) {
            text("{\"op\":1,\"d\":{\"heartbeat_interval\":" + interval + "}}");
        }

        void init() {
            text("{\"op\":0,\"d\":{\"c\":null,\"u\":true,\"e\":\"INIT\",\"d\":{\"cid\":\"conn_fake\",\"connection_count\":1,"
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
