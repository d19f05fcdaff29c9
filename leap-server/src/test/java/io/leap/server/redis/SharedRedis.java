package io.leap.server.redis;

/**
 * One {@code redis-server} for the whole test run, started on first use and killed when the JVM exits. Suites that
 * share it isolate themselves by project ID (every key of the Redis engine carries its project).
 */
public final class SharedRedis {

    private static RedisServer server;

    private SharedRedis() {}

    /** The shared server's {@code redis://} URI, starting it if needed. */
    public static synchronized String uri() {
        if (server == null) {
            RedisServer s = RedisServer.start(false);
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "leap-test-redis-stop"));
            server = s;
            // The first Redis engine of a JVM loads Lettuce, Reactor and Netty's DNS classes (seconds on a loaded
            // machine): pay that here, not inside the first test's timeouts.
            io.leap.server.LeapServer.builder().redis(s.uri()).build().start().close();
        }
        return server.uri();
    }
}
