package io.leap.spring.autoconfigure.embedded;

import io.leap.client.LeapClient;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapApiConnectionDetails;
import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.autoconfigure.LeapProperties;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Embedded mode, like Boot's embedded databases: with {@code io.leap:leap-server} on the classpath and
 * {@code leap.embedded.enabled=true}, an in-process {@link LeapServer} is started on a free port, a Leap token is
 * created for the application, the channels of {@code leap.channels} and {@code leap.embedded.channels} are created
 * (type {@code public}), a {@link LeapConnectionDetails} bean points the client at it and a
 * {@link LeapApiConnectionDetails} bean points {@code LeapTemplate} at its REST API. The properties-backed connection
 * details back off, so {@code leap.project-id}, {@code leap.token} and {@code leap.api.*} are not needed.
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
}
