package io.leap.client.rest;

import io.leap.client.internal.Redaction;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends {@link ApiRequest}s with the JDK {@link HttpClient}: headers, timeouts, retries, error mapping.
 */
final class HttpCaller {

    private static final Logger log = LoggerFactory.getLogger(LeapApi.class);
    private static final int MAX_ERROR_SNIPPET = 200;

    /** Headers the caller sets itself; {@link LeapApi.Builder#requestHeaders} may not replace them. */
    private static final Set<String> OWN_HEADERS = Set.of("authorization", "accept", "user-agent", "content-type");

    private final HttpClient http;
    private final JsonMapper mapper;
    private final String baseUrl;
    private final String credential;
    private final String projectId;
    private final Duration requestTimeout;
    private final RetryPolicy retryPolicy;
    private final String userAgent;
    private final Supplier<? extends Map<String, String>> extraHeaders;

    HttpCaller(
            HttpClient http,
            JsonMapper mapper,
            String baseUrl,
            String credential,
            String projectId,
            Duration requestTimeout,
            RetryPolicy retryPolicy,
            String userAgent,
            Supplier<? extends Map<String, String>> extraHeaders) {
        this.http = http;
        this.mapper = mapper;
        this.baseUrl = baseUrl;
        this.credential = credential;
        this.projectId = projectId;
        this.requestTimeout = requestTimeout;
        this.retryPolicy = retryPolicy;
        this.userAgent = userAgent;
        this.extraHeaders = extraHeaders;
    }

    /** A successful (2xx) response. */
    record Response(int status, byte[] body) {}

    /**
     * Sends the request, retrying as the policy allows. The future completes with a 2xx response, or exceptionally
     * with a {@link LeapApiException}. Cancelling it cancels the exchange in flight and any pending retry.
     */
    CompletableFuture<Response> send(ApiRequest request) {
        HttpRequest httpRequest = toHttpRequest(request);
        CompletableFuture<Response> result = new CompletableFuture<>();
        AtomicReference<CompletableFuture<?>> inFlight = new AtomicReference<>();
        result.whenComplete((r, e) -> {
            CompletableFuture<?> current = inFlight.get();
            if (result.isCancelled() && current != null) {
                current.cancel(true);
            }
        });
        attempt(request, httpRequest, 1, result, inFlight);
        return result;
    }

    private void attempt(
            ApiRequest request,
            HttpRequest httpRequest,
            int attempt,
            CompletableFuture<Response> result,
            AtomicReference<CompletableFuture<?>> inFlight) {
        if (result.isDone()) {
            return;
        }
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) {
            result.completeExceptionally(new LeapApiException(
                    request.operation(),
                    0,
                    CONNECTION_FAILED_CODE,
                    "request could not be sent: " + e.getClass().getSimpleName(),
                    null,
                    attempt,
                    e));
            return;
        }
        inFlight.set(exchange);
        if (result.isCancelled()) {
            exchange.cancel(true);
            return;
        }
        exchange.whenComplete((response, error) -> {
            if (result.isDone()) {
                return;
            }
            try {
                if (error != null) {
                    onFailure(request, httpRequest, attempt, result, inFlight, unwrap(error));
                } else {
                    onResponse(request, httpRequest, attempt, result, inFlight, response);
                }
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
    }

    private static final String CONNECTION_FAILED_CODE = LeapApiException.CONNECTION_FAILED;

    private void onFailure(
            ApiRequest request,
            HttpRequest httpRequest,
            int attempt,
            CompletableFuture<Response> result,
            AtomicReference<CompletableFuture<?>> inFlight,
            Throwable error) {
        if (error instanceof CancellationException) {
            result.cancel(false);
            return;
        }
        boolean connectFailure = error instanceof ConnectException || error instanceof HttpConnectTimeoutException;
        boolean timeout = error instanceof HttpTimeoutException && !(error instanceof HttpConnectTimeoutException);
        String code = timeout ? LeapApiException.TIMEOUT : CONNECTION_FAILED_CODE;
        String message = timeout
                ? "no response within " + requestTimeout
                : connectFailure
                        ? "could not connect: " + describe(error, secrets(request))
                        : "connection failed: " + describe(error, secrets(request));
        boolean retryable = error instanceof IOException && !timeout && (connectFailure || request.idempotent());
        if (retryable && scheduleRetry(request, httpRequest, attempt, result, inFlight, null, code)) {
            return;
        }
        result.completeExceptionally(new LeapApiException(request.operation(), 0, code, message, null, attempt, error));
    }

    private void onResponse(
            ApiRequest request,
            HttpRequest httpRequest,
            int attempt,
            CompletableFuture<Response> result,
            AtomicReference<CompletableFuture<?>> inFlight,
            HttpResponse<byte[]> response) {
        int status = response.statusCode();
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (status >= 200 && status < 300) {
            result.complete(new Response(status, body));
            return;
        }
        Duration retryAfter = retryAfter(response);
        if (request.idempotent()
                && isRetryableStatus(status)
                && scheduleRetry(request, httpRequest, attempt, result, inFlight, retryAfter, "HTTP " + status)) {
            return;
        }
        result.completeExceptionally(toException(request, status, body, retryAfter, attempt));
    }

    private boolean scheduleRetry(
            ApiRequest request,
            HttpRequest httpRequest,
            int attempt,
            CompletableFuture<Response> result,
            AtomicReference<CompletableFuture<?>> inFlight,
            Duration retryAfter,
            String reason) {
        Duration delay = retryPolicy.delayBeforeRetry(attempt, retryAfter);
        if (delay == null) {
            return false;
        }
        if (log.isDebugEnabled()) {
            log.debug(
                    "{} got {}; retry {}/{} in {} ms",
                    request.operation(),
                    reason,
                    attempt,
                    retryPolicy.maxRetries(),
                    delay.toMillis());
        }
        CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS)
                .execute(() -> attempt(request, httpRequest, attempt + 1, result, inFlight));
        return true;
    }

    static boolean isRetryableStatus(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    private LeapApiException toException(
            ApiRequest request, int status, byte[] body, Duration retryAfter, int attempts) {
        String[] secrets = secrets(request);
        String code = null;
        String message = null;
        JsonNode error = null;
        try {
            JsonNode root = body.length == 0 ? null : mapper.readTree(body);
            error = root == null ? null : root.get("error");
        } catch (JacksonException e) {
            // not JSON: fall through
        }
        if (error != null && error.isObject()) {
            JsonNode c = error.get("code");
            JsonNode m = error.get("message");
            code = c != null && c.isString() ? Redaction.redactText(c.stringValue(), secrets) : null;
            message = m != null && m.isString() ? Redaction.redactText(m.stringValue(), secrets) : null;
        } else if (body.length > 0) {
            String text = new String(
                            body,
                            0,
                            Math.min(body.length, MAX_ERROR_SNIPPET * 4),
                            java.nio.charset.StandardCharsets.UTF_8)
                    .strip();
            if (text.length() > MAX_ERROR_SNIPPET) {
                text = text.substring(0, MAX_ERROR_SNIPPET) + "...";
            }
            message = "non-JSON error body: " + Redaction.redactText(text, secrets);
        }
        return new LeapApiException(request.operation(), status, code, message, retryAfter, attempts, null);
    }

    private String[] secrets(ApiRequest request) {
        List<String> all = new ArrayList<>(request.secrets());
        all.add(credential);
        return all.toArray(String[]::new);
    }

    /** Parses {@code Retry-After}: delta-seconds or an HTTP date; {@code null} if absent or invalid. */
    static Duration retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .map(HttpCaller::parseRetryAfter)
                .orElse(null);
    }

    static Duration parseRetryAfter(String value) {
        String v = value.strip();
        if (v.isEmpty()) {
            return null;
        }
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                return Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L); // absurdly large: above any bound
            }
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(Instant.now(), at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private HttpRequest toHttpRequest(ApiRequest request) {
        StringBuilder uri = new StringBuilder(baseUrl).append(request.rawPath());
        List<String[]> query = new ArrayList<>();
        if (projectId != null) {
            query.add(new String[] {"project", projectId});
        }
        query.addAll(request.query());
        char sep = '?';
        for (String[] pair : query) {
            uri.append(sep).append(UriEncoding.encode(pair[0])).append('=').append(UriEncoding.encode(pair[1]));
            sep = '&';
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri.toString()))
                .timeout(requestTimeout)
                .header("Authorization", credential)
                .header("Accept", "application/json")
                .header("User-Agent", userAgent);
        addExtraHeaders(b);
        if (request.body() != null) {
            b.header("Content-Type", "application/json");
            b.method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        } else {
            b.method(request.method(), HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    /** Adds the headers of {@link LeapApi.Builder#requestHeaders}, refusing the caller's own ones. */
    private void addExtraHeaders(HttpRequest.Builder b) {
        if (extraHeaders == null) {
            return;
        }
        Map<String, String> headers = extraHeaders.get();
        if (headers == null) {
            return;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            if (name == null || header.getValue() == null) {
                throw new IllegalArgumentException(
                        "extra request header " + (name == null ? "name" : name) + " is null");
            }
            if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        "extra request header " + name + " is set by LeapApi and cannot be replaced");
            }
            try {
                b.header(name, header.getValue());
            } catch (IllegalArgumentException e) {
                // The JDK's message may quote the value; name the header only.
                throw new IllegalArgumentException("extra request header " + describeName(name)
                        + " is refused by the HTTP client (restricted or invalid name or value)");
            }
        }
    }

    private static String describeName(String name) {
        return name.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? name : "(with invalid characters)";
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    private static String describe(Throwable t, String... secrets) {
        String msg = t.getMessage();
        String text = t.getClass().getSimpleName() + (msg == null ? "" : " (" + msg + ")");
        return Redaction.redactText(text, secrets);
    }

    /**
     * Waits for a call on behalf of a blocking method: rethrows its {@link LeapApiException} with the caller's stack
     * trace, and turns an interrupt into a cancelled call and a {@link LeapApiException} with code
     * {@link LeapApiException#INTERRUPTED} (the interrupt flag stays set).
     */
    static <T> T await(CompletableFuture<T> future, String operation) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new LeapApiException(
                    operation, 0, LeapApiException.INTERRUPTED, "interrupted while waiting", null, 0, e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof LeapApiException lae) {
                throw lae.rethrowable();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new LeapApiException(operation, 0, null, describe(cause), null, 0, cause);
        } catch (CancellationException e) {
            throw new LeapApiException(operation, 0, null, "cancelled", null, 0, e);
        }
    }
}
