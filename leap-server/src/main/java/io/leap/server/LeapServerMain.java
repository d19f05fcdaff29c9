package io.leap.server;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded server standalone: {@code java -jar leap-server.jar [options]}. Options (and environment variables):
 * {@code --port} ({@code LEAP_PORT}, default 4455), {@code --host} ({@code LEAP_HOST}, default 127.0.0.1),
 * {@code --project-id} ({@code LEAP_PROJECT_ID}), {@code --project-token} ({@code LEAP_PROJECT_TOKEN}),
 * {@code --heartbeat-interval} ({@code LEAP_HEARTBEAT_INTERVAL}: milliseconds or an ISO-8601 / "30s" duration),
 * {@code --admin} ({@code LEAP_ADMIN=true}), {@code --redis} ({@code LEAP_REDIS_URL}: {@code redis://[:password@]host:port[/db]}
 * or {@code rediss://} for TLS; several nodes on one Redis act as one Leap service), {@code --management-port}
 * ({@code LEAP_MANAGEMENT_PORT}: {@code /health} and Prometheus {@code /metrics}). Command-line options win over
 * environment variables. Admin routes stay off unless asked for.
 */
public final class LeapServerMain {

    static final int DEFAULT_PORT = 4455;

    private LeapServerMain() {}

    public static void main(String[] args) throws Exception {
        // Logging of the standalone jar (slf4j-simple): timestamps, and connection opens/closes, unless configured.
        System.setProperty(
                "org.slf4j.simpleLogger.showDateTime",
                System.getProperty("org.slf4j.simpleLogger.showDateTime", "true"));
        System.setProperty(
                "org.slf4j.simpleLogger.dateTimeFormat",
                System.getProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ"));
        System.setProperty(
                "org.slf4j.simpleLogger.log.io.leap.server.connections",
                System.getProperty("org.slf4j.simpleLogger.log.io.leap.server.connections", "debug"));
        LeapServer server;
        try {
            server = configure(args, System.getenv()).build();
        } catch (IllegalArgumentException e) {
            System.err.println("leap-server: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        try {
            server.start();
        } catch (IllegalStateException e) {
            System.err.println("leap-server: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "leap-server-shutdown"));
        String token = server.createToken(Map.of("name", "demo"));
        PrintStream out = System.out;
        out.println("Leap server running");
        out.println("  WebSocket URL : " + server.wsUrl() + "?encoding=json&compression=zlib");
        out.println("  REST URL      : " + server.apiUrl() + "  (routes under /v1)");
        out.println("  Project ID    : " + server.projectId());
        out.println("  Project token : " + server.projectToken());
        out.println("  Leap token    : " + token);
        out.println("  Engine        : " + server.engineDescription());
        if (server.managementPort() >= 0) {
            String m = server.apiUrl().getScheme().replace("https", "http") + "://"
                    + server.apiUrl().getHost() + ":" + server.managementPort();
            out.println("  Health        : " + m + "/health  (/health/liveness, /health/readiness)");
            out.println("  Metrics       : " + m + "/metrics  (Prometheus)");
        }
        if (args != null && isAdmin(args, System.getenv())) {
            out.println("  Admin API     : " + server.apiUrl() + "/admin/...  (Authorization: the project token)");
        }
        out.println("Press Ctrl+C to stop.");
        stopped.await();
    }

    static boolean isAdmin(String[] args, Map<String, String> env) {
        for (String a : args) {
            if (a.equals("--admin")) {
                return true;
            }
        }
        return Boolean.parseBoolean(env.getOrDefault("LEAP_ADMIN", "false"));
    }

    /** Builds the configuration from the arguments and environment. */
    static LeapServer.Builder configure(String[] args, Map<String, String> env) {
        String port = env.get("LEAP_PORT");
        String host = env.get("LEAP_HOST");
        String projectId = env.get("LEAP_PROJECT_ID");
        String projectToken = env.get("LEAP_PROJECT_TOKEN");
        String heartbeat = env.get("LEAP_HEARTBEAT_INTERVAL");
        boolean admin = Boolean.parseBoolean(env.getOrDefault("LEAP_ADMIN", "false"));
        String redis = env.get("LEAP_REDIS_URL");
        String managementPort = env.get("LEAP_MANAGEMENT_PORT");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--admin" -> admin = true;
                case "--help", "-h" -> {
                    usage(System.out);
                    System.exit(0);
                }
                case "--port",
                        "--host",
                        "--project-id",
                        "--project-token",
                        "--heartbeat-interval",
                        "--redis",
                        "--management-port" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(arg + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--port" -> port = value;
                        case "--host" -> host = value;
                        case "--project-id" -> projectId = value;
                        case "--project-token" -> projectToken = value;
                        case "--redis" -> redis = value;
                        case "--management-port" -> managementPort = value;
                        default -> heartbeat = value;
                    }
                }
                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        LeapServer.Builder b = LeapServer.builder().adminApi(admin);
        try {
            b.port(port == null ? DEFAULT_PORT : Integer.parseInt(port.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid port '" + port + "'");
        }
        try {
            b.bindAddress(InetAddress.getByName(host == null ? "127.0.0.1" : host.trim()));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Unknown host '" + host + "'");
        }
        if (projectId != null) {
            b.projectId(projectId.trim());
        }
        if (projectToken != null) {
            b.projectToken(projectToken.trim());
        }
        if (heartbeat != null) {
            b.heartbeatInterval(parseDuration(heartbeat.trim()));
        }
        if (redis != null && !redis.isBlank()) {
            b.redis(redis.trim());
        }
        if (managementPort != null && !managementPort.isBlank()) {
            try {
                b.managementPort(Integer.parseInt(managementPort.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid management port '" + managementPort + "'");
            }
        }
        return b;
    }

    /** {@code 30000} (milliseconds), {@code 30s}, {@code 500ms}, {@code 2m} or ISO-8601 {@code PT30S}. */
    static Duration parseDuration(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        try {
            if (t.matches("\\d+")) {
                return Duration.ofMillis(Long.parseLong(t));
            }
            if (t.matches("\\d+ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.matches("\\d+s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.matches("\\d+m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("Invalid duration '" + text + "' (use 30000, 30s, 500ms or PT30S)");
        }
    }

    private static void usage(PrintStream out) {
        out.println(
                "Usage: java -jar leap-server.jar [--port N] [--host ADDR] [--project-id ID] [--project-token ptk_...]");
        out.println("                                 [--heartbeat-interval 30s] [--admin]");
        out.println("                                 [--redis redis://[:password@]host:port[/db] | rediss://...]");
        out.println("                                 [--management-port N]");
        out.println(
                "Environment: LEAP_PORT, LEAP_HOST, LEAP_PROJECT_ID, LEAP_PROJECT_TOKEN, LEAP_HEARTBEAT_INTERVAL, LEAP_ADMIN,");
        out.println("             LEAP_REDIS_URL, LEAP_MANAGEMENT_PORT");
    }
}
