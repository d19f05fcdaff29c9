package io.leap.benchmarks.load;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * The strongest hand-written peer: OkHttp 5's WebSocket with Jackson's {@code readTree} of every frame.
 */
final class OkHttpBaselinePath implements ClientPath {

    private OkHttpClient httpClient;

    private WebSocket webSocket;

    @Override
    public String name() {
        return "peer: OkHttp 5 WebSocket + readTree";
    }

    @Override
    public void open(URI url, String projectId, Recorder recorder) throws Exception {
        this.httpClient = new OkHttpClient.Builder().build();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        this.webSocket = this.httpClient.newWebSocket(
                new Request.Builder()
                        .url(url.toString().replaceFirst("^ws", "http"))
                        .build(),
                new Listener(projectId, recorder, opened));
        opened.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (this.webSocket != null) {
            this.webSocket.close(1000, "done");
            this.webSocket = null;
        }
        if (this.httpClient != null) {
            this.httpClient.dispatcher().executorService().shutdown();
            this.httpClient.connectionPool().evictAll();
            this.httpClient = null;
        }
    }

    private static final class Listener extends WebSocketListener {

        private final BaselineDecoder decoder;

        private final CompletableFuture<Void> opened;

        Listener(String projectId, Recorder recorder, CompletableFuture<Void> opened) {
            this.decoder = new BaselineDecoder(projectId, recorder);
            this.opened = opened;
        }

        @Override
        public void onOpen(WebSocket ws, Response response) {
            this.opened.complete(null);
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response response) {
            this.opened.completeExceptionally(t);
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
            this.decoder.text(text, ws::send);
        }

        @Override
        public void onMessage(WebSocket ws, ByteString bytes) {
            this.decoder.binary(bytes.toByteArray(), ws::send);
        }
    }
}
