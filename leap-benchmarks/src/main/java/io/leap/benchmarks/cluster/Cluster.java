package io.leap.benchmarks.cluster;

import io.leap.client.rest.LeapApi;
import io.leap.client.rest.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Leap service made of child processes: optionally a {@link RedisProcess}, and {@code n} {@link NodeProcess nodes}
 * of the shaded {@code leap-server.jar} sharing it (or one in-memory node without Redis), all with the same project ID
 * and project token.
 */
final class Cluster implements AutoCloseable {

    /** JVM options of every node. */
    static final List<String> NODE_JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseG1GC");

    final String projectId = "project_cluster_bench";

    final String projectToken = "ptk_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

    final RedisProcess redis;

    final List<NodeProcess> nodes = new ArrayList<>();

    private Cluster(RedisProcess redis) {
        this.redis = redis;
    }

    /**
     * Starts the processes and waits until every node is ready.
     *
     * @param nodes how many nodes
     * @param withRedis Redis engine (a fresh redis-server) or the in-memory engine (then {@code nodes} must be 1)
     */
    static Cluster start(Path jar, Path logDir, int nodes, boolean withRedis) throws IOException, InterruptedException {
        return start(jar, logDir, nodes, withRedis, List.of());
    }

    /**
     * Starts the processes and waits until every node is ready.
     *
     * @param nodes how many nodes
     * @param withRedis Redis engine (a fresh redis-server) or the in-memory engine (then {@code nodes} must be 1)
     * @param nodeArgs further options of every node
     */
    static Cluster start(Path jar, Path logDir, int nodes, boolean withRedis, List<String> nodeArgs)
            throws IOException, InterruptedException {
        if (!withRedis && nodes != 1) {
            throw new IllegalArgumentException("in-memory nodes do not share anything: use one");
        }
        Cluster cluster = new Cluster(withRedis ? RedisProcess.start() : null);
        try {
            for (int i = 0; i < nodes; i++) {
                cluster.nodes.add(new NodeProcess(
                        String.valueOf((char) ('A' + i)),
                        jar,
                        NODE_JVM_OPTIONS,
                        withRedis ? cluster.redis.url() : null,
                        nodeArgs,
                        cluster.projectId,
                        cluster.projectToken,
                        logDir));
            }
            for (NodeProcess node : cluster.nodes) {
                node.start();
            }
            for (NodeProcess node : cluster.nodes) {
                if (!node.awaitReady(Duration.ofSeconds(30))) {
                    throw new IOException(node + " is not ready");
                }
            }
        } catch (IOException | RuntimeException ex) {
            cluster.close();
            throw ex;
        }
        return cluster;
    }

    /** @return a REST client of the given node, with the default retry policy */
    LeapApi api(NodeProcess node) {
        return api(node, RetryPolicy.defaults());
    }

    /** @return a REST client of the given node */
    LeapApi api(NodeProcess node, RetryPolicy retryPolicy) {
        return LeapApi.builder(this.projectToken)
                .projectId(this.projectId)
                .baseUrl(node.apiUrl())
                .retryPolicy(retryPolicy)
                .requestTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** @return a short description, e.g. {@code 3 nodes, Redis} */
    String description() {
        return this.nodes.size()
                + (this.nodes.size() == 1 ? " node" : " nodes")
                + (this.redis != null ? ", Redis" : ", in-memory");
    }

    @Override
    public void close() throws InterruptedException {
        for (NodeProcess node : this.nodes) {
            node.close();
        }
        if (this.redis != null) {
            this.redis.close();
        }
    }

    /** Finds {@code leap-server/target/leap-server.jar} from the project root or from a module directory. */
    static Path locateJar(String option) throws IOException {
        List<Path> candidates = option != null
                ? List.of(Path.of(option))
                : List.of(
                        Path.of("leap-server/target/leap-server.jar"),
                        Path.of("../leap-server/target/leap-server.jar"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IOException(
                "leap-server.jar not found at " + candidates
                        + "; build it with ./mvnw -B -q -pl leap-server,leap-benchmarks -am package -DskipTests, or pass --jar");
    }
}
