package io.leap.benchmarks.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} child process on a free port with its own temporary directory and the append-only file on
 * ({@code appendfsync everysec}, no RDB snapshots), so a restart ({@link #restart()}: SIGTERM, then the same command
 * on the same port and directory) keeps everything written more than a second before.
 */
final class RedisProcess implements AutoCloseable {

    private static final String EXECUTABLE = System.getProperty("leap.redis-server", "/usr/bin/redis-server");

    private final Path dir;

    private final int port;

    private Process process;

    private RedisProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a new instance in a new temporary directory. */
    static RedisProcess start() throws IOException {
        RedisProcess redis = new RedisProcess(Files.createTempDirectory("leap-cluster-redis"), Ports.free());
        redis.launch();
        return redis;
    }

    /** @return {@code redis://127.0.0.1:PORT} */
    String url() {
        return "redis://127.0.0.1:" + this.port;
    }

    /**
     * SIGTERM (Redis writes the AOF and exits), {@code down} of downtime, then the same server again on the same port
     * and directory.
     */
    void restart(Duration down) throws IOException, InterruptedException {
        stop();
        Ports.pause(down.toMillis());
        launch();
    }

    /** @return the process's CPU time (user + system) in milliseconds, from {@code /proc/PID/stat} */
    long cpuMillis() throws IOException {
        return ProcStat.cpuMillis(this.process.pid());
    }

    /** Stops the process with SIGTERM (a clean shutdown), waiting up to 20 s. */
    void stop() throws InterruptedException {
        if (this.process != null && this.process.isAlive()) {
            this.process.destroy();
            if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor();
            }
        }
    }

    private void launch() throws IOException {
        List<String> command = List.of(
                EXECUTABLE,
                "--port",
                String.valueOf(this.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                this.dir.toString(),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--daemonize",
                "no",
                "--logfile",
                this.dir.resolve("redis.log").toString());
        this.process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(this.dir.resolve("redis.out").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!ping()) {
            if (!this.process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("redis-server did not start on port " + this.port + "; see " + this.dir);
            }
            Ports.pause(50);
        }
    }

    private boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, 7);
            return n == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException ex) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try (Stream<Path> files = Files.walk(this.dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach((path) -> path.toFile().delete());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
