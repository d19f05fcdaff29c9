package io.leap.spring.transport;

import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * One Spring {@link WebSocketSession} seen as a Leap {@link WebSocketConnection}.
 */
final class SpringWebSocketConnection implements WebSocketConnection {

    private static final Log logger = LogFactory.getLog(SpringWebSocketConnection.class);

    private final WebSocketHandler handler;

    private final ExecutorService sender;

    private final AtomicBoolean ended = new AtomicBoolean();

    private final AtomicBoolean closeRequested = new AtomicBoolean();

    private final CompletableFuture<Void> closeFrameSent = new CompletableFuture<>();

    private volatile WebSocketSession session;

    private volatile boolean aborted;

    SpringWebSocketConnection(WebSocketHandler handler, String threadName) {
        this.handler = handler;
        ThreadPoolExecutor executor =
                new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), (runnable) -> {
                    Thread thread = new Thread(runnable, threadName);
                    thread.setDaemon(true);
                    return thread;
                });
        this.sender = executor;
    }

    org.springframework.web.socket.WebSocketHandler springHandler() {
        return new Adapter();
    }

    @Override
    public CompletableFuture<Void> sendText(String text) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            this.sender.execute(() -> {
                try {
                    WebSocketSession current = this.session;
                    if (current == null || !current.isOpen()) {
                        throw new IOException("WebSocket is not open");
                    }
                    current.sendMessage(new TextMessage(text));
                    result.complete(null);
                } catch (Throwable ex) {
                    result.completeExceptionally(ex);
                }
            });
        } catch (RuntimeException ex) {
            result.completeExceptionally(new IOException("WebSocket is closed", ex));
        }
        return result;
    }

    @Override
    public CompletableFuture<Void> close(int statusCode, String reason) {
        if (this.closeRequested.compareAndSet(false, true)) {
            try {
                this.sender.execute(() -> {
                    try {
                        WebSocketSession current = this.session;
                        if (current != null && current.isOpen()) {
                            current.close(new CloseStatus(statusCode, reason));
                        }
                        this.closeFrameSent.complete(null);
                    } catch (Throwable ex) {
                        this.closeFrameSent.completeExceptionally(ex);
                    }
                });
            } catch (RuntimeException ex) {
                this.closeFrameSent.complete(null);
            }
        }
        return this.closeFrameSent;
    }

    @Override
    public void abort() {
        // Spring's WebSocketSession has no way to drop the TCP connection without a close frame; close with 1001
        // (going away) without waiting, and stop reporting anything to the handler.
        this.aborted = true;
        close(CloseStatus.GOING_AWAY.getCode(), "");
        shutdownSender();
    }

    void shutdownSender() {

        this.sender.shutdown();
    }

    private void end(Runnable notification) {
        if (this.ended.compareAndSet(false, true)) {
            shutdownSender();
            if (!this.aborted) {
                try {
                    notification.run();
                } catch (RuntimeException ex) {
                    logger.warn("Leap WebSocket handler failed on connection end", ex);
                }
            }
        }
    }

    private static void await(CompletionStage<?> stage) {
        if (stage == null) {
            return;
        }
        try {
            stage.toCompletableFuture().join();
        } catch (RuntimeException ex) {
            // The client decides what a failed stage means; reading goes on.
        }
    }

    private final class Adapter extends AbstractWebSocketHandler {

        @Override
        public void afterConnectionEstablished(WebSocketSession session) {
            SpringWebSocketConnection.this.session = session;
            // Before any frame and before the connect future completes, as the transport contract requires.
            SpringWebSocketConnection.this.handler.onOpen(SpringWebSocketConnection.this);
        }

        @Override
        public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
            if (SpringWebSocketConnection.this.ended.get() || SpringWebSocketConnection.this.aborted) {
                return;
            }
            super.handleMessage(session, message);
        }

        @Override
        protected void handleTextMessage(WebSocketSession session, TextMessage message) {
            await(SpringWebSocketConnection.this.handler.onText(message.getPayload(), message.isLast()));
        }

        @Override
        protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
            ByteBuffer payload = message.getPayload();
            await(SpringWebSocketConnection.this.handler.onBinary(payload, message.isLast()));
        }

        @Override
        public void handleTransportError(WebSocketSession session, Throwable exception) {
            end(() -> SpringWebSocketConnection.this.handler.onError(exception));
        }

        @Override
        public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
            SpringWebSocketConnection.this.closeFrameSent.complete(null);
            end(() -> SpringWebSocketConnection.this.handler.onClose(
                    status.getCode(), (status.getReason() != null) ? status.getReason() : ""));
        }

        @Override
        public boolean supportsPartialMessages() {
            return true;
        }
    }
}
