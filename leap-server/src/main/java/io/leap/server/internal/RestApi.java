package io.leap.server.internal;

import io.leap.server.ChannelType;
import io.leap.server.Permission;
import io.leap.server.internal.HttpResult.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The Channels REST API (REST spec §2-§7): routing, auth, validation and envelopes over the {@link Hub}. */
final class RestApi {

    private final Hub hub;
    private final ServerConfig config;

    RestApi(Hub hub) {
        this.hub = hub;
        this.config = hub.config;
    }

    /** A parsed request. {@code segments} are the percent-decoded path segments after {@code /v1}. */
    record Request(
            String method, List<String> segments, Map<String, List<String>> query, String authorization, byte[] body) {

        String param(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    HttpResult handle(Request req) {
        try {
            return route(req);
        } catch (ApiError e) {
            return HttpResult.error(e);
        } catch (Hub.ConflictException e) {
            return HttpResult.error(409, "conflict", e.getMessage());
        } catch (Hub.PayloadTooLargeException e) {
            return HttpResult.error(413, "payload_too_large", e.getMessage());
        } catch (NoSuchElementException e) {
            return HttpResult.error(404, "not_found", e.getMessage());
        } catch (IllegalArgumentException e) {
            return HttpResult.error(400, "invalid_request", e.getMessage());
        } catch (EngineUnavailableException e) {
            return HttpResult.error(503, "service_unavailable", e.getMessage());
        }
    }

    private HttpResult route(Request req) {
        Credential credential = authenticate(req.authorization());
        List<String> s = req.segments();
        String m = req.method();
        if (s.isEmpty() || !s.get(0).equals("channels")) {
            throw notFoundRoute(req);
        }
        int n = s.size();
        if (n >= 2 && s.get(1).equals("tokens")) {
            // /v1/channels/tokens...
            if (n == 2) {
                checkProject(credential, req, false);
                return switch (m) {
                    case "POST" -> {
                        require(credential, Permission.CREATE_CHANNEL_TOKEN, Permission.CREATE_LEAP_TOKEN);
                        ObjectNode body = bodyObject(req, false);
                        yield HttpResult.success(201, "token", hub.createToken(stateField(body, "state", false)));
                    }
                    case "GET" -> {
                        require(credential, Permission.READ_LEAP_TOKENS);
                        yield HttpResult.success(200, "tokens", array(hub.listTokens()));
                    }
                    default -> throw notFoundRoute(req);
                };
            }
            String token = s.get(2);
            checkProject(credential, req, true);
            if (n == 3) {
                return switch (m) {
                    case "GET" -> {
                        require(credential, Permission.READ_LEAP_TOKENS);
                        yield HttpResult.success(200, "token", hub.getToken(token));
                    }
                    case "PATCH" -> {
                        require(credential, Permission.UPDATE_LEAP_TOKEN);
                        ObjectNode body = bodyObject(req, true);
                        ObjectNode state = stateField(body, "state", true);
                        yield HttpResult.success(200, "token", hub.setTokenState(token, state));
                    }
                    case "DELETE" -> {
                        require(credential, Permission.UPDATE_LEAP_TOKEN);
                        hub.deleteToken(token);
                        yield HttpResult.noContent();
                    }
                    default -> throw notFoundRoute(req);
                };
            }
            if (n == 4 && s.get(3).equals("messages") && m.equals("POST")) {
                require(credential, Permission.MESSAGE_TOKEN);
                ObjectNode body = bodyObject(req, true);
                if (!hub.tokenExists(token)) {
                    throw new NoSuchElementException("Token does not exist");
                }
                hub.directMessage(token, eventField(body), body.get("d"));
                return HttpResult.noContent();
            }
            throw notFoundRoute(req);
        }
        checkProject(credential, req, false);
        if (n == 1) {
            return switch (m) {
                case "POST" -> {
                    require(credential, Permission.CREATE_CHANNEL);
                    ObjectNode body = bodyObject(req, true);
                    yield HttpResult.success(
                            201, "channel", hub.createChannel(null, typeField(body), stateField(body, "state", false)));
                }
                case "GET" -> {
                    require(credential, Permission.READ_CHANNELS);
                    yield listChannels(req);
                }
                default -> throw notFoundRoute(req);
            };
        }
        String channel = s.get(1);
        if (n == 2) {
            return switch (m) {
                case "PUT" -> {
                    require(credential, Permission.CREATE_CHANNEL);
                    ObjectNode body = bodyObject(req, true);
                    ChannelType type = typeField(body);
                    ObjectNode state = stateField(body, "state", false);
                    yield HttpResult.success(201, "channel", hub.createChannel(channel, type, state));
                }
                case "GET" -> {
                    require(credential, Permission.READ_CHANNELS);
                    yield HttpResult.success(200, "channel", hub.getChannel(channel));
                }
                case "DELETE" -> {
                    require(credential, Permission.DELETE_CHANNELS);
                    hub.deleteChannel(channel);
                    yield HttpResult.noContent();
                }
                default -> throw notFoundRoute(req);
            };
        }
        String sub = s.get(2);
        if (n == 3) {
            switch (sub + " " + m) {
                case "state GET" -> {
                    require(credential, Permission.READ_CHANNELS);
                    return HttpResult.success(200, "state", hub.channelState(channel));
                }
                case "state PUT" -> {
                    require(credential, Permission.UPDATE_CHANNEL_STATE);
                    ObjectNode body = bodyObject(req, true);
                    hub.setChannelState(channel, body);
                    return HttpResult.noContent();
                }
                case "state PATCH" -> {
                    require(credential, Permission.UPDATE_CHANNEL_STATE);
                    ObjectNode body = bodyObject(req, true);
                    hub.patchChannelState(channel, body);
                    return HttpResult.noContent();
                }
                case "messages POST" -> {
                    require(credential, Permission.PUBLISH_CHANNEL_MESSAGES);
                    ObjectNode body = bodyObject(req, true);
                    String event = eventField(body);
                    hub.publish(channel, event, body.get("d"));
                    return HttpResult.noContent();
                }
                case "tokens GET" -> {
                    require(credential, Permission.READ_LEAP_TOKENS);
                    return HttpResult.success(200, "tokens", array(hub.channelTokens(channel)));
                }
                case "stats GET" -> {
                    require(credential, Permission.READ_CHANNELS);
                    ObjectNode stats = Json.object().put("online_count", hub.onlineCount(channel));
                    return HttpResult.success(200, "stats", stats);
                }
                default -> throw notFoundRoute(req);
            }
        }
        if (n == 4 && sub.equals("subscribers") && (m.equals("PUT") || m.equals("DELETE"))) {
            require(credential, Permission.MANAGE_CHANNEL_SUBSCRIBERS);
            String token = s.get(3);
            if (m.equals("PUT")) {
                hub.subscribeToken(channel, token);
            } else {
                hub.unsubscribeToken(channel, token);
            }
            return HttpResult.noContent();
        }
        throw notFoundRoute(req);
    }

    private HttpResult listChannels(Request req) {
        String sortBy = req.param("sortBy");
        String orderBy = req.param("orderBy");
        if (sortBy != null && !sortBy.equals("created_at") && !sortBy.equals("id")) {
            throw new IllegalArgumentException("sortBy must be created_at or id");
        }
        if (orderBy != null && !orderBy.equals("asc") && !orderBy.equals("desc")) {
            throw new IllegalArgumentException("orderBy must be asc or desc");
        }
        List<ObjectNode> all = hub.listChannels("id".equals(sortBy), "desc".equals(orderBy));
        List<ObjectNode> page = all;
        String pageParam = req.param("page");
        if (pageParam != null) {
            int pageNo = intParam("page", pageParam, 1, Integer.MAX_VALUE);
            String limitParam = req.param("limit");
            int limit = limitParam == null ? 100 : intParam("limit", limitParam, 1, 100);
            long from = (long) (pageNo - 1) * limit;
            page = from >= all.size() ? List.of() : all.subList((int) from, (int) Math.min(all.size(), from + limit));
        }
        ObjectNode root = Json.object().put("success", true);
        ObjectNode data = root.putObject("data");
        data.set("channels", array(page));
        data.put("total_count", all.size());
        return HttpResult.json(200, root);
    }

    private static int intParam(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(name + " must be an integer between " + min + " and " + max);
    }

    private static ArrayNode array(List<ObjectNode> items) {
        ArrayNode a = Json.NODES.arrayNode();
        a.addAll(items);
        return a;
    }

    private static ApiError notFoundRoute(Request req) {
        return new ApiError(
                404, "not_found", "No route for " + req.method() + " /v1/" + String.join("/", req.segments()));
    }

    // ---------------------------------------------------------------- auth (REST spec §2)

    private record Credential(boolean projectToken, Set<Permission> permissions) {}

    private Credential authenticate(String header) {
        if (header == null || header.isBlank()) {
            throw new ApiError(401, "invalid_auth", "Missing Authorization header");
        }
        String value = header.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            value = value.substring(7).trim();
        }
        Set<Permission> perms = config.projectTokens().get(value);
        if (perms != null) {
            return new Credential(true, perms);
        }
        if (config.userTokens().contains(value)) {
            return new Credential(false, Set.of(Permission.values()));
        }
        throw new ApiError(401, "invalid_auth", "Invalid or unknown credential");
    }

    private void checkProject(Credential credential, Request req, boolean tokenRoute) {
        String project = req.param("project");
        if (project == null) {
            if (!credential.projectToken() && !tokenRoute) {
                throw new ApiError(400, "missing_project", "This credential needs the 'project' query parameter");
            }
            return;
        }
        if (!project.equals(config.projectId())) {
            throw new ApiError(403, "forbidden", "The credential has no access to project " + project);
        }
    }

    private static void require(Credential credential, Permission... anyOf) {
        for (Permission p : anyOf) {
            if (credential.permissions().contains(p)) {
                return;
            }
        }
        throw new ApiError(403, "forbidden", "The project token lacks the " + anyOf[0].wireName() + " permission");
    }

    // ---------------------------------------------------------------- bodies

    private static ObjectNode bodyObject(Request req, boolean required) {
        byte[] body = req.body();
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            if (required) {
                throw new IllegalArgumentException("A JSON object body is required");
            }
            return Json.object();
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("The body is not valid JSON");
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("The body must be a JSON object");
        }
        return obj;
    }

    private static ObjectNode stateField(ObjectNode body, String field, boolean required) {
        JsonNode state = body.get(field);
        if (state == null || state.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + field + "' is required and must be an object");
            }
            return Json.object();
        }
        if (!(state instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("'" + field + "' must be a JSON object");
        }
        return obj;
    }

    private static ChannelType typeField(ObjectNode body) {
        JsonNode type = body.get("type");
        if (type == null || !type.isString()) {
            throw new IllegalArgumentException("'type' is required: private, public or unprotected");
        }
        return ChannelType.fromWireName(type.stringValue());
    }

    private static String eventField(ObjectNode body) {
        JsonNode e = body.get("e");
        if (e == null || !e.isString()) {
            throw new IllegalArgumentException("'e' is required: a non-empty string of at most 256 characters");
        }
        Hub.validateEvent(e.stringValue());
        return e.stringValue();
    }

    static List<String> decodeSegments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/", -1)) {
            if (!part.isEmpty()) {
                out.add(percentDecode(part));
            }
        }
        return out;
    }

    /** Percent-decodes one path segment once; {@code +} stays {@code +}. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            int pct = s.indexOf('%', i);
            if (pct < 0) {
                pct = s.length();
            }
            out.writeBytes(s.substring(i, pct).getBytes(StandardCharsets.UTF_8));
            if (pct == s.length()) {
                break;
            }
            if (pct + 2 >= s.length()
                    || Character.digit(s.charAt(pct + 1), 16) < 0
                    || Character.digit(s.charAt(pct + 2), 16) < 0) {
                throw new IllegalArgumentException("Invalid percent-encoding in the path");
            }
            out.write((Character.digit(s.charAt(pct + 1), 16) << 4) | Character.digit(s.charAt(pct + 2), 16));
            i = pct + 3;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
