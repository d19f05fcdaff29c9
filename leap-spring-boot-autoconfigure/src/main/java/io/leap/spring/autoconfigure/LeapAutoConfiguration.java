package io.leap.spring.autoconfigure;

import io.leap.client.LeapClient;
import io.leap.client.LeapClientObserver;
import io.leap.client.ListenerOptions;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.WebSocketTransport;
import io.leap.spring.core.LeapClientLifecycle;
import io.leap.spring.core.LeapTokenProvider;
import io.leap.spring.event.LeapApplicationEventBridge;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.observation.LeapEventObservationConvention;
import io.leap.spring.observation.ObservationLeapEventPublisher;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration of the Leap client: connection details from {@code leap.*}, the WebSocket transport (chosen by
 * {@code leap.transport.type}, with {@code leap.ssl.bundle} and {@code leap.proxy.*} applied), the
 * {@link LeapClient} bean, its {@link LeapClientLifecycle} and the ApplicationEvent bridge. Every bean backs off when
 * the application defines its own.
 *
 * <p>The client runs listener delivery ({@code @LeapListener} methods and the ApplicationEvent bridge) on the
 * {@value #TASK_EXECUTOR_BEAN_NAME} bean: virtual threads with {@code spring.threads.virtual.enabled=true} (as Boot does
 * for Kafka listeners), otherwise a cached pool of daemon threads, and its timers on the
 * {@value #TASK_SCHEDULER_BEAN_NAME} bean. A bean of either name replaces it. A unique
 * {@link LeapTokenProvider} bean is asked for the token on every connection.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
            "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration"
        })
@ConditionalOnClass(LeapClient.class)
@ConditionalOnBooleanProperty(name = "leap.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeapProperties.class)
// The WebSocket transport (leap.transport.type) with leap.ssl.bundle and leap.proxy.* applied.
@Import({
    LeapTransportConfigurations.JdkTransportConfiguration.class,
    LeapTransportConfigurations.NettyTransportConfiguration.class,
    LeapTransportConfigurations.SpringTransportConfiguration.class,
    LeapTransportConfigurations.UnavailableTransportConfiguration.class,
    LeapTransportConfigurations.TransportSettingsCheckConfiguration.class
})
public final class LeapAutoConfiguration {

    /** Bean name of the auto-configured client. */
    public static final String CLIENT_BEAN_NAME = "leapClient";

    /** Bean name of the executor that runs listener delivery (any {@link Executor}; replace it by name). */
    public static final String TASK_EXECUTOR_BEAN_NAME = "leapTaskExecutor";

    /**
     * Bean name of the scheduler that runs the client's timers (heartbeats, timeouts, reconnect and subscription-retry
     * delays): a {@link ThreadPoolTaskScheduler} or a {@link ScheduledExecutorService}; replace it by name.
     */
    public static final String TASK_SCHEDULER_BEAN_NAME = "leapTaskScheduler";

    private static final Log logger = LogFactory.getLog(LeapAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean(LeapConnectionDetails.class)
    PropertiesLeapConnectionDetails leapConnectionDetails(LeapProperties properties) {
        return new PropertiesLeapConnectionDetails(properties);
    }

    @Bean
    @ConditionalOnMissingBean(JsonMapper.class)
    JsonMapper leapJsonMapper() {
        return JsonMapper.builder().build();
    }

    @Bean(name = CLIENT_BEAN_NAME, destroyMethod = "close")
    @ConditionalOnMissingBean(LeapClient.class)
    LeapClient leapClient(
            LeapConnectionDetails connectionDetails,
            LeapProperties properties,
            ObjectProvider<JsonMapper> jsonMapper,
            ObjectProvider<WebSocketTransport> transport,
            ObjectProvider<LeapClientObserver> observers,
            ObjectProvider<LeapClientCustomizer> customizers,
            ObjectProvider<LeapTokenProvider> tokenProvider,
            @Qualifier(TASK_EXECUTOR_BEAN_NAME) ObjectProvider<Executor> taskExecutor,
            @Qualifier(TASK_SCHEDULER_BEAN_NAME) ObjectProvider<Object> taskScheduler,
            ObjectProvider<LeapListenerProperties> listenerProperties) {
        LeapTokenProvider provider = tokenProvider.getIfUnique();
        if (provider != null && connectionDetails instanceof PropertiesLeapConnectionDetails fromProperties) {
            fromProperties.tokenProvided();
        }
        LeapClient.Builder builder = LeapClient.builder(connectionDetails.getProjectId())
                .token(connectionDetails.getToken())
                .url(connectionDetails.getUrl())
                .reconnectPolicy(reconnectPolicy(properties))
                // fail-fast: the first attempt decides startup; otherwise the client retries it in the background
                .retryInitialConnect(!properties.isFailFast())
                .subscriptionRetryInterval(subscriptionRetryInterval(properties, listenerProperties.getIfAvailable()))
                .connectTimeout(properties.getConnectTimeout())
                .subscribeTimeout(properties.getSubscribeTimeout())
                .bufferSize(properties.getDelivery().getBufferSize())
                .overflowPolicy(properties.getDelivery().getOverflowPolicy());
        applyCompression(builder, connectionDetails.getUrl(), properties);
        if (properties.getHeartbeatAckTimeout() != null) {
            builder.heartbeatAckTimeout(properties.getHeartbeatAckTimeout());
        }
        jsonMapper.ifUnique(builder::jsonMapper);
        transport.ifUnique(builder::transport);
        taskExecutor.ifAvailable(builder::deliveryExecutor);
        taskScheduler.ifAvailable((scheduler) -> builder.scheduler(scheduledExecutor(scheduler)));
        if (provider != null) {
            if (connectionDetails.getToken() != null) {
                logger.info("Using the LeapTokenProvider bean for the Leap token; the configured token is not used");
            }
            builder.tokenProvider(provider::getToken);
        }
        List<LeapClientObserver> observerList = observers.orderedStream().toList();
        if (observerList.size() == 1) {
            builder.observer(observerList.get(0));
        } else if (!observerList.isEmpty()) {
            builder.observer(new CompositeLeapClientObserver(observerList));
        }
        customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean(LeapClientLifecycle.class)
    @ConditionalOnSingleCandidate(LeapClient.class)
    LeapClientLifecycle leapClientLifecycle(
            LeapClient client, LeapConnectionDetails connectionDetails, LeapProperties properties) {
        LeapProperties.Lifecycle lifecycle = properties.getLifecycle();
        return new LeapClientLifecycle(
                client,
                connectionDetails.getUrl(),
                properties.getChannels(),
                new LeapClientLifecycle.Settings(
                        properties.isFailFast(),
                        properties.getConnectTimeout(),
                        lifecycle.isAutoStartup(),
                        lifecycle.getPhase(),
                        lifecycle.getShutdownTimeout()));
    }

    @Bean
    @ConditionalOnMissingBean(LeapApplicationEventBridge.class)
    @ConditionalOnSingleCandidate(LeapClient.class)
    @ConditionalOnBooleanProperty(name = "leap.events.enabled", matchIfMissing = true)
    LeapApplicationEventBridge leapApplicationEventBridge(
            LeapClient client,
            ApplicationEventPublisher publisher,
            ApplicationContext applicationContext,
            ObjectProvider<JsonMapper> jsonMapper,
            LeapProperties properties,
            ObjectProvider<LeapClientLifecycle> lifecycle,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<LeapEventObservationConvention> observationConvention) {
        LeapProperties.Events events = properties.getEvents();
        ObservationRegistry registry = events.isObservationEnabled() ? observationRegistry.getIfUnique() : null;
        if (registry != null && !registry.isNoop()) {
            publisher = new ObservationLeapEventPublisher(publisher, registry, observationConvention.getIfUnique());
        }
        ListenerOptions options = ListenerOptions.defaults()
                .withBufferSize(properties.getDelivery().getBufferSize())
                .withOverflowPolicy(properties.getDelivery().getOverflowPolicy());
        LeapApplicationEventBridge bridge = new LeapApplicationEventBridge(
                client,
                publisher,
                jsonMapper.getIfUnique(() -> JsonMapper.builder().build()),
                options,
                events.getPhase(),
                events.getShutdownTimeout());
        // The same answer as the health indicator's willReconnect detail.
        lifecycle.ifUnique((clientLifecycle) -> bridge.setWillReconnect(clientLifecycle::willReconnect));
        if (events.isSkipUnobservedMessages()) {
            bridge.setMessageEventsWanted(
                    () -> LeapApplicationEventBridge.hasListener(applicationContext, LeapMessageEvent.class));
        }
        return bridge;
    }

    /**
     * The client rewrites the URL's "compression" parameter whenever a compression is given to its builder. Keep a
     * parameter the URL already has (whoever wrote it, the user in leap.url or a LeapConnectionDetails bean); refuse
     * a leap.compression that contradicts it; otherwise let leap.compression (default zlib) choose.
     */
    static void applyCompression(LeapClient.Builder builder, URI url, LeapProperties properties) {
        String fromUrl = LeapProperties.compressionParameter(url);
        if (fromUrl == null) {
            builder.compression(properties.determineCompression(url));
            return;
        }
        if (properties.compressionConflicts(url)) {
            throw new InvalidConfigurationPropertyValueException(
                    "leap.compression",
                    properties.getCompression(),
                    "It contradicts the compression=" + fromUrl + " parameter of the socket URL " + url
                            + " (leap.url or the LeapConnectionDetails bean). Remove leap.compression or the "
                            + "parameter, or make them agree.");
        }
    }

    static ScheduledExecutorService scheduledExecutor(Object scheduler) {
        if (scheduler instanceof ThreadPoolTaskScheduler taskScheduler) {
            return taskScheduler.getScheduledExecutor();
        }
        if (scheduler instanceof ScheduledExecutorService executor) {
            return executor;
        }
        throw new IllegalStateException("The '" + TASK_SCHEDULER_BEAN_NAME
                + "' bean must be a ThreadPoolTaskScheduler or " + "a ScheduledExecutorService, not "
                + scheduler.getClass().getName());
    }

    /** {@code leap.subscription-retry-interval}, unless the deprecated {@code leap.listener.resubscribe-interval} is set. */
    @SuppressWarnings("removal")
    static Duration subscriptionRetryInterval(
            LeapProperties properties, @Nullable LeapListenerProperties listenerProperties) {
        Duration deprecated = (listenerProperties != null) ? listenerProperties.getResubscribeInterval() : null;
        return (deprecated != null) ? deprecated : properties.getSubscriptionRetryInterval();
    }

    static ReconnectPolicy reconnectPolicy(LeapProperties properties) {
        LeapProperties.Reconnect reconnect = properties.getReconnect();
        if (!reconnect.isEnabled()) {
            return ReconnectPolicy.none();
        }
        return ReconnectPolicy.exponential(
                reconnect.getInitialBackoff(), reconnect.getMaxBackoff(), reconnect.getMultiplier());
    }

    /**
     * The executor of listener delivery. Platform threads: a cached pool of daemon threads that takes tasks until the
     * context is destroyed (so the graceful drain of listeners and events at shutdown still runs; the client is closed
     * first, as it depends on it). Virtual threads: one per task, as Boot does for Kafka listeners.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(name = TASK_EXECUTOR_BEAN_NAME)
    static class LeapTaskExecutorConfiguration {

        @Bean(name = TASK_EXECUTOR_BEAN_NAME)
        @ConditionalOnThreading(Threading.PLATFORM)
        ThreadPoolTaskExecutor leapTaskExecutor() {
            ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
            executor.setThreadNamePrefix("leap-");
            executor.setDaemon(true);
            executor.setCorePoolSize(0);
            executor.setMaxPoolSize(Integer.MAX_VALUE);
            executor.setQueueCapacity(0);
            executor.setKeepAliveSeconds(60);
            executor.setAcceptTasksAfterContextClose(true);
            return executor;
        }

        @Bean(name = TASK_EXECUTOR_BEAN_NAME)
        @ConditionalOnThreading(Threading.VIRTUAL)
        SimpleAsyncTaskExecutor leapTaskExecutorVirtualThreads() {
            SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("leap-");
            executor.setVirtualThreads(true);
            return executor;
        }
    }

    /**
     * The scheduler of the client's timers: one daemon thread ({@code leap-scheduler-1}), also with virtual threads
     * (timers are short; heartbeats want a thread that is always there). It takes tasks until the context is destroyed,
     * so heartbeats and timeouts keep running while listeners and events drain at shutdown.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(name = TASK_SCHEDULER_BEAN_NAME)
    static class LeapTaskSchedulerConfiguration {

        @Bean(name = TASK_SCHEDULER_BEAN_NAME)
        ThreadPoolTaskScheduler leapTaskScheduler() {
            ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
            scheduler.setPoolSize(1);
            scheduler.setThreadNamePrefix("leap-scheduler-");
            scheduler.setDaemon(true);
            scheduler.setRemoveOnCancelPolicy(true);
            scheduler.setAcceptTasksAfterContextClose(true);
            return scheduler;
        }
    }
}
