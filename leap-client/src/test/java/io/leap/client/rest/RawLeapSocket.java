package io.leap.client.rest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal Leap Edge socket client on the JDK {@link WebSocket}, for asserting the socket events that REST calls
 * cause (protocol spec §12) independently of {@code LeapClient}: JSON text frames only (no compression), answers
 * Hello with Identify and tagged heartbeats with their echo, and records every dispatch and the close code.
 */
final class RawLeapSocket implements AutoCloseable {

    private static final JsonMapper MAPPER = JsonMapper.shared();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<JsonNode> dispatches = new LinkedBlockingQueue<>();
    private final CompletableFuture<JsonNode> init = new CompletableFuture<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final String projectId;
    private final String token;
    private volatile WebSocket socket;

    private RawLeapSocket(String projectId, String token) {
        this.projectId = projectId;
        this.token = token;
    }

    /** Connects, identifies and waits for {@code INIT}. */
    static RawLeapSocket connect(URI wsUrl, String projectId, String token) throws Exception {
        RawLeapSocket s = new RawLeapSocket(projectId, token);
        s.socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(WAIT)
                .buildAsync(wsUrl, s.new Listener())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        s.init.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return s;
    }

    JsonNode init() {
        return init.join();
    }

    /** Sends a client dispatch, e.g. {@code SUBSCRIBE}. */
    void dispatch(String channel, String event, Object data) {
        ObjectNode d = MAPPER.createObjectNode();
        d.put("c", channel);
        d.put("e", event);
        d.set("d", MAPPER.valueToTree(data));
        ObjectNode env = MAPPER.createObjectNode();
        env.put("op", 0);
        env.set("d", d);
        send(env);
    }

    /**
     * Waits for the next dispatch with this event name, skipping others.
     *
     * @return the dispatch object {@code {c,u,e,d}}
     */
    JsonNode await(String event) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode next = dispatches.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("no " + event + " dispatch within " + WAIT);
            }
            if (event.equals(next.path("e").asString())) {
                return next;
            }
        }
    }

    /** Waits for the next dispatch, whatever its event. */
    JsonNode awaitAny() throws InterruptedException {
        JsonNode next = dispatches.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no dispatch within " + WAIT);
        }
        return next;
    }

    /** Waits for the server to close the socket and returns the close code. */
    int awaitClose() throws Exception {
        return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private void send(JsonNode env) {
        socket.sendText(MAPPER.writeValueAsString(env), true).join();
    }

    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(1000, "bye");
        }
        if (ws != null) {
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonNode env = MAPPER.readTree(text.toString());
                text.setLength(0);
                handle(webSocket, env);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(WebSocket ws, JsonNode env) {
            int op = env.path("op").asInt(-1);
            switch (op) {
                case 1 -> {
                    ObjectNode d = MAPPER.createObjectNode().put("project_id", projectId);
                    if (token != null) {
                        d.put("token", token);
                    }
                    ObjectNode identify = MAPPER.createObjectNode().put("op", 2);
                    identify.set("d", d);
                    ws.sendText(MAPPER.writeValueAsString(identify), true);
                }
                case 3 -> {
                    ObjectNode reply = MAPPER.createObjectNode().put("op", 3);
                    JsonNode tag = env.path("d").path("tag");
                    if (tag.isString()) {
                        reply.set("d", MAPPER.createObjectNode().put("tag", tag.stringValue()));
                    }
                    ws.sendText(MAPPER.writeValueAsString(reply), true);
                }
                case 0 -> {
                    JsonNode d = env.get("d");
                    if ("INIT".equals(d.path("e").asString())) {
                        init.complete(d.get("d"));
                    } else {
                        dispatches.add(d);
                    }
                }
                default -> {}
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            init.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
            init.completeExceptionally(error);
        }
    }
}
