package io.leap.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fault-injecting TCP proxy for tests: put it between a client and a server and break the link on demand.
 *
 * <p>Every accepted connection is forwarded to the upstream address. While the proxy runs, a test can
 * <ul>
 * <li>{@link #cut()} every open link in both directions at once with a TCP reset (no close frame, no FIN);</li>
 * <li>{@link #blackHole()} the links: sockets stay open, but nothing is forwarded in either direction, as on a
 * dead route (the proxy stops reading, so TCP backpressure builds up; {@link #heal()} resumes the streams intact);</li>
 * <li>{@link #latency(Duration) add latency} to every chunk forwarded, in both directions;</li>
 * <li>{@link #throttle(long) throttle} the bandwidth of each direction of each link;</li>
 * <li>{@link #refuseConnections(boolean) refuse} new connections (accept and reset them at once);</li>
 * <li>{@link #heal()} everything back to plain pass-through.</li>
 * </ul>
 * Faults apply to links that are already open as well as to new ones. Threads are daemon threads named
 * {@code leap-fault-proxy-*}; {@link #close()} stops them all and resets every link.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(server.wsUrl())) {
 *     URI url = proxy.rewrite(server.wsUrl());   // same path and query, proxy's port
 *     ... connect a client to url ...
 *     proxy.blackHole();                         // the client must detect the dead link
 *     proxy.heal();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);

    private static final int CHUNK = 16 * 1024;

    private static final AtomicInteger instances = new AtomicInteger();

    private final InetSocketAddress upstream;

    private final ServerSocket serverSocket;

    private final String name;

    private final Set<Link> links = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean closed = new AtomicBoolean();

    private final AtomicInteger accepted = new AtomicInteger();

    private final AtomicLong bytesForwarded = new AtomicLong();

    private volatile boolean blackHoled;

    private volatile boolean refusing;

    private volatile long latencyNanos;

    private volatile long bytesPerSecond;

    private FaultProxy(InetSocketAddress upstream, InetAddress bindAddress, int port) throws IOException {
        this.upstream = upstream;
        this.name = "leap-fault-proxy-" + instances.incrementAndGet();
        this.serverSocket = new ServerSocket();
        this.serverSocket.setReuseAddress(true);
        this.serverSocket.bind(new InetSocketAddress(bindAddress, port), 512);
        Thread acceptor = new Thread(this::acceptLoop, this.name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a proxy on an ephemeral loopback port forwarding to the host and port of the given URL.
     * @param upstreamUrl a {@code ws}, {@code wss}, {@code http} or {@code https} URL
     * @return the running proxy
     */
    public static FaultProxy start(URI upstreamUrl) {
        Objects.requireNonNull(upstreamUrl, "upstreamUrl");
        int port = upstreamUrl.getPort();
        if (port < 0) {
            String scheme = upstreamUrl.getScheme();
            port = ("wss".equals(scheme) || "https".equals(scheme)) ? 443 : 80;
        }
        return start(new InetSocketAddress(upstreamUrl.getHost(), port), 0);
    }

    /**
     * Starts a proxy on the given loopback port (0 = ephemeral) forwarding to {@code upstream}.
     * @param upstream the address to forward to
     * @param port the local port to listen on, 0 for an ephemeral one
     * @return the running proxy
     */
    public static FaultProxy start(InetSocketAddress upstream, int port) {
        Objects.requireNonNull(upstream, "upstream");
        try {
            return new FaultProxy(upstream, InetAddress.getLoopbackAddress(), port);
        } catch (IOException ex) {
            throw new UncheckedIOException("Could not start the fault proxy on port " + port, ex);
        }
    }

    /** @return the local port the proxy listens on */
    public int port() {
        return this.serverSocket.getLocalPort();
    }

    /**
     * Returns {@code url} with its host and port replaced by the proxy's, keeping scheme, path and query.
     * @param url a URL of the upstream server
     * @return the same URL through the proxy
     */
    public URI rewrite(URI url) {
        String host = this.serverSocket.getInetAddress().getHostAddress();
        return URI.create(
                url.getScheme() + "://" + host + ":" + port() + (url.getRawPath() == null ? "" : url.getRawPath())
                        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    /** Cuts every open link in both directions at once with a TCP reset. New connections are still accepted. */
    public void cut() {
        for (Link link : this.links) {
            link.reset();
        }
    }

    /** Keeps every link open but forwards nothing in either direction until {@link #heal()}. */
    public void blackHole() {
        this.blackHoled = true;
    }

    /**
     * Delays every chunk forwarded, in both directions, by {@code latency}.
     * @param latency the one-way delay to add; zero for none
     */
    public void latency(Duration latency) {
        this.latencyNanos = latency.toNanos();
    }

    /**
     * Limits the bandwidth of each direction of each link.
     * @param bytesPerSecond the limit, or 0 for none
     */
    public void throttle(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be >= 0");
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    /**
     * Whether new connections are accepted and reset at once, as by a host with nothing listening.
     * @param refuse {@code true} to refuse new connections
     */
    public void refuseConnections(boolean refuse) {
        this.refusing = refuse;
    }

    /** Removes every fault: plain pass-through for open and new links. Links already cut stay cut. */
    public void heal() {
        this.blackHoled = false;
        this.refusing = false;
        this.latencyNanos = 0;
        this.bytesPerSecond = 0;
    }

    /** @return the number of connections accepted so far, refused ones included */
    public int acceptedConnections() {
        return this.accepted.get();
    }

    /** @return the number of links currently open */
    public int openLinks() {
        return this.links.size();
    }

    /** @return the number of bytes forwarded so far, both directions together */
    public long bytesForwarded() {
        return this.bytesForwarded.get();
    }

    /** Stops accepting, resets every link and stops every thread of the proxy. Idempotent. */
    @Override
    public void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        try {
            this.serverSocket.close();
        } catch (IOException ex) {
            log.debug("Error closing the proxy's server socket", ex);
        }
        cut();
    }

    @Override
    public String toString() {
        return this.name + "[:" + port() + " -> " + this.upstream.getHostString() + ":" + this.upstream.getPort() + "]";
    }

    private void acceptLoop() {
        while (!this.closed.get()) {
            Socket downstream;
            try {
                downstream = this.serverSocket.accept();
            } catch (IOException ex) {
                if (!this.closed.get()) {
                    log.warn("Fault proxy stopped accepting: {}", ex.toString());
                }
                return;
            }
            this.accepted.incrementAndGet();
            if (this.refusing) {
                resetQuietly(downstream);
                continue;
            }
            Socket upstreamSocket = new Socket();
            try {
                upstreamSocket.setTcpNoDelay(true);
                downstream.setTcpNoDelay(true);
                upstreamSocket.connect(this.upstream, 5_000);
            } catch (IOException ex) {
                log.debug("Fault proxy could not reach {}: {}", this.upstream, ex.toString());
                resetQuietly(downstream);
                resetQuietly(upstreamSocket);
                continue;
            }
            Link link = new Link(downstream, upstreamSocket);
            this.links.add(link);
            if (this.closed.get()) {
                link.reset();
                return;
            }
            link.start();
        }
    }

    private static void resetQuietly(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException ex) {
            // already gone
        }
        try {
            socket.close();
        } catch (IOException ex) {
            // already gone
        }
    }

    /** One proxied connection: two directions, each with a reader and a writer thread. */
    private final class Link {

        private final Socket downstream;

        private final Socket upstreamSocket;

        private final AtomicBoolean done = new AtomicBoolean();

        private final int id = FaultProxy.this.accepted.get();

        Link(Socket downstream, Socket upstreamSocket) {
            this.downstream = downstream;
            this.upstreamSocket = upstreamSocket;
        }

        void start() {
            new Direction(this, this.downstream, this.upstreamSocket, "up").start();
            new Direction(this, this.upstreamSocket, this.downstream, "down").start();
        }

        void reset() {
            if (this.done.compareAndSet(false, true)) {
                resetQuietly(this.downstream);
                resetQuietly(this.upstreamSocket);
                FaultProxy.this.links.remove(this);
            }
        }

        /** A peer closed its side normally: close both sides normally. */
        void finish() {
            if (this.done.compareAndSet(false, true)) {
                closeQuietly(this.downstream);
                closeQuietly(this.upstreamSocket);
                FaultProxy.this.links.remove(this);
            }
        }

        private void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ex) {
                // already gone
            }
        }
    }

    /** One direction of a link: a reader thread queues chunks, a writer thread forwards them when due. */
    private final class Direction {

        private static final byte[] EOF = new byte[0];

        private final Link link;

        private final Socket from;

        private final Socket to;

        private final String label;

        private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>(1024);

        private long nextSendNanos = System.nanoTime();

        Direction(Link link, Socket from, Socket to, String label) {
            this.link = link;
            this.from = from;
            this.to = to;
            this.label = label;
        }

        void start() {
            String prefix = FaultProxy.this.name + "-" + this.link.id + "-" + this.label;
            Thread reader = new Thread(this::readLoop, prefix + "-read");
            reader.setDaemon(true);
            Thread writer = new Thread(this::writeLoop, prefix + "-write");
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        private void readLoop() {
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = this.from.getInputStream()) {
                while (!this.link.done.get()) {
                    waitWhileBlackHoled();
                    int n = in.read(buffer);
                    if (n < 0) {
                        put(new Chunk(EOF, System.nanoTime()));
                        return;
                    }
                    put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + FaultProxy.this.latencyNanos));
                }
            } catch (IOException ex) {
                this.link.reset();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                this.link.reset();
            }
        }

        private void put(Chunk chunk) throws InterruptedException {
            while (!this.link.done.get()) {
                if (this.queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        }

        private void writeLoop() {
            try (OutputStream out = this.to.getOutputStream()) {
                while (!this.link.done.get()) {
                    Chunk chunk = this.queue.poll(100, TimeUnit.MILLISECONDS);
                    if (chunk == null) {
                        continue;
                    }
                    waitWhileBlackHoled();
                    if (chunk.data == EOF) {
                        this.link.finish();
                        return;
                    }
                    waitUntil(chunk.dueNanos);
                    FaultProxy.this.bytesForwarded.addAndGet(chunk.data.length);
                    long rate = FaultProxy.this.bytesPerSecond;
                    if (rate > 0) {
                        writeThrottled(out, chunk.data, rate);
                    } else {
                        out.write(chunk.data);
                        out.flush();
                    }
                }
            } catch (IOException ex) {
                this.link.reset();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                this.link.reset();
            }
        }

        private void writeThrottled(OutputStream out, byte[] data, long rate) throws IOException {
            // Slices of 1/20 s worth of bytes, each sent no earlier than the budget of the previous ones allows.
            int slice = (int) Math.max(1, Math.min(data.length, rate / 20));
            for (int offset = 0; offset < data.length && !this.link.done.get(); offset += slice) {
                int length = Math.min(slice, data.length - offset);
                long now = System.nanoTime();
                if (this.nextSendNanos - now > 0) {
                    waitUntil(this.nextSendNanos);
                } else {
                    this.nextSendNanos = now;
                }
                out.write(data, offset, length);
                out.flush();
                this.nextSendNanos += length * 1_000_000_000L / rate;
            }
        }

        private void waitWhileBlackHoled() {
            while (FaultProxy.this.blackHoled && !this.link.done.get()) {
                LockSupport.parkNanos(10_000_000L);
            }
        }

        private void waitUntil(long dueNanos) {
            long remaining;
            while ((remaining = dueNanos - System.nanoTime()) > 0 && !this.link.done.get()) {
                LockSupport.parkNanos(Math.min(remaining, 50_000_000L));
            }
        }
    }

    private record Chunk(byte[] data, long dueNanos) {}
}
