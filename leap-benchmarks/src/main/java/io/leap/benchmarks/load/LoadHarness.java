package io.leap.benchmarks.load;

import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.transport.netty.NettyWebSocketTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * End-to-end load harness: starts {@code leap-server} in a child JVM, then measures every client path, interleaved
 * (the order rotates each repetition), for several repetitions, and prints medians and ratios to the baseline. Each
 * measurement runs in a fresh JVM of its own (started with this JVM's options) that receives a warm-up blast first,
 * so every path runs with code the JIT compiled for it alone, as in an application that uses one client.
 *
 * <p>Modes: <em>blast</em> (the server pushes {@code --messages} pre-encoded MESSAGE dispatches as fast as the socket
 * takes them; figures: messages/s, CPU seconds per million messages, allocated bytes per message) and <em>paced</em>
 * (the server sends at a fixed rate, each message carrying its send time; figures: p50/p99/p99.9 latency and CPU per
 * message). Each in JSON and zlib framing.
 *
 * <pre>
 * ./mvnw -B -q -pl leap-benchmarks -am install -DskipTests &amp;&amp; ./mvnw -q -pl leap-benchmarks exec:exec@load -Dload.args="--reps 3"
 * </pre>
 * Options: {@code --messages N} (default 500000; 0 skips the blast runs), {@code --warmup N} (the warm-up blast,
 * 500000), {@code --reps N} (3), {@code --modes json,zlib}, {@code --rates 10000,50000}, {@code --paced-seconds S} (4),
 * {@code --paced-warmup-seconds S} (2), {@code --paths <substring,...>} to select paths (no spaces: Maven splits the
 * arguments on them), {@code --thread-cpu x} to print each measured run's CPU per thread, {@code --compare
 * label=classpath-file,...} with {@code --compare-paths <substring,...>} to run those paths again on another build's
 * classpath (one line, as {@code dependency:build-classpath} writes it, with that build's {@code leap-benchmarks}
 * classes first) in the same run, interleaved with the others.
 * With the defaults a full run takes about 25 minutes on 2 cores.
 */
public final class LoadHarness {

    private static final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private static final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Map<String, String> options;

    private Process serverProcess;

    private BufferedReader serverOut;

    private PrintWriter serverIn;

    private URI wsUrl;

    private String projectId;

    private int pacedWarmupSeconds;

    private LoadHarness(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (options.containsKey("child")) {
            child(options);
        } else {
            new LoadHarness(options).run();
        }
        System.exit(0);
    }

    private static List<Supplier<ClientPath>> allPaths() {
        List<Supplier<ClientPath>> all = new ArrayList<>();
        all.add(JdkBaselinePath::baseline);
        all.add(OkHttpBaselinePath::new);
        all.add(JdkBaselinePath::ceiling);
        all.add(RawSocketPath::new);
        all.add(() ->
                new LeapClientPath("LeapClient (JDK transport) + data() tree", JdkWebSocketTransport::new, false));
        all.add(() ->
                new LeapClientPath("LeapClient (JDK transport) + data(record)", JdkWebSocketTransport::new, true));
        all.add(() ->
                new LeapClientPath("LeapClient (Netty transport) + data() tree", NettyWebSocketTransport::new, false));
        all.add(() ->
                new LeapClientPath("LeapClient (Netty transport) + data(record)", NettyWebSocketTransport::new, true));
        all.add(() -> new LeapClientPath(
                "LeapClient (JDK transport, inline) + data() tree", JdkWebSocketTransport::new, false, true));
        all.add(() -> new LeapClientPath(
                "LeapClient (Netty transport, inline) + data() tree", NettyWebSocketTransport::new, false, true));
        all.addAll(SpringPaths.paths());
        return all;
    }

    /**
     * The paths to measure: all, or those whose name contains one of {@code --paths} (the baseline always); then, for
     * each {@code --compare label=classpath-file}, the paths matching {@code --compare-paths} again, run on that
     * classpath (another build of the project, with the same harness) and reported as {@code name [label]}.
     */
    private List<PathInfo> paths() throws Exception {
        List<String> wanted = filter("paths");
        List<PathInfo> paths = new ArrayList<>();
        List<PathInfo> compared = new ArrayList<>();
        List<String> comparedWanted = filter("compare-paths");
        String classpath = System.getProperty("java.class.path");
        for (Supplier<ClientPath> factory : allPaths()) {
            try (ClientPath p = factory.get()) {
                String name = p.name().toLowerCase(Locale.ROOT);
                // The baseline always runs: every ratio is taken against it.
                if (name.startsWith("baseline") || wanted.stream().anyMatch(name::contains)) {
                    paths.add(new PathInfo(p.name(), p.name(), p.blastOnly(), classpath));
                    if (!name.startsWith("baseline")
                            && !name.startsWith("ceiling")
                            && comparedWanted.stream().anyMatch(name::contains)) {
                        compared.add(new PathInfo(p.name(), p.name(), p.blastOnly(), classpath));
                    }
                }
            }
        }
        String compare = this.options.get("compare");
        if (compare != null) {
            for (String entry : compare.split(",")) {
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--compare takes label=classpath-file, got " + entry);
                }
                String label = entry.substring(0, eq);
                String other =
                        Files.readString(Path.of(entry.substring(eq + 1))).strip();
                for (PathInfo p : compared) {
                    paths.add(new PathInfo(p.name(), p.name() + " [" + label + "]", p.blastOnly(), other));
                }
            }
        }
        return paths;
    }

    private List<String> filter(String option) {
        String filter = this.options.get(option);
        return filter == null
                ? List.of("")
                : Arrays.asList(filter.toLowerCase(Locale.ROOT).split(","));
    }

    /** A path to measure: its name in the child JVM, its row label, and the classpath of the child JVM. */
    private record PathInfo(String name, String label, boolean blastOnly, String classpath) {}

    private void run() throws Exception {
        long messages = Long.parseLong(this.options.getOrDefault("messages", "500000"));
        int reps = Integer.parseInt(this.options.getOrDefault("reps", "3"));
        List<String> modes =
                Arrays.asList(this.options.getOrDefault("modes", "json,zlib").split(","));
        List<Long> rates = Arrays.stream(
                        this.options.getOrDefault("rates", "10000,50000").split(","))
                .filter((s) -> !s.isBlank())
                .map(Long::parseLong)
                .toList();
        int pacedSeconds = Integer.parseInt(this.options.getOrDefault("paced-seconds", "4"));
        long warmupBlast = Long.parseLong(this.options.getOrDefault("warmup", "500000"));
        this.pacedWarmupSeconds = Integer.parseInt(this.options.getOrDefault("paced-warmup-seconds", "2"));
        List<PathInfo> paths = paths();
        startServer();
        try {
            System.out.printf(
                    "JVM %s %s, %d CPUs, harness heap %d MB%n",
                    System.getProperty("java.vm.name"),
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20);
            for (String mode : modes) {
                URI url = URI.create(
                        this.wsUrl + "?encoding=json&compression=" + ("zlib".equals(mode) ? "zlib" : "none"));
                Map<String, List<Result>> blast = new LinkedHashMap<>();
                if (messages > 0) {
                    System.out.printf(
                            "%n== blast, %s frames, %,d messages (after a warm-up blast of as many), %d reps%n",
                            mode, messages, reps);
                }
                for (int rep = 0; messages > 0 && rep < reps; rep++) {
                    for (int i = 0; i < paths.size(); i++) {
                        // Rotate the order each repetition so no path always runs first or last.
                        PathInfo path = paths.get((i + rep) % paths.size());
                        Result result = measure(path, url, warmupBlast, messages, 0);
                        System.out.printf("  rep %d %-48s %,12.0f msg/s%n", rep + 1, result.name, result.rate);
                        blast.computeIfAbsent(result.name, (k) -> new ArrayList<>())
                                .add(result);
                    }
                }
                if (messages > 0) {
                    printBlast(mode, blast);
                }
                for (long rate : rates) {
                    List<PathInfo> pacedPaths =
                            paths.stream().filter((p) -> !p.blastOnly()).toList();
                    Map<String, List<Result>> paced = new LinkedHashMap<>();
                    long count = rate * pacedSeconds;
                    System.out.printf(
                            "%n== paced, %s frames, %,d msg/s for %d s (after a warm-up blast of %,d and %d s at that rate), %d reps%n",
                            mode, rate, pacedSeconds, warmupBlast, this.pacedWarmupSeconds, reps);
                    for (int rep = 0; rep < reps; rep++) {
                        for (int i = 0; i < pacedPaths.size(); i++) {
                            PathInfo path = pacedPaths.get((i + rep) % pacedPaths.size());
                            Result result = measure(path, url, warmupBlast, count, rate);
                            System.out.printf(
                                    "  rep %d %-48s p99 %8.1f us%n", rep + 1, result.name, result.p99 / 1000.0);
                            paced.computeIfAbsent(result.name, (k) -> new ArrayList<>())
                                    .add(result);
                        }
                    }
                    printPaced(mode, rate, paced);
                }
            }
        } finally {
            stopServer();
        }
    }

    /**
     * Measures one path in a JVM of its own (started with this JVM's options), so that no path runs with code that the
     * JIT compiled for another path's types and branch profiles, as in an application that uses one client. The child
     * connects, receives a warm-up blast of {@code warmupBlast} messages (so the JIT has compiled the hot paths; in paced
     * mode followed by {@code --paced-warmup-seconds} at the paced rate), then the measured run of {@code count} messages.
     */
    private Result measure(PathInfo path, URI url, long warmupBlast, long count, long rate) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of(
                "-cp",
                path.classpath(),
                LoadHarness.class.getName(),
                "--child",
                path.name(),
                "--url",
                url.toString(),
                "--project",
                this.projectId,
                "--latency",
                String.valueOf(rate > 0)));
        if (this.options.containsKey("thread-cpu")) {
            command.addAll(List.of("--thread-cpu", "x"));
        }
        Process child = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader childOut =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter childIn = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8);
            expect(childOut, "OPEN");
            awaitConnections(1);
            if (warmupBlast > 0) {
                runInChild(childIn, childOut, warmupBlast, 0, false);
            }
            if (rate > 0 && this.pacedWarmupSeconds > 0) {
                runInChild(childIn, childOut, rate * this.pacedWarmupSeconds, rate, false);
            }
            String[] result = runInChild(childIn, childOut, count, rate, true);
            childIn.println("quit");
            expect(childOut, "CLOSED");
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(path.label() + ": child JVM did not exit");
            }
            awaitConnections(0);
            Result r = new Result(
                    path.label(),
                    Double.parseDouble(result[1]),
                    Double.parseDouble(result[2]),
                    Double.parseDouble(result[3]));
            r.p50 = Long.parseLong(result[4]);
            r.p99 = Long.parseLong(result[5]);
            r.p999 = Long.parseLong(result[6]);
            return r;
        } finally {
            child.destroyForcibly();
        }
    }

    /** One run: the child arms its recorder, the server sends, the child answers {@code RESULT ...}. */
    private String[] runInChild(PrintWriter childIn, BufferedReader childOut, long count, long rate, boolean measured)
            throws Exception {
        childIn.println("arm " + count + (measured ? "" : " warm-up"));
        expect(childOut, "ARMED");
        command(rate > 0 ? "paced " + count + " " + rate : "blast " + count);
        String result = expect(childOut, "RESULT");
        String sent = this.serverOut.readLine();
        if (sent == null || !sent.startsWith("SENT")) {
            throw new IllegalStateException("Bench server said " + sent);
        }
        return result.split(" ");
    }

    /** Reads the child's lines up to the one starting with {@code prefix}, passing other lines through. */
    private static String expect(BufferedReader childOut, String prefix) throws Exception {
        String line;
        while ((line = childOut.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            System.out.println(line);
        }
        throw new IllegalStateException("Child JVM ended before " + prefix);
    }

    /**
     * The child JVM: opens one path, then for each {@code arm <count>} line on stdin measures one run and prints
     * {@code RESULT <msg/s> <CPU s per M msg> <alloc B/msg> <p50 ns> <p99 ns> <p99.9 ns>}; {@code quit} closes it.
     */
    private static void child(Map<String, String> options) throws Exception {
        String name = options.get("child");
        boolean latency = Boolean.parseBoolean(options.get("latency"));
        Supplier<ClientPath> factory = allPaths().stream()
                .filter((f) -> {
                    try (ClientPath p = f.get()) {
                        return p.name().equals(name);
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                })
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No path named " + name));
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Recorder recorder = new Recorder(latency);
        try (ClientPath path = factory.get()) {
            path.open(URI.create(options.get("url")), options.get("project"), recorder);
            out.println("OPEN");
            String line;
            while ((line = in.readLine()) != null && line.startsWith("arm ")) {
                String[] arm = line.split(" ");
                long count = Long.parseLong(arm[1]);
                boolean warmup = arm.length > 2;
                recorder.arm(count);
                System.gc();
                Map<Long, Long> threadCpu0 = options.containsKey("thread-cpu") && !warmup ? threadCpu() : null;
                long cpu0 = os.getProcessCpuTime();
                long alloc0 = threads.getTotalThreadAllocatedBytes();
                long t0 = System.nanoTime();
                out.println("ARMED");
                if (!recorder.done().await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException(name + " received " + recorder.received() + " of " + count);
                }
                long elapsed = System.nanoTime() - t0;
                long cpu = os.getProcessCpuTime() - cpu0;
                long alloc = threads.getTotalThreadAllocatedBytes() - alloc0;
                if (threadCpu0 != null) {
                    printThreadCpu(name, threadCpu0, count, cpu);
                }
                long p50 = 0;
                long p99 = 0;
                long p999 = 0;
                if (latency) {
                    long[] latencies = recorder.sortedLatencies(0.2);
                    p50 = percentile(latencies, 0.50);
                    p99 = percentile(latencies, 0.99);
                    p999 = percentile(latencies, 0.999);
                }
                out.printf(
                        Locale.ROOT,
                        "RESULT %f %f %f %d %d %d%n",
                        count * 1e9 / elapsed,
                        cpu / 1e9 / count * 1e6,
                        (double) alloc / count,
                        p50,
                        p99,
                        p999);
            }
        }
        out.println("CLOSED");
    }

    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new LinkedHashMap<>();
        for (long id : threads.getAllThreadIds()) {
            cpu.put(id, threads.getThreadCpuTime(id));
        }
        return cpu;
    }

    /** {@code --thread-cpu x}: where the process CPU of one run went, per thread (µs per message). */
    private static void printThreadCpu(String name, Map<Long, Long> before, long count, long processCpu) {
        Map<Long, Long> after = threadCpu();
        StringBuilder line = new StringBuilder();
        long accounted = 0;
        List<Map.Entry<Long, Long>> deltas = new ArrayList<>();
        after.forEach((id, cpu) -> deltas.add(Map.entry(id, cpu - before.getOrDefault(id, 0L))));
        deltas.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (Map.Entry<Long, Long> d : deltas) {
            accounted += d.getValue();
            if (d.getValue() * 100 >= processCpu && line.length() < 600) {
                var info = threads.getThreadInfo(d.getKey());
                line.append(String.format(
                        Locale.ROOT,
                        " %s=%.2f",
                        info == null ? d.getKey() : info.getThreadName(),
                        d.getValue() / 1e3 / count));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "    cpu µs/msg %s: process %.2f, Java threads %.2f:%s%n",
                name,
                processCpu / 1e3 / count,
                accounted / 1e3 / count,
                line);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double median(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static List<Result> baseline(Map<String, List<Result>> results) {
        return results.entrySet().stream()
                .filter((e) -> e.getKey().startsWith("baseline"))
                .findFirst()
                .orElseThrow()
                .getValue();
    }

    private static void printBlast(String mode, Map<String, List<Result>> results) {
        List<Result> baseline = baseline(results);
        double base = median(baseline.stream().map((r) -> r.rate).toList());
        double baseCpu = median(baseline.stream().map((r) -> r.cpuPerMillion).toList());
        System.out.printf(
                "%n| blast, %s frames | msg/s (median) | × baseline | spread (min–max msg/s) | CPU s / M msg | × baseline | cores busy | alloc B/msg |%n",
                mode);
        System.out.println("|---|---:|---:|---|---:|---:|---:|---:|");
        results.forEach((name, list) -> {
            double rate = median(list.stream().map((r) -> r.rate).toList());
            double cpu = median(list.stream().map((r) -> r.cpuPerMillion).toList());
            double alloc = median(list.stream().map((r) -> r.allocPerMessage).toList());
            double min = list.stream().mapToDouble((r) -> r.rate).min().orElse(0);
            double max = list.stream().mapToDouble((r) -> r.rate).max().orElse(0);
            // Cores busy: CPU seconds spent per second of the run, i.e. what the client takes from the application.
            double cores = rate * cpu / 1e6;
            System.out.printf(
                    "| %s | %,.0f | %.2f | %,.0f–%,.0f | %.2f | %.2f | %.2f | %,.0f |%n",
                    name, rate, rate / base, min, max, cpu, cpu / baseCpu, cores, alloc);
        });
    }

    private static void printPaced(String mode, long rate, Map<String, List<Result>> results) {
        List<Result> baseline = baseline(results);
        double baseP99 = median(baseline.stream().map((r) -> (double) r.p99).toList());
        double baseCpu = median(baseline.stream().map((r) -> r.cpuPerMillion).toList());
        System.out.printf(
                "%n| paced %,d msg/s, %s frames | p50 µs | p99 µs | × baseline p99 | p99.9 µs | spread p99 (min–max µs) | CPU s / M msg | × baseline CPU | cores busy | alloc B/msg |%n",
                rate, mode);
        System.out.println("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        results.forEach((name, list) -> {
            double p50 = median(list.stream().map((r) -> (double) r.p50).toList()) / 1000;
            double p99 = median(list.stream().map((r) -> (double) r.p99).toList());
            double p999 = median(list.stream().map((r) -> (double) r.p999).toList()) / 1000;
            double min = list.stream().mapToDouble((r) -> r.p99).min().orElse(0) / 1000;
            double max = list.stream().mapToDouble((r) -> r.p99).max().orElse(0) / 1000;
            double cpu = median(list.stream().map((r) -> r.cpuPerMillion).toList());
            double alloc = median(list.stream().map((r) -> r.allocPerMessage).toList());
            System.out.printf(
                    "| %s | %.1f | %.1f | %.2f | %.1f | %.1f–%.1f | %.2f | %.2f | %.2f | %,.0f |%n",
                    name, p50, p99 / 1000, p99 / baseP99, p999, min, max, cpu, cpu / baseCpu, rate * cpu / 1e6, alloc);
        });
    }

    private void awaitConnections(int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String answer = command("conns");
            if (answer.equals("CONNS " + expected)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Expected " + expected + " connections, server says " + answer);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private String command(String line) throws Exception {
        this.serverIn.println(line);
        this.serverIn.flush();
        if (line.startsWith("conns")) {
            return this.serverOut.readLine();
        }
        return "";
    }

    private void startServer() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.serverProcess = new ProcessBuilder(
                        java,
                        "-Xms512m",
                        "-Xmx1g",
                        "-XX:+AlwaysPreTouch",
                        "-cp",
                        System.getProperty("java.class.path"),
                        BenchServer.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        this.serverOut =
                new BufferedReader(new InputStreamReader(this.serverProcess.getInputStream(), StandardCharsets.UTF_8));
        this.serverIn = new PrintWriter(this.serverProcess.getOutputStream(), true, StandardCharsets.UTF_8);
        String ready = this.serverOut.readLine();
        if (ready == null || !ready.startsWith("READY ")) {
            throw new IllegalStateException("Bench server did not start: " + ready);
        }
        String[] parts = ready.split(" ");
        this.wsUrl = URI.create(parts[1]);
        this.projectId = parts[2];
    }

    private void stopServer() throws Exception {
        if (this.serverProcess != null) {
            this.serverIn.println("quit");
            if (!this.serverProcess.waitFor(10, TimeUnit.SECONDS)) {
                this.serverProcess.destroyForcibly();
            }
        }
    }

    private static final class Result {

        final String name;

        final double rate;

        final double cpuPerMillion;

        final double allocPerMessage;

        long p50;

        long p99;

        long p999;

        Result(String name, double rate, double cpuPerMillion, double allocPerMessage) {
            this.name = name;
            this.rate = rate;
            this.cpuPerMillion = cpuPerMillion;
            this.allocPerMessage = allocPerMessage;
        }
    }
}
