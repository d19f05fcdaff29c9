package io.leap.server.internal;

import io.leap.server.Permission;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Immutable settings of one server instance, built by {@code LeapServer.Builder}.
 *
 * @param projectTokens project tokens accepted on REST with their permissions
 * @param userTokens    {@code pat_}/{@code bearer_} credentials accepted on REST (they need the {@code project} parameter)
 * @param maxQueuedBytes the most JSON bytes queued for one connection before it is closed with 4007
 * @param redisUri      {@code redis://} or {@code rediss://} URI of the Redis engine; {@code null} = in-memory engine
 * @param managementPort port of the health and metrics endpoints; 0 = any free port, -1 = off
 */
public record ServerConfig(
        int port,
        InetAddress bindAddress,
        String projectId,
        Map<String, Set<Permission>> projectTokens,
        Set<String> userTokens,
        Duration heartbeatInterval,
        Duration identifyWindow,
        Duration taggedHeartbeatInterval,
        Duration taggedHeartbeatTimeout,
        Duration heartbeatTolerance,
        Duration sessionTimeout,
        int maxInboundMessageBytes,
        int maxStateBytes,
        int maxRestBodyBytes,
        int ioThreads,
        SslContext sslContext,
        boolean adminApi,
        long maxQueuedBytes,
        String redisUri,
        int managementPort) {

    /** The largest payload the server ever sends (protocol spec D-10). */
    public static final int MAX_OUTBOUND_PAYLOAD = 16 * 1024 * 1024;

    /** Without secrets: no project or user tokens, and the Redis URI without its credentials. */
    @Override
    public String toString() {
        return "ServerConfig[port=" + port + ", bindAddress=" + bindAddress + ", projectId=" + projectId
                + ", projectTokens=" + projectTokens.size() + ", userTokens=" + userTokens.size() + ", tls="
                + (sslContext != null) + ", adminApi=" + adminApi + ", redis="
                + (redisUri == null ? "off" : redacted(redisUri))
                + ", managementPort=" + managementPort + "]";
    }

    private static String redacted(String uri) {
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        return scheme >= 0 && at > scheme ? uri.substring(0, scheme + 3) + "***@" + uri.substring(at + 1) : uri;
    }
}
