package io.leap.server.internal;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** An HTTP answer: a status and a JSON body, or no body for 204. */
record HttpResult(int status, byte[] body) {

    static HttpResult noContent() {
        return new HttpResult(204, null);
    }

    /** Hop's success envelope: {@code {"success":true,"data":{<key>: value}}}. */
    static HttpResult success(int status, String key, JsonNode value) {
        ObjectNode root = Json.object().put("success", true);
        root.putObject("data").set(key, value);
        return new HttpResult(status, Json.bytes(root));
    }

    static HttpResult json(int status, JsonNode body) {
        return new HttpResult(status, Json.bytes(body));
    }

    /** Hop's error envelope: {@code {"success":false,"error":{"code":…,"message":…}}}. */
    static HttpResult error(int status, String code, String message) {
        ObjectNode root = Json.object().put("success", false);
        root.putObject("error").put("code", code).put("message", message);
        return new HttpResult(status, Json.bytes(root));
    }

    static HttpResult error(ApiError e) {
        return error(e.status, e.code, e.getMessage());
    }

    /** A refusal with its HTTP status and Hop error code. */
    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** The Hop error code used for an injected or generic status. */
    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "invalid_auth";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 429 -> "rate_limited";
            case 502 -> "bad_gateway";
            case 503 -> "service_unavailable";
            case 504 -> "gateway_timeout";
            default -> status >= 500 ? "internal_error" : "error";
        };
    }
}
