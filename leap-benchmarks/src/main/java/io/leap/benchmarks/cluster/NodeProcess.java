package io.leap.benchmarks.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code leap-server} node as a child JVM of its own ({@code java -jar leap-server.jar --port ... --redis ...}),
 * started on a fixed port so that {@link #kill() a SIGKILLed node} can be {@link #start() started} again at the same
 * address. Its standard output goes to a log file; the node counts as started once it prints
 * {@code Leap server running}. The project token is passed on the command line and never printed by the harness.
 */
final class NodeProcess implements AutoCloseable {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    /** The banner lines that show the project token and the demo Leap token. */
    private static final Pattern SECRET_LINE = Pattern.compile("(?i).*token\\s*:.*");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;

    private final Path jar;

    private final List<String> jvmOptions;

    private final String redisUrl;

    private final List<String> nodeArgs;

    private final String projectId;

    private final String projectToken;

    private final Path log;

    private final int port = Ports.free();

    private final int managementPort = Ports.free();

    private volatile Process process;

    private volatile boolean serving;

    /**
     * @param redisUrl the Redis URL, or {@code null} for the in-memory engine
     * @param nodeArgs further {@code leap-server.jar} options, e.g. {@code --heartbeat-interval 5s}
     */
    NodeProcess(
            String name,
            Path jar,
            List<String> jvmOptions,
            String redisUrl,
            List<String> nodeArgs,
            String projectId,
            String projectToken,
            Path logDir) {
        this.nodeArgs = List.copyOf(nodeArgs);
        this.name = name;
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.redisUrl = redisUrl;
        this.projectId = projectId;
        this.projectToken = projectToken;
        this.log = logDir.resolve("node-" + name + ".log");
    }

    String name() {
        return this.name;
    }

    /** @return the WebSocket URL a client connects to */
    URI wsUrl() {
        return URI.create("ws://127.0.0.1:" + this.port + "/ws?encoding=json&compression=zlib");
    }

    /** @return the REST origin (routes under {@code /v1}) */
    URI apiUrl() {
        return URI.create("http://127.0.0.1:" + this.port);
    }

    int port() {
        return this.port;
    }

    boolean alive() {
        Process p = this.process;
        return p != null && p.isAlive();
    }

    /**
     * @return whether the node has started (printed {@code Leap server running}) and has not been killed or stopped
     *         since: what a load balancer's health check would say
     */
    boolean serving() {
        return this.serving && alive();
    }

    /** Starts the JVM and waits (up to 60 s) until it prints {@code Leap server running}. */
    NodeProcess start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(this.jvmOptions);
        command.addAll(List.of(
                "-jar",
                this.jar.toString(),
                "--port",
                String.valueOf(this.port),
                "--management-port",
                String.valueOf(this.managementPort),
                "--project-id",
                this.projectId,
                "--project-token",
                this.projectToken));
        if (this.redisUrl != null) {
            command.addAll(List.of("--redis", this.redisUrl));
        }
        command.addAll(this.nodeArgs);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        this.process = p;
        CountDownLatch running = new CountDownLatch(1);
        Thread reader = new Thread(() -> copyOutput(p, running), "node-" + this.name + "-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!running.await(50, TimeUnit.MILLISECONDS)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("node " + this.name + " did not start; see " + this.log);
            }
        }
        this.serving = true;
        return this;
    }

    private void copyOutput(Process p, CountDownLatch running) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(
                        Files.newBufferedWriter(this.log, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            String line;
            while ((line = in.readLine()) != null) {
                // The node prints its project token and a demo token: keep them out of the log file.
                if (!SECRET_LINE.matcher(line).matches()) {
                    out.println(line);
                    out.flush();
                }
                if (line.startsWith("Leap server running")) {
                    running.countDown();
                }
            }
        } catch (IOException ex) {
            // The process ended; nothing left to copy.
        }
    }

    /** SIGKILL ({@link Process#destroyForcibly()}): no close frames, no clean-up in Redis. */
    void kill() throws InterruptedException {
        this.serving = false;
        Process p = this.process;
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** @return whether {@code /health/readiness} on the management port answers 200 */
    boolean ready() {
        try {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + this.managementPort + "/health/readiness"))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException ex) {
            return false;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until {@link #ready()} or the timeout; returns whether it became ready. */
    boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready()) {
                return true;
            }
            Ports.pause(50);
        }
        return false;
    }

    /** @return the process's CPU time (user + system) in milliseconds, from {@code /proc/PID/stat} */
    long cpuMillis() throws IOException {
        return ProcStat.cpuMillis(this.process.pid());
    }

    /** @return the resident set size of the node's JVM in KB ({@code VmRSS} of {@code /proc/PID/status}) */
    long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(this.process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS for node " + this.name);
    }

    /** Runs a full GC in the node ({@code jcmd PID GC.run}) and returns the used heap in KB ({@code GC.heap_info}). */
    long heapUsedAfterGcKb() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher m = USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new IOException("cannot read the heap of node " + this.name);
        }
        return Long.parseLong(m.group(1));
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(this.process.pid()), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return output;
    }

    @Override
    public void close() throws InterruptedException {
        this.serving = false;
        Process p = this.process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public String toString() {
        return "node " + this.name + " (port " + this.port + ")";
    }
}
