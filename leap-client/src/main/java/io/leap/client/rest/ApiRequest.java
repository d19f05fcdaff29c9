package io.leap.client.rest;

import java.util.List;

/**
 * One REST call before it is sent.
 *
 * @param method     the HTTP method
 * @param operation  the route template, e.g. {@code GET /v1/channels/{channel_id}}; safe to show
 * @param rawPath    the percent-encoded path
 * @param query      query parameters, not yet encoded (name, value pairs)
 * @param body       the JSON body, or {@code null} for none
 * @param secrets    values to redact from server messages (e.g. the Leap token in the path)
 */
record ApiRequest(
        String method, String operation, String rawPath, List<String[]> query, byte[] body, List<String> secrets) {

    /** GET, PUT and DELETE are idempotent; POST and PATCH are not. */
    boolean idempotent() {
        return switch (method) {
            case "GET", "PUT", "DELETE", "HEAD", "OPTIONS" -> true;
            default -> false;
        };
    }
}
