package io.leap.spring.autoconfigure.embedded;

import io.leap.client.LeapClient;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapApiConnectionDetails;
import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.autoconfigure.LeapProperties;
import io.leap.spring.config.LeapListenerConfigUtils;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Embedded mode, like Boot's embedded databases: with {@code io.leap:leap-server} on the classpath and
 * {@code leap.embedded.enabled=true}, an in-process {@link LeapServer} is started on a free port, a Leap token is
 * created for the application, the channels of {@code leap.channels} and {@code leap.embedded.channels} are created
 * (type {@code public}), a {@link LeapConnectionDetails} bean points the client at it and a
 * {@link LeapApiConnectionDetails} bean points {@code LeapTemplate} at its REST API. The properties-backed connection
 * details back off, so {@code leap.project-id}, {@code leap.token} and {@code leap.api.*} are not needed. The channels
 * named by {@code @LeapListener} methods are created on it too, before the client connects.
 */
@AutoConfiguration(before = LeapAutoConfiguration.class)
@ConditionalOnClass({LeapServer.class, LeapClient.class})
@ConditionalOnBooleanProperty(name = "leap.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "leap.embedded.enabled")
@EnableConfigurationProperties(LeapProperties.class)
public final class LeapEmbeddedServerAutoConfiguration {

    private static final Log logger = LogFactory.getLog(LeapEmbeddedServerAutoConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    LeapServer leapServer(LeapProperties properties) {
        LeapProperties.Embedded embedded = properties.getEmbedded();
        LeapServer server = LeapServer.builder()
                .port(embedded.getPort())
                .heartbeatInterval(embedded.getHeartbeatInterval())
                .build();
        server.start();
        logger.info("Started embedded Leap server at " + server.wsUrl() + " (REST API at " + server.apiUrl()
                + "/v1) for project " + server.projectId());
        return server;
    }

    @Bean
    @ConditionalOnMissingBean(LeapConnectionDetails.class)
    EmbeddedLeapConnectionDetails embeddedLeapConnectionDetails(
            LeapServer server, LeapProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
        Set<String> channels = new LinkedHashSet<>(properties.getChannels());
        channels.addAll(properties.getEmbedded().getChannels());
        for (String channel : channels) {
            if (!server.channelIds().contains(channel)) {
                server.createChannel(channel, ChannelType.PUBLIC, null);
            }
        }
        JsonMapper mapper = jsonMapper.getIfUnique(() -> JsonMapper.builder().build());
        JsonNode tokenState = mapper.readTree(properties.getEmbedded().getTokenState());
        String token = server.createToken(tokenState);
        return new EmbeddedLeapConnectionDetails(server, token);
    }

    /**
     * The REST API of the embedded server for {@code LeapTemplate}. Registered before
     * {@code LeapTemplateAutoConfiguration} runs, so that its {@code leap.api.*}-backed details back off.
     */
    @Bean
    @ConditionalOnMissingBean(LeapApiConnectionDetails.class)
    EmbeddedLeapApiConnectionDetails embeddedLeapApiConnectionDetails(LeapServer server) {
        return new EmbeddedLeapApiConnectionDetails(server);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(LeapListenerEndpointRegistry.class)
    static class EmbeddedListenerChannelsConfiguration {

        @Bean
        EmbeddedListenerChannels leapListenerEmbeddedChannels(
                LeapServer server,
                @Qualifier(LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)
                        ObjectProvider<LeapListenerEndpointRegistry> registry,
                LeapProperties properties) {
            return new EmbeddedListenerChannels(
                    server, registry, properties.getLifecycle().getPhase() - 1);
        }
    }

    /**
     * Creates the channels named by listeners (type {@code public}) on the embedded server before the client connects,
     * as {@code leap.embedded.channels} does for configured channels. Without listeners (no registry, e.g.
     * {@code leap.listener.enabled=false}) it does nothing.
     */
    static final class EmbeddedListenerChannels implements SmartLifecycle {

        private static final Log logger = LogFactory.getLog(EmbeddedListenerChannels.class);

        private final LeapServer server;

        private final ObjectProvider<LeapListenerEndpointRegistry> registry;

        private final int phase;

        private volatile boolean running;

        EmbeddedListenerChannels(LeapServer server, ObjectProvider<LeapListenerEndpointRegistry> registry, int phase) {
            this.server = server;
            this.registry = registry;
            this.phase = phase;
        }

        @Override
        public void start() {
            LeapListenerEndpointRegistry listeners = this.registry.getIfAvailable();
            Set<String> created = new LinkedHashSet<>();
            if (listeners != null) {
                for (String channel : listeners.getChannels()) {
                    if (!this.server.channelIds().contains(channel)) {
                        this.server.createChannel(channel, ChannelType.PUBLIC, null);
                        created.add(channel);
                    }
                }
            }
            if (!created.isEmpty()) {
                logger.info("Created channels " + created + " of @LeapListener methods on the embedded Leap server");
            }
            this.running = true;
        }

        @Override
        public void stop() {
            this.running = false;
        }

        @Override
        public boolean isRunning() {
            return this.running;
        }

        @Override
        public int getPhase() {
            return this.phase;
        }
    }
}
