package io.leap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.server.redis.SharedRedis;
import io.leap.server.testing.FaultProxy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The standalone server with {@code --redis} and {@code --management-port}: the banner, {@code /health} and
 * {@code /metrics}, readiness following Redis, and a node process killed with SIGKILL whose presence expires on the
 * surviving node while its client reconnects there with its subscriptions intact.
 */
class StandaloneRedisNodeTests {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void optionsAndEnvironmentSelectRedisAndTheManagementPort() {
        String project = "project_cli_" + System.nanoTime();
        LeapServer fromArgs = LeapServerMain.configure(
                        new String[] {
                            "--port", "0", "--redis", SharedRedis.uri(), "--management-port=0", "--project-id", project
                        },
                        Map.of())
                .build()
                .start();
        resources.add(fromArgs);
        LeapServer fromEnv = LeapServerMain.configure(
                        new String[0],
                        Map.of("LEAP_PORT", "0", "LEAP_REDIS_URL", SharedRedis.uri(), "LEAP_PROJECT_ID", project))
                .build()
                .start();
        resources.add(fromEnv);
        assertThat(fromArgs.engineDescription()).startsWith("Redis " + SharedRedis.uri());
        assertThat(fromEnv.managementPort()).isEqualTo(-1);
        fromArgs.createChannel("shared", ChannelType.PUBLIC, null);
        assertThat(fromEnv.channelIds()).containsExactly("shared");

        String m = "http://127.0.0.1:" + fromArgs.managementPort();
        HttpResponse<String> health = get(m + "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"", "\"readiness\":\"UP\"");
        assertThat(get(m + "/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get(m + "/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get(m + "/nope").statusCode()).isEqualTo(404);

        String token = fromArgs.createToken(null);
        fromArgs.subscribeToken("shared", token);
        TestSocket socket = TestSocket.connect(fromArgs, null);
        resources.add(socket::close);
        socket.identify(project, token);
        fromEnv.publish("shared", "E", 1);
        assertThat(socket.nextDispatch().event()).isEqualTo("MESSAGE");
        String metrics = get(m + "/metrics").body();
        assertThat(metrics)
                .contains(
                        "leap_connections 1.0",
                        "leap_messages_in_total",
                        "leap_messages_out_total",
                        "leap_fanout_seconds_count",
                        "leap_redis_round_trips_total",
                        "leap_dropped_frames_total",
                        "leap_ready 1.0");
        assertThat(metric(metrics, "leap_messages_out_total")).isGreaterThanOrEqualTo(3);
        assertThat(metric(metrics, "leap_redis_round_trips_total")).isGreaterThan(0);
        // no credential ever shows on the management port
        assertThat(metrics).doesNotContain(token, fromArgs.projectToken());
        assertThat(health.body()).doesNotContain(token, fromArgs.projectToken());
    }

    private static double metric(String scrape, String name) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + " not in the scrape");
    }

    @Test
    void readinessFollowsRedis() {
        URI redis = URI.create(SharedRedis.uri());
        FaultProxy proxy = FaultProxy.start(new InetSocketAddress(redis.getHost(), redis.getPort()), 0);
        resources.add(proxy);
        LeapServer node = LeapServer.builder()
                .managementPort(0)
                .redis("redis://127.0.0.1:" + proxy.port())
                .build()
                .start();
        resources.add(node);
        String readiness = "http://127.0.0.1:" + node.managementPort() + "/health/readiness";
        assertThat(get(readiness).statusCode()).isEqualTo(200);
        proxy.refuseConnections(true);
        proxy.cut();
        await().atMost(Duration.ofSeconds(20)).until(() -> get(readiness).statusCode() == 503);
        assertThat(get(readiness).body()).contains("\"status\":\"DOWN\"");
        assertThat(get("http://127.0.0.1:" + node.managementPort() + "/health/liveness")
                        .statusCode())
                .isEqualTo(200);
        proxy.heal();
        proxy.refuseConnections(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(readiness).statusCode() == 200);
    }

    /** A node in its own JVM, started the way the standalone jar starts, and its banner. */
    private record Node(Process process, URI wsUrl, Map<String, String> banner) {}

    private Node startNode(String project) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.leap.server.LeapServerMain",
                        "--port",
                        "0",
                        "--redis",
                        SharedRedis.uri(),
                        "--project-id",
                        project,
                        "--project-token",
                        "ptk_standalone",
                        "--management-port",
                        "0")
                .redirectErrorStream(true)
                .start();
        processes.add(p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (Exception e) {
                        // the process ended
                    }
                },
                "leap-test-node-output");
        reader.setDaemon(true);
        reader.start();
        Map<String, String> banner = new java.util.LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            if (line.startsWith("Press Ctrl+C")) {
                URI ws = URI.create(banner.get("WebSocket URL").split("\\?")[0]);
                return new Node(p, ws, banner);
            }
            int colon = line.indexOf(" : ");
            if (line.startsWith("  ") && colon > 0) {
                banner.put(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 3).trim());
            }
        }
        throw new AssertionError("The node did not print its banner in time");
    }

    @Test
    void aNodeKilledWithSigkillStopsCountingAndItsClientMovesToAnotherNode() throws Exception {
        String project = "project_kill_" + System.nanoTime();
        Node child = startNode(project);
        assertThat(child.banner())
                .containsKeys(
                        "WebSocket URL",
                        "REST URL",
                        "Project ID",
                        "Project token",
                        "Leap token",
                        "Engine",
                        "Health",
                        "Metrics");
        assertThat(child.banner().get("Project ID")).isEqualTo(project);
        assertThat(child.banner().get("Engine")).startsWith("Redis " + SharedRedis.uri());
        LeapServer survivor = LeapServer.builder()
                .projectId(project)
                .projectToken("ptk_standalone")
                .redis(SharedRedis.uri())
                .build()
                .start();
        resources.add(survivor);
        survivor.createChannel("room", ChannelType.PUBLIC, Map.of("v", 1));
        String token = survivor.createToken(null);
        survivor.subscribeToken("room", token);

        TestSocket onChild = TestSocket.connect(URI.create(child.wsUrl() + "?encoding=json"));
        resources.add(onChild::close);
        onChild.identify(project, token);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> survivor.isOnline(token) && survivor.onlineCount("room") == 1);

        child.process().destroyForcibly(); // SIGKILL: no close frames, no presence cleanup
        assertThat(child.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(onChild.awaitClose().code()).isEqualTo(1006);
        // the dead node's heartbeat keys expire: it stops counting within the node TTL
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !survivor.isOnline(token) && survivor.onlineCount("room") == 0);

        // the client reconnects to the surviving node: subscriptions and state intact
        TestSocket moved = TestSocket.connect(survivor, null);
        resources.add(moved::close);
        var init = moved.identify(project, token).data();
        assertThat(init.path("channels").get(0).path("id").asString()).isEqualTo("room");
        assertThat(init.path("channels").get(0).path("state").path("v").asInt()).isEqualTo(1);
        survivor.publish("room", "E", 2);
        assertThat(moved.nextDispatch().data().path("d").asInt()).isEqualTo(2);
    }
}
