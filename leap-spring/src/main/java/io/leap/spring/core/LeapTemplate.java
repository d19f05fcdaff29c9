package io.leap.spring.core;

import io.leap.client.ChannelType;
import io.leap.client.rest.ChannelListOptions;
import io.leap.client.rest.ChannelPage;
import io.leap.client.rest.ChannelStats;
import io.leap.client.rest.LeapApi;
import io.leap.client.rest.LeapChannel;
import io.leap.client.rest.LeapState;
import io.leap.client.rest.LeapToken;
import io.leap.spring.observation.DefaultLeapTemplateObservationConvention;
import io.leap.spring.observation.LeapTemplateObservation;
import io.leap.spring.observation.LeapTemplateObservationConvention;
import io.leap.spring.observation.LeapTemplateRequestHeaders;
import io.leap.spring.observation.LeapTemplateSenderContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Default {@link LeapOperations}: a thin layer over the Channels REST API client {@link LeapApi} that converts
 * payloads and states with the application's Jackson {@link JsonMapper} and reports every call to a
 * {@link LeapTemplateObserver} (the {@code leap.api.requests} timer when Micrometer is present).
 *
 * <pre>{@code
 * @Service
 * class OrderService {
 *     private final LeapOperations leap;
 *     OrderService(LeapOperations leap) { this.leap = leap; }
 *
 *     void created(Order order) {
 *         leap.publish("orders", "order.created", new OrderCreated(order.id(), order.total(), Instant.now()));
 *     }
 * }
 * }</pre>
 *
 * <p>Payloads are converted here, with the template's mapper, before they reach {@link LeapApi}: a Spring Boot
 * application's {@code spring.jackson.*} settings and {@code JsonMapperBuilderCustomizer}s therefore apply to what
 * subscribers receive, whatever mapper the {@link LeapApi} itself was built with. {@link JsonNode} and
 * {@link LeapState} values are sent as they are.
 *
 * <p>With an {@link ObservationRegistry} set ({@link #setObservationRegistry}), every operation is also recorded as a
 * {@code leap.template} observation ({@link LeapTemplateObservation}); a {@link LeapApi} built with
 * {@link LeapTemplateRequestHeaders} then sends the observation's propagation headers (W3C {@code traceparent}) with
 * the request.
 *
 * <p>Thread-safe; configure it (mapper, observer, observation registry) before sharing it. The template owns no
 * resources: the {@link LeapApi} (and its HTTP client) does.
 */
public class LeapTemplate implements LeapOperations {

    private static final Log logger = LogFactory.getLog(LeapTemplate.class);

    private final LeapApi api;

    private volatile JsonMapper jsonMapper;

    private volatile LeapTemplateObserver observer = LeapTemplateObserver.NOOP;

    private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

    private volatile @Nullable LeapTemplateObservationConvention observationConvention;

    /**
     * Creates a template that converts payloads with {@link JsonMapper#shared()}.
     * @param api the REST client to delegate to
     */
    public LeapTemplate(LeapApi api) {
        this(api, JsonMapper.shared());
    }

    /**
     * Creates a template.
     * @param api the REST client to delegate to
     * @param jsonMapper the mapper that converts payloads and states (in a Boot application, its {@code JsonMapper}
     * bean)
     */
    public LeapTemplate(LeapApi api, JsonMapper jsonMapper) {
        this.api = Objects.requireNonNull(api, "api");
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
    }

    /**
     * The REST client this template delegates to, for operations the template does not wrap (they are not observed).
     * @return the client
     */
    public LeapApi getApi() {
        return this.api;
    }

    /**
     * The mapper that converts payloads and states.
     * @return the mapper
     */
    public JsonMapper getJsonMapper() {
        return this.jsonMapper;
    }

    /**
     * Sets the mapper that converts payloads and states.
     * @param jsonMapper the mapper
     */
    public void setJsonMapper(JsonMapper jsonMapper) {
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
    }

    /**
     * The observer of this template's calls.
     * @return the observer, {@link LeapTemplateObserver#NOOP} by default
     */
    public LeapTemplateObserver getObserver() {
        return this.observer;
    }

    /**
     * Sets the observer of this template's calls, e.g. {@code io.leap.spring.autoconfigure.metrics.LeapApiMetrics}.
     * @param observer the observer
     */
    public void setObserver(LeapTemplateObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * The registry of this template's {@code leap.template} observations.
     * @return the registry, {@link ObservationRegistry#NOOP} (no observations) by default
     */
    public ObservationRegistry getObservationRegistry() {
        return this.observationRegistry;
    }

    /**
     * Sets the registry to record a {@code leap.template} observation of every operation with. For the trace context
     * to reach the server, build the {@link LeapApi} with {@link LeapTemplateRequestHeaders} on the same registry.
     * @param observationRegistry the registry
     */
    public void setObservationRegistry(ObservationRegistry observationRegistry) {
        this.observationRegistry = Objects.requireNonNull(observationRegistry, "observationRegistry");
    }

    /**
     * Sets the convention of the {@code leap.template} observations.
     * @param observationConvention the convention, or {@code null} for
     * {@link DefaultLeapTemplateObservationConvention}
     */
    public void setObservationConvention(@Nullable LeapTemplateObservationConvention observationConvention) {
        this.observationConvention = observationConvention;
    }

    // ------------------------------------------------------------------------------------------------ messages

    @Override
    public void publish(String channelId, String event, @Nullable Object payload) {
        run(
                LeapApiOperation.PUBLISH,
                channelId,
                event,
                () -> this.api.channels().publish(channelId, event, toJson(payload)));
    }

    @Override
    public CompletableFuture<Void> publishAsync(String channelId, String event, @Nullable Object payload) {
        return async(
                LeapApiOperation.PUBLISH,
                channelId,
                event,
                () -> this.api.channels().publishAsync(channelId, event, toJson(payload)));
    }

    @Override
    public void publishDirect(String token, String event, @Nullable Object payload) {
        run(
                LeapApiOperation.PUBLISH_DIRECT,
                null,
                event,
                () -> this.api.tokens().publishDirect(token, event, toJson(payload)));
    }

    @Override
    public CompletableFuture<Void> publishDirectAsync(String token, String event, @Nullable Object payload) {
        return async(
                LeapApiOperation.PUBLISH_DIRECT,
                null,
                event,
                () -> this.api.tokens().publishDirectAsync(token, event, toJson(payload)));
    }

    // ------------------------------------------------------------------------------------------------ state

    @Override
    public void setChannelState(String channelId, Object state) {
        run(
                LeapApiOperation.SET_CHANNEL_STATE,
                channelId,
                null,
                () -> this.api.channels().setState(channelId, toJson(state)));
    }

    @Override
    public CompletableFuture<Void> setChannelStateAsync(String channelId, Object state) {
        return async(
                LeapApiOperation.SET_CHANNEL_STATE,
                channelId,
                null,
                () -> this.api.channels().setStateAsync(channelId, toJson(state)));
    }

    @Override
    public void patchChannelState(String channelId, Object partialState) {
        run(
                LeapApiOperation.PATCH_CHANNEL_STATE,
                channelId,
                null,
                () -> this.api.channels().patchState(channelId, toJson(partialState)));
    }

    @Override
    public CompletableFuture<Void> patchChannelStateAsync(String channelId, Object partialState) {
        return async(
                LeapApiOperation.PATCH_CHANNEL_STATE,
                channelId,
                null,
                () -> this.api.channels().patchStateAsync(channelId, toJson(partialState)));
    }

    @Override
    public LeapState getChannelState(String channelId) {
        return call(
                LeapApiOperation.GET_CHANNEL_STATE,
                channelId,
                null,
                () -> this.api.channels().getState(channelId));
    }

    @Override
    public <T> T getChannelState(String channelId, Class<T> type) {
        Objects.requireNonNull(type, "type");
        LeapState state = getChannelState(channelId);
        try {
            return this.jsonMapper.treeToValue(state.json(), type);
        } catch (JacksonException ex) {
            throw new IllegalArgumentException(
                    "Cannot convert the state of a Leap channel to " + type.getName() + ": " + ex.getOriginalMessage(),
                    ex);
        }
    }

    // ------------------------------------------------------------------------------------------------ channels

    @Override
    public LeapChannel createChannel(ChannelType type, @Nullable Object state) {
        return call(LeapApiOperation.CREATE_CHANNEL, () -> this.api.channels().create(type, toJsonOrNull(state)));
    }

    @Override
    public LeapChannel createChannel(String channelId, ChannelType type, @Nullable Object state) {
        return call(
                LeapApiOperation.CREATE_CHANNEL,
                channelId,
                null,
                () -> this.api.channels().create(channelId, type, toJsonOrNull(state)));
    }

    @Override
    public LeapChannel getChannel(String channelId) {
        return call(
                LeapApiOperation.GET_CHANNEL,
                channelId,
                null,
                () -> this.api.channels().get(channelId));
    }

    @Override
    public Optional<LeapChannel> findChannel(String channelId) {
        return call(
                LeapApiOperation.GET_CHANNEL,
                channelId,
                null,
                () -> this.api.channels().find(channelId));
    }

    @Override
    public List<LeapChannel> listChannels() {
        return call(LeapApiOperation.LIST_CHANNELS, this.api.channels()::list);
    }

    @Override
    public ChannelPage listChannels(int page, ChannelListOptions options) {
        return call(LeapApiOperation.LIST_CHANNELS, () -> this.api.channels().list(page, options));
    }

    @Override
    public Stream<LeapChannel> streamChannels(ChannelListOptions options) {
        Objects.requireNonNull(options, "options");
        Iterator<ChannelPage> pages = new PageIterator(options);
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .flatMap((page) -> page.channels().stream());
    }

    @Override
    public void deleteChannel(String channelId) {
        run(
                LeapApiOperation.DELETE_CHANNEL,
                channelId,
                null,
                () -> this.api.channels().delete(channelId));
    }

    @Override
    public void subscribeToken(String channelId, String token) {
        run(
                LeapApiOperation.SUBSCRIBE_TOKEN,
                channelId,
                null,
                () -> this.api.channels().subscribeToken(channelId, token));
    }

    @Override
    public CompletableFuture<Void> subscribeTokenAsync(String channelId, String token) {
        return async(
                LeapApiOperation.SUBSCRIBE_TOKEN,
                channelId,
                null,
                () -> this.api.channels().subscribeTokenAsync(channelId, token));
    }

    @Override
    public void unsubscribeToken(String channelId, String token) {
        run(
                LeapApiOperation.UNSUBSCRIBE_TOKEN,
                channelId,
                null,
                () -> this.api.channels().unsubscribeToken(channelId, token));
    }

    @Override
    public List<LeapToken> listChannelTokens(String channelId) {
        return call(
                LeapApiOperation.LIST_CHANNEL_TOKENS,
                channelId,
                null,
                () -> this.api.channels().listTokens(channelId));
    }

    @Override
    public ChannelStats getChannelStats(String channelId) {
        return call(
                LeapApiOperation.GET_CHANNEL_STATS,
                channelId,
                null,
                () -> this.api.channels().getStats(channelId));
    }

    // ------------------------------------------------------------------------------------------------ tokens

    @Override
    public LeapToken createToken() {
        return createToken(null);
    }

    @Override
    public LeapToken createToken(@Nullable Object state) {
        return call(LeapApiOperation.CREATE_TOKEN, () -> this.api.tokens().create(toJsonOrNull(state)));
    }

    @Override
    public CompletableFuture<LeapToken> createTokenAsync(@Nullable Object state) {
        return async(LeapApiOperation.CREATE_TOKEN, () -> this.api.tokens().createAsync(toJsonOrNull(state)));
    }

    @Override
    public LeapToken getToken(String token) {
        return call(LeapApiOperation.GET_TOKEN, () -> this.api.tokens().get(token));
    }

    @Override
    public List<LeapToken> listTokens() {
        return call(LeapApiOperation.LIST_TOKENS, this.api.tokens()::list);
    }

    @Override
    public LeapToken setTokenState(String token, Object state) {
        return call(LeapApiOperation.SET_TOKEN_STATE, () -> this.api.tokens().setState(token, toJson(state)));
    }

    @Override
    public void deleteToken(String token) {
        run(LeapApiOperation.DELETE_TOKEN, () -> this.api.tokens().delete(token));
    }

    @Override
    public boolean isTokenOnline(String token) {
        return call(LeapApiOperation.GET_TOKEN, () -> this.api.tokens().isOnline(token));
    }

    @Override
    public String toString() {
        return "LeapTemplate[" + this.api + "]";
    }

    // ------------------------------------------------------------------------------------------------ internals

    /**
     * Converts a payload or state to a JSON tree with the template's mapper. {@link JsonNode} and {@link LeapState}
     * values pass through; {@code null} becomes JSON {@code null} (refused by the API client where a state is
     * needed).
     */
    private Object toJson(@Nullable Object value) {
        if (value == null) {
            return this.jsonMapper.nullNode();
        }
        if (value instanceof JsonNode || value instanceof LeapState) {
            return value;
        }
        try {
            return this.jsonMapper.valueToTree(value);
        } catch (JacksonException ex) {
            // Name the type only: the value may hold data that must not reach logs, and an exception thrown by its
            // own code (a getter) may carry such data in its message, so only Jackson's own reasons are quoted.
            Throwable cause = ex.getCause();
            String reason = (cause == null || cause instanceof JacksonException)
                    ? ex.getOriginalMessage()
                    : "its serialization threw " + cause.getClass().getName();
            throw new IllegalArgumentException(
                    "Cannot convert a " + value.getClass().getName() + " to JSON: " + reason, ex);
        }
    }

    /** Like {@link #toJson(Object)} but keeps {@code null}, which the API client reads as {@code {}}. */
    private @Nullable Object toJsonOrNull(@Nullable Object value) {
        return (value != null) ? toJson(value) : null;
    }

    private void run(LeapApiOperation operation, Runnable call) {
        run(operation, null, null, call);
    }

    private void run(LeapApiOperation operation, @Nullable String channelId, @Nullable String event, Runnable call) {
        call(operation, channelId, event, () -> {
            call.run();
            return null;
        });
    }

    private <T> T call(LeapApiOperation operation, Supplier<T> call) {
        return call(operation, null, null, call);
    }

    private <T> T call(
            LeapApiOperation operation, @Nullable String channelId, @Nullable String event, Supplier<T> call) {
        Observed observed = observe(operation, channelId, event);
        LeapTemplateObserver.Completion completion = start(operation);
        T result;
        try (Observation.Scope scope = observed.openScope()) {
            result = call.get();
        } catch (RuntimeException | Error ex) {
            complete(completion, ex);
            observed.stop(ex);
            throw ex;
        }
        complete(completion, null);
        observed.stop(null);
        return result;
    }

    private <T> CompletableFuture<T> async(LeapApiOperation operation, Supplier<CompletableFuture<T>> call) {
        return async(operation, null, null, call);
    }

    private <T> CompletableFuture<T> async(
            LeapApiOperation operation,
            @Nullable String channelId,
            @Nullable String event,
            Supplier<CompletableFuture<T>> call) {
        Observed observed = observe(operation, channelId, event);
        LeapTemplateObserver.Completion completion = start(operation);
        CompletableFuture<T> future;
        try (Observation.Scope scope = observed.openScope()) {
            future = call.get();
        } catch (RuntimeException | Error ex) {
            complete(completion, ex);
            observed.stop(ex);
            throw ex;
        }
        // Observe the API client's own future and return it as is, so that cancelling it still cancels the request.
        future.whenComplete((result, failure) -> {
            complete(completion, failure);
            observed.stop(failure);
        });
        return future;
    }

    /**
     * Starts the {@code leap.template} observation of an operation. Its scope is open while the {@link LeapApi} is
     * called, so that {@link LeapTemplateRequestHeaders} finds the propagation headers; it stops when the call ends.
     */
    private Observed observe(LeapApiOperation operation, @Nullable String channelId, @Nullable String event) {
        ObservationRegistry registry = this.observationRegistry;
        if (registry.isNoop()) {
            return Observed.NONE;
        }
        LeapTemplateSenderContext context =
                new LeapTemplateSenderContext(operation, channelId, event, this.api.baseUrl());
        Observation observation = LeapTemplateObservation.TEMPLATE_OBSERVATION.observation(
                this.observationConvention, DefaultLeapTemplateObservationConvention.INSTANCE, () -> context, registry);
        return new Observed(observation.start(), context);
    }

    /** A started observation and its context, or {@link #NONE}. */
    private record Observed(
            Observation observation, @Nullable LeapTemplateSenderContext context) {

        static final Observed NONE = new Observed(Observation.NOOP, null);

        Observation.Scope openScope() {
            return this.observation.openScope();
        }

        void stop(@Nullable Throwable failure) {
            if (this.context == null) {
                return;
            }
            try {
                this.context.setOutcome(LeapApiOutcome.of(failure));
                if (failure != null) {
                    Throwable cause = failure;
                    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    this.observation.error(cause);
                }
                this.observation.stop();
            } catch (RuntimeException ex) {
                logger.warn("Observation of a Leap template call failed to stop; ignored", ex);
            }
        }
    }

    private LeapTemplateObserver.Completion start(LeapApiOperation operation) {
        try {
            LeapTemplateObserver.Completion completion = this.observer.onStart(operation);
            return (completion != null) ? completion : NOOP_COMPLETION;
        } catch (RuntimeException ex) {
            logger.warn("LeapTemplateObserver failed when " + operation.tagValue() + " started; ignored", ex);
            return NOOP_COMPLETION;
        }
    }

    private static void complete(LeapTemplateObserver.Completion completion, @Nullable Throwable failure) {
        try {
            completion.onComplete(failure);
        } catch (RuntimeException ex) {
            logger.warn("LeapTemplateObserver failed when a call completed; ignored", ex);
        }
    }

    private static final LeapTemplateObserver.Completion NOOP_COMPLETION = (failure) -> {};

    /** Pages of channels, requested through the template (so each page is observed). */
    private final class PageIterator implements Iterator<ChannelPage> {

        private final ChannelListOptions options;

        private int nextPage = 1;

        private long read;

        private boolean done;

        private @Nullable ChannelPage buffered;

        PageIterator(ChannelListOptions options) {
            this.options = options;
        }

        @Override
        public boolean hasNext() {
            if (this.buffered != null) {
                return true;
            }
            if (this.done) {
                return false;
            }
            ChannelPage page = listChannels(this.nextPage, this.options);
            if (page.isEmpty()) {
                this.done = true;
                return false;
            }
            this.nextPage++;
            this.read += page.channels().size();
            if (page.totalCount() >= 0 && this.read >= page.totalCount()) {
                this.done = true;
            }
            this.buffered = page;
            return true;
        }

        @Override
        public ChannelPage next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ChannelPage page = this.buffered;
            this.buffered = null;
            return page;
        }
    }
}
