package io.leap.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP proxy for tests, on real sockets: it tunnels {@code CONNECT host:port} requests (what clients send
 * for {@code https://}, {@code wss://} and, with the JDK client, {@code ws://}) and forwards plain requests in
 * absolute form ({@code GET http://host/path}, one request per connection), as corporate HTTP proxies do. It records
 * every target so a test can prove that traffic went through it.
 *
 * <pre>{@code
 * try (ConnectProxy proxy = ConnectProxy.start()) {
 *     ... configure the client with proxy.address() as its HTTP proxy ...
 *     assertThat(proxy.targets()).contains("127.0.0.1:" + server.port());
 * }
 * }</pre>
 *
 * Threads are daemon threads named {@code leap-connect-proxy-*}; {@link #close()} closes every open link.
 */
public final class ConnectProxy implements AutoCloseable {

    private static final AtomicInteger instances = new AtomicInteger();

    private static final int MAX_HEAD = 16 * 1024;

    private final ServerSocket serverSocket;

    private final String name;

    private final List<String> targets = new CopyOnWriteArrayList<>();

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean closed = new AtomicBoolean();

    private final AtomicInteger threads = new AtomicInteger();

    private ConnectProxy() throws IOException {
        this.name = "leap-connect-proxy-" + instances.incrementAndGet();
        this.serverSocket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        start(this::acceptLoop);
    }

    /**
     * Starts a proxy on an ephemeral loopback port.
     * @return the running proxy
     */
    public static ConnectProxy start() {
        try {
            return new ConnectProxy();
        } catch (IOException ex) {
            throw new UncheckedIOException("Could not start the proxy", ex);
        }
    }

    /** @return the address clients should use as their HTTP proxy */
    public InetSocketAddress address() {
        return new InetSocketAddress(this.serverSocket.getInetAddress(), this.serverSocket.getLocalPort());
    }

    /** @return the local port the proxy listens on */
    public int port() {
        return this.serverSocket.getLocalPort();
    }

    /**
     * Returns the {@code host:port} of every tunnel or forwarded request, in order, as the client asked for it.
     * @return the targets so far
     */
    public List<String> targets() {
        return List.copyOf(this.targets);
    }

    private void acceptLoop() {
        while (!this.closed.get()) {
            Socket client;
            try {
                client = this.serverSocket.accept();
            } catch (IOException ex) {
                return;
            }
            this.sockets.add(client);
            start(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            int lineEnd = head.indexOf("\r\n");
            String[] requestLine = head.substring(0, lineEnd).split(" ");
            if (requestLine.length != 3) {
                reply(out, "400 Bad Request");
                return;
            }
            String method = requestLine[0];
            if (method.equals("CONNECT")) {
                String target = requestLine[1];
                int colon = target.lastIndexOf(':');
                if (colon < 0) {
                    reply(out, "400 Bad Request");
                    return;
                }
                this.targets.add(target);
                upstream = connect(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
                if (upstream == null) {
                    reply(out, "502 Bad Gateway");
                    return;
                }
                reply(out, "200 Connection Established");
            } else {
                URI uri = URI.create(requestLine[1]);
                if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    reply(out, "400 Bad Request");
                    return;
                }
                int port = (uri.getPort() > 0) ? uri.getPort() : 80;
                this.targets.add(uri.getHost() + ":" + port);
                upstream = connect(uri.getHost(), port);
                if (upstream == null) {
                    reply(out, "502 Bad Gateway");
                    return;
                }
                String originForm =
                        ((uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath())
                                + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
                StringBuilder forwarded = new StringBuilder(method)
                        .append(' ')
                        .append(originForm)
                        .append(' ')
                        .append(requestLine[2])
                        .append("\r\n");
                for (String header : head.substring(lineEnd + 2).split("\r\n")) {
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (!header.isEmpty() && !lower.startsWith("proxy-") && !lower.startsWith("connection:")) {
                        forwarded.append(header).append("\r\n");
                    }
                }
                // One request per link: the proxy does not parse responses, so the next request needs a new link.
                forwarded.append("Connection: close\r\n\r\n");
                upstream.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                upstream.getOutputStream().flush();
            }
            Socket up = upstream;
            AtomicInteger ended = new AtomicInteger();
            start(() -> pipe(up, client, ended));
            pipe(client, up, ended);
            upstream = null; // closed by the pipes
        } catch (IOException | RuntimeException ex) {
            // the client or the test went away
        } finally {
            if (upstream != null) {
                closeQuietly(upstream);
                closeQuietly(client);
            }
        }
    }

    private Socket connect(String host, int port) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), 5000);
            this.sockets.add(socket);
            return socket;
        } catch (IOException ex) {
            closeQuietly(socket);
            return null;
        }
    }

    /** Copies {@code from} to {@code to} until end of stream, then half-closes; closes both once both halves end. */
    private void pipe(Socket from, Socket to, AtomicInteger ended) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ex) {
            closeQuietly(from);
            closeQuietly(to);
            return;
        }
        if (ended.incrementAndGet() == 2) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void reply(OutputStream out, String status) throws IOException {
        String body = status.startsWith("200") ? "" : "Content-Length: 0\r\nConnection: close\r\n";
        out.write(("HTTP/1.1 " + status + "\r\n" + body + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.size() > MAX_HEAD) {
                return null;
            }
            state = (b == '\r' && (state == 0 || state == 2))
                    ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private void start(Runnable task) {
        Thread thread = new Thread(task, this.name + "-" + this.threads.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    private void closeQuietly(Socket socket) {
        this.sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ex) {
            // nothing to do
        }
    }

    /** Stops accepting and closes every open link. */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            try {
                this.serverSocket.close();
            } catch (IOException ex) {
                // nothing to do
            }
            for (Socket socket : this.sockets) {
                closeQuietly(socket);
            }
        }
    }

    @Override
    public String toString() {
        return "ConnectProxy[port=" + port() + ", targets=" + this.targets.size() + "]";
    }
}
