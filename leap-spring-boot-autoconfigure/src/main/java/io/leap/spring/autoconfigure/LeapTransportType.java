package io.leap.spring.autoconfigure;

/**
 * Which WebSocket transport the auto-configured Leap client uses ({@code leap.transport.type}).
 */
public enum LeapTransportType {

    /**
     * Spring WebSocket when {@code spring-websocket} and a JSR-356 client (such as {@code tomcat-embed-websocket}) are
     * on the classpath, else the JDK's {@code java.net.http}. The Netty transport is only used when asked for.
     */
    AUTO,

    /** The client's own transport on {@code java.net.http} (always available). */
    JDK,

    /** The Netty transport (needs {@code io.leap:leap-transport-netty}). */
    NETTY,

    /** Spring's {@code StandardWebSocketClient} on a JSR-356 container (needs {@code spring-websocket} and one). */
    SPRING
}
