package io.leap.server.redis;

/**
 * One {@code redis-server} for the whole test run, started on first use and killed when the JVM exits. Suites that
 * share it isolate themselves by project ID (every key of the Redis engine carries its project).
 */
public final class SharedRedis {

    private static RedisServer server;

    private SharedRedis() {
    }

    /** The shared server's {@code redis://} URI, starting it if needed. */
    public static synchronized String uri() {
        if (server == null) {
            RedisServer s = RedisServer.start(false);
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "leap-test-redis-stop"));
            server = s;
        }
        return server.uri();
    }
}
