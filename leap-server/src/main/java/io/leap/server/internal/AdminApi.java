package io.leap.server.internal;

import io.leap.server.ConnectionInfo;
import io.leap.server.internal.HttpResult.ApiError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fault injection over HTTP under {@code /admin} (standalone {@code --admin}), for clients written in other languages.
 * Every route needs a project token in {@code Authorization}, like the REST API. Routes are listed in the module README.
 */
final class AdminApi {

    private final ServerCore core;

    AdminApi(ServerCore core) {
        this.core = core;
    }

    HttpResult handle(String method, List<String> s, Map<String, List<String>> query, String authorization, byte[] body) {
        try {
            authenticate(authorization);
            ObjectNode b = body(body);
            String route = method + " " + String.join("/", s);
            if (s.size() == 3 && s.get(0).equals("connections") && method.equals("POST")) {
                String cid = s.get(1);
                boolean found = switch (s.get(2)) {
                    case "close" -> core.closeConnection(cid, code(b), text(b, "reason", ""));
                    case "redirect" -> core.redirect(cid, required(b, "url"));
                    case "cut" -> core.cut(cid);
                    case "pause-writes" -> core.pauseWrites(cid);
                    case "resume-writes" -> core.resumeWrites(cid);
                    case "tagged-heartbeat" -> core.sendTaggedHeartbeat(cid);
                    default -> throw notFound(route);
                };
                if (!found) {
                    throw new ApiError(404, "not_found", "No live connection " + cid);
                }
                return HttpResult.noContent();
            }
            return switch (route) {
                case "GET connections" -> {
                    ArrayNode list = Json.NODES.arrayNode();
                    for (ConnectionInfo c : core.hub.connectionInfos()) {
                        list.addObject().put("cid", c.cid()).put("token", c.token())
                                .put("identified", c.identified()).put("compressed", c.compressed())
                                .put("query", c.query()).put("connected_at", Json.timestamp(c.connectedAt()));
                    }
                    yield HttpResult.success(200, "connections", list);
                }
                case "GET stats" -> HttpResult.success(200, "stats", Json.object()
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
                    JsonNode enabled = b.get("enabled");
                    if (enabled == null || !enabled.isBoolean()) {
                        throw new IllegalArgumentException("'enabled' must be a boolean");
                    }
                    core.hub.heartbeatAcks(enabled.booleanValue());
                    yield HttpResult.noContent();
                }
                case "POST rest-faults" -> {
                    core.failNextRequests(integer(b, "count"), integer(b, "status"));
                    yield HttpResult.noContent();
                }
                case "PUT rest-delay" -> {
                    core.restResponseDelay(Duration.ofMillis(integer(b, "millis")));
                    yield HttpResult.noContent();
                }
                default -> throw notFound(route);
            };
        } catch (ApiError e) {
            return HttpResult.error(e);
        } catch (IllegalArgumentException e) {
            return HttpResult.error(400, "invalid_request", e.getMessage());
        }
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
