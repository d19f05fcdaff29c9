package io.leap.spring.autoconfigure;

import io.leap.client.LeapClient;
import io.leap.client.LeapClientObserver;
import io.leap.client.ListenerOptions;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketTransport;
import io.leap.spring.core.LeapClientLifecycle;
import io.leap.spring.event.LeapApplicationEventBridge;
import io.leap.spring.observation.LeapEventObservationConvention;
import io.leap.spring.observation.ObservationLeapEventPublisher;
import io.leap.spring.transport.SpringWebSocketTransport;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration of the Leap client: connection details from {@code leap.*}, the WebSocket transport, the
 * {@link LeapClient} bean, its {@link LeapClientLifecycle} and the ApplicationEvent bridge. Every bean backs off when
 * the application defines its own.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(LeapClient.class)
@ConditionalOnBooleanProperty(name = "leap.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeapProperties.class)
public final class LeapAutoConfiguration {

    /** Bean name of the auto-configured client. */
    public static final String CLIENT_BEAN_NAME = "leapClient";

    /**
     * The client's own {@code java.net.http} transport, when there is no other (the Spring WebSocket one, registered
     * first by the nested configuration, or the application's).
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(WebSocketTransport.class)
    JdkWebSocketTransport leapJdkWebSocketTransport() {
        return new JdkWebSocketTransport();
    }

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
            ObjectProvider<LeapClientCustomizer> customizers) {
        LeapClient.Builder builder = LeapClient.builder(connectionDetails.getProjectId())
                .token(connectionDetails.getToken())
                .url(connectionDetails.getUrl())
                .reconnectPolicy(reconnectPolicy(properties))
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
                        reconnectPolicy(properties),
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

    static ReconnectPolicy reconnectPolicy(LeapProperties properties) {
        LeapProperties.Reconnect reconnect = properties.getReconnect();
        if (!reconnect.isEnabled()) {
            return ReconnectPolicy.none();
        }
        return ReconnectPolicy.exponential(
                reconnect.getInitialBackoff(), reconnect.getMaxBackoff(), reconnect.getMultiplier());
    }

    /**
     * The Spring WebSocket transport, when spring-websocket and a JSR-356 client implementation are present. As a
     * member class it is processed before the bean methods of the outer class, so the JDK fallback sees it.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {
                "org.springframework.web.socket.client.standard.StandardWebSocketClient",
                "jakarta.websocket.ContainerProvider"
            })
    @Conditional(OnWebSocketContainerCondition.class)
    static class SpringWebSocketTransportConfiguration {

        @Bean
        @ConditionalOnMissingBean(WebSocketTransport.class)
        SpringWebSocketTransport leapWebSocketTransport(LeapProperties properties) {
            int bufferSize = (int) Math.min(
                    Integer.MAX_VALUE, properties.getTransport().getBufferSize().toBytes());
            return SpringWebSocketTransport.createDefault(bufferSize);
        }
    }
}
