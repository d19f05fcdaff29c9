package io.leap.benchmarks.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal TCP load balancer, as HAProxy in {@code mode tcp} with {@code balance roundrobin} would be: each accepted
 * connection goes to the next backend that accepts a connection (a refused backend is skipped), and bytes are copied
 * both ways until either side closes; then both sockets are closed, so a client of a killed node sees its link end and
 * reconnects, through the balancer, to another node. Two daemon threads per link; meant for a few dozen links.
 */
final class RoundRobinBalancer implements AutoCloseable {

    private final ServerSocket server;

    private final List<Integer> backendPorts;

    private final AtomicInteger next = new AtomicInteger();

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private final AtomicInteger accepted = new AtomicInteger();

    private final Map<Integer, AtomicInteger> openLinks = new ConcurrentHashMap<>();

    RoundRobinBalancer(List<Integer> backendPorts) throws IOException {
        this.backendPorts = List.copyOf(backendPorts);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "balancer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return this.server.getLocalPort();
    }

    /** @return connections accepted so far */
    int accepted() {
        return this.accepted.get();
    }

    /** @return the links open now to the backend on the given port */
    int openLinks(int backendPort) {
        AtomicInteger links = this.openLinks.get(backendPort);
        return links == null ? 0 : links.get();
    }

    private void acceptLoop() {
        while (!this.server.isClosed()) {
            Socket client;
            try {
                client = this.server.accept();
            } catch (IOException ex) {
                return;
            }
            this.accepted.incrementAndGet();
            Thread connector = new Thread(() -> link(client), "balancer-link");
            connector.setDaemon(true);
            connector.start();
        }
    }

    private void link(Socket client) {
        Socket backend = null;
        int backendPort = -1;
        int start = this.next.getAndIncrement();
        for (int i = 0; i < this.backendPorts.size() && backend == null; i++) {
            int port = this.backendPorts.get(Math.floorMod(start + i, this.backendPorts.size()));
            Socket candidate = new Socket();
            try {
                candidate.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                candidate.setTcpNoDelay(true);
                backend = candidate;
                backendPort = port;
            } catch (IOException ex) {
                closeQuietly(candidate);
            }
        }
        if (backend == null) {
            closeQuietly(client);
            return;
        }
        try {
            client.setTcpNoDelay(true);
        } catch (IOException ex) {
            // Not fatal.
        }
        this.sockets.add(client);
        this.sockets.add(backend);
        Socket upstream = backend;
        Thread back = new Thread(() -> pump(upstream, client), "balancer-pump");
        back.setDaemon(true);
        back.start();
        AtomicInteger links = this.openLinks.computeIfAbsent(backendPort, (port) -> new AtomicInteger());
        links.incrementAndGet();
        try {
            pump(client, upstream);
        } finally {
            links.decrementAndGet();
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException ex) {
            // Either side is gone: close both below.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        this.sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ex) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        this.server.close();
        for (Socket socket : List.copyOf(this.sockets)) {
            closeQuietly(socket);
        }
    }
}
