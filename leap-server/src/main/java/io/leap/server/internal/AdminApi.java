package io.leap.server.internal;

import io.leap.server.BurstReport;
import io.leap.server.ConnectionInfo;
import io.leap.server.TaggedHeartbeatReport;
import io.leap.server.internal.HttpResult.ApiError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fault injection over HTTP under {@code /admin} (standalone {@code --admin}), for clients written in other languages.
 * Every route needs a project token in {@code Authorization}, like the REST API. Routes are listed in the module README.
 */
final class AdminApi {

    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    /** How long the burst route waits for every write before answering with the report as it stands. */
    static final long DEFAULT_BURST_TIMEOUT_MS = 10_000;

    static final long MAX_BURST_TIMEOUT_MS = 60_000;

    private final ServerCore core;
    private final FaultOps faults;

    AdminApi(ServerCore core) {
        this.core = core;
        this.faults = new FaultOps(core.hub);
    }

    /**
     * Answers one admin request. Most routes answer at once; the tagged-heartbeat and burst routes complete when the
     * client answered (or the timeout passed) and when the burst was written. The future never fails: errors are
     * Hop error envelopes.
     */
    CompletableFuture<HttpResult> handle(
            String method, List<String> s, Map<String, List<String>> query, String authorization, byte[] body) {
        CompletableFuture<HttpResult> answer;
        try {
            answer = route(method, s, authorization, body);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(AdminApi::error);
    }

    private static HttpResult error(Throwable failure) {
        Throwable e =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (e instanceof ApiError api) {
            return HttpResult.error(api);
        }
        if (e instanceof IllegalArgumentException) {
            return HttpResult.error(400, "invalid_request", e.getMessage());
        }
        if (e instanceof NoSuchElementException) {
            return HttpResult.error(404, "not_found", e.getMessage());
        }
        if (e instanceof IllegalStateException) {
            return HttpResult.error(409, "conflict", e.getMessage());
        }
        log.warn("Admin request failed", e);
        return HttpResult.error(500, "internal_error", "Internal error");
    }

    private CompletableFuture<HttpResult> route(String method, List<String> s, String authorization, byte[] body) {
        authenticate(authorization);
        ObjectNode b = body(body);
        String route = method + " " + String.join("/", s);
        if (s.size() == 3 && s.get(0).equals("connections")) {
            return connectionRoute(method, s.get(1), s.get(2), b, route);
        }
        if (s.size() == 3 && s.get(0).equals("channels") && s.get(2).equals("burst") && method.equals("POST")) {
            return burst(s.get(1), b);
        }
        return CompletableFuture.completedFuture(
                switch (route) {
                    case "GET connections" -> {
                        ArrayNode list = Json.NODES.arrayNode();
                        for (ConnectionInfo c : core.hub.connectionInfos()) {
                            Boolean acks = faults.heartbeatAcks(c.cid());
                            list.addObject()
                                    .put("cid", c.cid())
                                    .put("token", c.token())
                                    .put("identified", c.identified())
                                    .put("compressed", c.compressed())
                                    .put("query", c.query())
                                    .put("connected_at", Json.timestamp(c.connectedAt()))
                                    .put("heartbeat_acks", acks == null || acks);
                        }
                        yield HttpResult.success(200, "connections", list);
                    }
                    case "GET stats" ->
                        HttpResult.success(
                                200,
                                "stats",
                                Json.object()
                                        .put("connections", core.hub.connectionCount())
                                        .put("connection_attempts", core.hub.connectionAttempts())
                                        .put("sessions", core.hub.sessionCount())
                                        .put("rest_requests", core.restRequestCount()));
                    case "POST connections/close-all" -> {
                        core.closeAll(code(b), text(b, "reason", ""));
                        yield HttpResult.noContent();
                    }
                    case "POST connections/redirect-all" -> {
                        core.redirectAll(required(b, "url"));
                        yield HttpResult.noContent();
                    }
                    case "POST connections/cut-all" -> {
                        core.cutAll();
                        yield HttpResult.noContent();
                    }
                    case "PUT heartbeat-acks" -> {
                        core.hub.heartbeatAcks(bool(b, "enabled"));
                        yield HttpResult.noContent();
                    }
                    case "POST rest-faults" -> {
                        core.failNextRequests(integer(b, "count"), integer(b, "status"));
                        yield HttpResult.noContent();
                    }
                    case "PUT rest-delay" -> {
                        // "delay_ms" like every other duration in these routes; "millis" is the older name, still
                        // accepted
                        String name = b.has("delay_ms") || !b.has("millis") ? "delay_ms" : "millis";
                        int millis = integer(b, name);
                        if (millis < 0) {
                            throw new IllegalArgumentException("'" + name + "' must not be negative");
                        }
                        core.restResponseDelay(Duration.ofMillis(millis));
                        yield HttpResult.noContent();
                    }
                    default -> throw notFound(route);
                });
    }

    private CompletableFuture<HttpResult> connectionRoute(
            String method, String cid, String action, ObjectNode b, String route) {
        if (method.equals("POST") && action.equals("tagged-heartbeat")) {
            Duration timeout = b.has("timeout_ms") ? Duration.ofMillis(positive(b, "timeout_ms")) : null;
            return faults.taggedHeartbeat(cid, text(b, "tag", null), timeout)
                    .thenApply(r -> HttpResult.success(200, "heartbeat", heartbeatJson(r)));
        }
        boolean found;
        if (method.equals("PUT") && action.equals("heartbeat-acks")) {
            found = faults.heartbeatAcks(cid, bool(b, "enabled"));
        } else if (method.equals("POST")) {
            found = switch (action) {
                case "close" -> core.closeConnection(cid, code(b), text(b, "reason", ""));
                case "redirect" -> core.redirect(cid, required(b, "url"));
                case "cut" -> core.cut(cid);
                case "pause-writes" -> core.pauseWrites(cid);
                case "resume-writes" -> core.resumeWrites(cid);
                default -> throw notFound(route);
            };
        } else {
            throw notFound(route);
        }
        if (!found) {
            throw new ApiError(404, "not_found", "No live connection " + cid);
        }
        return CompletableFuture.completedFuture(HttpResult.noContent());
    }

    private CompletableFuture<HttpResult> burst(String channelId, ObjectNode b) {
        long timeoutMs = b.has("timeout_ms") ? positive(b, "timeout_ms") : DEFAULT_BURST_TIMEOUT_MS;
        if (timeoutMs > MAX_BURST_TIMEOUT_MS) {
            throw new IllegalArgumentException("'timeout_ms' must be at most " + MAX_BURST_TIMEOUT_MS);
        }
        BurstTracker tracker = faults.burst(channelId, required(b, "event"), b.get("data"), integer(b, "count"));
        CompletableFuture<HttpResult> answer = new CompletableFuture<>();
        ScheduledFuture<?> timer = core.workerGroup.schedule(
                () -> answer.complete(HttpResult.success(200, "burst", burstJson(tracker.snapshot()))),
                timeoutMs,
                TimeUnit.MILLISECONDS);
        tracker.report.whenComplete((r, e) -> {
            timer.cancel(false);
            answer.complete(HttpResult.success(200, "burst", burstJson(r)));
        });
        return answer;
    }

    static ObjectNode heartbeatJson(TaggedHeartbeatReport r) {
        ObjectNode o = Json.object()
                .put("cid", r.connectionId())
                .put("tag", r.tag())
                .put("outcome", r.outcome().name().toLowerCase(Locale.ROOT))
                .put("answered", r.answered())
                .put("sent_at", r.sentAt().toString());
        if (r.answered()) {
            o.put("answered_at", r.answeredAt().toString())
                    .put("latency_ms", r.latency().toNanos() / 1e6);
        } else {
            o.putNull("answered_at").putNull("latency_ms");
        }
        return o;
    }

    static ObjectNode burstJson(BurstReport r) {
        ObjectNode o = Json.object()
                .put("channel", r.channelId())
                .put("event", r.event())
                .put("count", r.count())
                .put("published_at", r.publishedAt().toString())
                .put("complete", r.complete());
        ArrayNode list = o.putArray("deliveries");
        for (BurstReport.Delivery d : r.deliveries()) {
            list.addObject()
                    .put("cid", d.connectionId())
                    .put("queued", d.queued())
                    .put("written", d.written())
                    .put(
                            "first_written_at",
                            d.firstWrittenAt() == null
                                    ? null
                                    : d.firstWrittenAt().toString())
                    .put(
                            "last_written_at",
                            d.lastWrittenAt() == null ? null : d.lastWrittenAt().toString())
                    .put("closed", d.closed());
        }
        return o;
    }

    private void authenticate(String header) {
        String value = header == null ? "" : header.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            value = value.substring(7).trim();
        }
        if (!core.config.projectTokens().containsKey(value)) {
            throw new ApiError(401, "invalid_auth", "The admin API needs a project token in Authorization");
        }
    }

    private static ApiError notFound(String route) {
        return new ApiError(404, "not_found", "No admin route " + route);
    }

    private static ObjectNode body(byte[] body) {
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return Json.object();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node instanceof ObjectNode o) {
                return o;
            }
        } catch (JacksonException e) {
            // fall through
        }
        throw new IllegalArgumentException("The body must be a JSON object");
    }

    private static boolean bool(ObjectNode b, String name) {
        JsonNode v = b.get(name);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("'" + name + "' must be a boolean");
        }
        return v.booleanValue();
    }

    private static long positive(ObjectNode b, String name) {
        JsonNode v = b.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() <= 0) {
            throw new IllegalArgumentException("'" + name + "' must be a positive integer");
        }
        return v.longValue();
    }

    private static int code(ObjectNode b) {
        JsonNode code = b.get("code");
        return code == null ? 1000 : integer(b, "code");
    }

    private static int integer(ObjectNode b, String name) {
        JsonNode v = b.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("'" + name + "' must be an integer");
        }
        return v.intValue();
    }

    private static String text(ObjectNode b, String name, String fallback) {
        JsonNode v = b.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isString()) {
            throw new IllegalArgumentException("'" + name + "' must be a string");
        }
        return v.stringValue();
    }

    private static String required(ObjectNode b, String name) {
        String v = text(b, name, null);
        if (v == null) {
            throw new IllegalArgumentException("'" + name + "' is required");
        }
        return v;
    }
}
