package io.leap.server.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process for tests: its own free port and temporary directory, no RDB snapshots, AOF on
 * or off. {@link #stop()} kills it (its directory stays, so {@link #start()} again restarts it on the same port with
 * the same AOF file); {@link #close()} stops it and deletes the directory.
 *
 * <p>Fails with a clear message when {@code redis-server} is not installed: the Redis engine's tests must run, not be
 * skipped (install Debian's {@code redis-server} package, or set {@code LEAP_REDIS_SERVER} to the binary).
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final Path dir;
    private final boolean appendOnly;
    private final int port;
    private final List<String> extraArgs;
    private Process process;

    private RedisServer(Path binary, Path dir, boolean appendOnly, int port, List<String> extraArgs) {
        this.binary = binary;
        this.dir = dir;
        this.appendOnly = appendOnly;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /**
     * Starts a Redis on a free port; {@code appendOnly} turns AOF persistence on (fsync at every write), and
     * {@code extraArgs} are passed on (e.g. {@code --requirepass secret}).
     */
    public static RedisServer start(boolean appendOnly, String... extraArgs) {
        Path binary = findBinary();
        try {
            Path dir = Files.createTempDirectory("leap-redis-");
            RedisServer server = new RedisServer(binary, dir, appendOnly, freePort(), List.of(extraArgs));
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot prepare a redis-server directory: " + e, e);
        }
    }

    static Path findBinary() {
        String configured = System.getenv("LEAP_REDIS_SERVER");
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("/usr/bin/redis-server"));
        candidates.add(Path.of("/usr/local/bin/redis-server"));
        candidates.add(Path.of("/opt/homebrew/bin/redis-server"));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("redis-server is not installed (looked at " + candidates
                + "). The Redis engine tests need a real Redis: install it (Debian/Ubuntu: apt-get install redis-server)"
                + " or set LEAP_REDIS_SERVER to the binary.");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** (Re)starts the process on the same port and directory; returns when it accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server is already running");
        }
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--save",
                "",
                "--appendonly",
                appendOnly ? "yes" : "no",
                "--appendfsync",
                "always",
                "--protected-mode",
                "no",
                "--logfile",
                dir.resolve("redis.log").toString()));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + binary + ": " + e, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see " + dir);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                if (ping(s)) {
                    return;
                }
            } catch (IOException notYet) {
                // keep polling until the deadline
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(
                "redis-server did not accept connections on port " + port + " within " + START_TIMEOUT);
    }

    private static boolean ping(Socket s) throws IOException {
        s.setSoTimeout(1000);
        s.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] buf = new byte[64];
        int n = s.getInputStream().read(buf);
        String answer = n > 0 ? new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII) : "";
        return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH"); // up, with or without a password
    }

    /** Kills the process (SIGKILL: no final save); the directory and AOF file stay. */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + ", aof=" + appendOnly + "]";
    }
}
