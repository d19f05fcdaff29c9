package io.leap.client.internal;

import io.leap.client.Channel;
import io.leap.client.ChannelEvent;
import io.leap.client.ChannelType;
import io.leap.client.InitInfo;
import io.leap.client.LeapMessage;
import io.leap.client.internal.codec.DecodeException;
import io.leap.client.internal.codec.Envelope;
import io.leap.client.internal.codec.Frames;
import io.leap.client.internal.codec.RawJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.NullNode;

/**
 * Turns decoded envelopes into protocol actions, {@link LeapMessage}s and typed {@link ChannelEvent}s: routes by
 * opcode, answers server heartbeats, hands the handshake and subscription answers to the {@link Session}, and offers
 * messages and events to the listeners. Runs on the reading thread; never runs user code.
 */
final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(io.leap.client.LeapClient.class);

    /** The protocol events the client itself acts on. */
    interface Session {
        /** Hello with its {@code heartbeat_interval} (ms; may be absent or non-positive). */
        void onHello(Connection conn, long heartbeatIntervalMillis);

        /** INIT: the connection is authenticated. */
        void onInit(Connection conn, InitInfo info);

        /** @return whether listeners get the event (it is not the answer to this client's own request) */
        boolean onAvailable(Connection conn, String channelId, Channel channel);

        /** @return whether listeners get the event */
        boolean onUnavailable(Connection conn, String channelId, String errorCode);

        /** The token's state changed. */
        void onTokenState(Connection conn, JsonNode state);
    }

    private final int clientId;
    private final ObjectMapper mapper;
    private final Frames frames;
    private final ListenerRegistry listeners;
    private final ClientMetrics metrics;
    private final Session session;

    Dispatcher(
            int clientId,
            ObjectMapper mapper,
            Frames frames,
            ListenerRegistry listeners,
            ClientMetrics metrics,
            Session session) {
        this.clientId = clientId;
        this.mapper = mapper;
        this.frames = frames;
        this.listeners = listeners;
        this.metrics = metrics;
        this.session = session;
    }

    /**
     * Handles one payload.
     *
     * @return {@code null}, or a stage the reading must wait for (a full {@code BLOCK} listener)
     */
    CompletionStage<?> handle(Connection conn, Envelope env) {
        metrics.framesReceived.increment();
        switch (env.op) {
            case Protocol.OP_DISPATCH:
                return onDispatch(conn, env);
            case Protocol.OP_HELLO:
                if (conn.helloReceived) {
                    log.atDebug().addKeyValue("client", clientId).log("Second Hello ignored (client {})", clientId);
                } else {
                    conn.helloReceived = true;
                    session.onHello(conn, env.heartbeatInterval);
                }
                return null;
            case Protocol.OP_HEARTBEAT:
                if (env.tag != null) {
                    conn.send(frames.heartbeatReply(env.tag));
                } else {
                    log.atDebug()
                            .addKeyValue("client", clientId)
                            .log("Server heartbeat without tag ignored (client {})", clientId);
                }
                return null;
            case Protocol.OP_HEARTBEAT_ACK:
                java.time.Duration rtt = conn.monitor.onAck();
                if (rtt != null) {
                    metrics.onHeartbeatAck(rtt);
                }
                return null;
            default:
                log.atDebug()
                        .addKeyValue("client", clientId)
                        .addKeyValue("op", env.op)
                        .log("Payload with unknown or missing op {} ignored (client {})", env.op, clientId);
                return null;
        }
    }

    private CompletionStage<?> onDispatch(Connection conn, Envelope env) {
        String event = env.event;
        metrics.onDispatch(event);
        if (event == null) {
            log.atDebug()
                    .addKeyValue("client", clientId)
                    .log("Dispatch without event name ignored (client {})", clientId);
            return null;
        }
        switch (event) {
            case Protocol.MESSAGE, Protocol.DIRECT_MESSAGE -> {
                if (!env.messageParsed) {
                    log.atDebug()
                            .addKeyValue("client", clientId)
                            .addKeyValue("event", event)
                            .log(
                                    "{} whose data is not an object delivered as UnknownEvent (client {})",
                                    event,
                                    clientId);
                    return event(conn, new ChannelEvent.UnknownEvent(env.channel, event, tree(env.data), env.unicast));
                }
                metrics.messages.increment();
                if (listeners.noMessageListeners()) {
                    return null;
                }
                LeapMessage m = new DefaultLeapMessage(
                        mapper,
                        env.channel,
                        env.messageEvent,
                        env.unicast,
                        Protocol.DIRECT_MESSAGE.equals(event),
                        conn.cid,
                        env.messageData);
                return paused(conn, ListenerRegistry.offerAll(listeners.messageSinks, m));
            }
            case Protocol.INIT -> {
                session.onInit(conn, init(tree(env.data)));
                return null;
            }
            case Protocol.AVAILABLE -> {
                JsonNode d = tree(env.data);
                Channel ch = channel(d.get("channel"), env.channel);
                String id = env.channel != null ? env.channel : ch != null ? ch.id() : null;
                if (id == null) {
                    log.atDebug()
                            .addKeyValue("client", clientId)
                            .log("AVAILABLE without channel ignored (client {})", clientId);
                    return null;
                }
                if (ch == null) {
                    ch = new Channel(id, null, ChannelType.UNKNOWN, NullNode.getInstance(), 0);
                }
                return session.onAvailable(conn, id, ch)
                        ? event(conn, new ChannelEvent.ChannelAvailable(id, ch, env.unicast))
                        : null;
            }
            case Protocol.UNAVAILABLE -> {
                String id = env.channel;
                if (id == null) {
                    log.atDebug()
                            .addKeyValue("client", clientId)
                            .log("UNAVAILABLE without channel ignored (client {})", clientId);
                    return null;
                }
                JsonNode d = tree(env.data);
                boolean graceful = d.path("graceful").asBoolean(false);
                String errorCode = text(d, "error_code");
                return session.onUnavailable(conn, id, errorCode)
                        ? event(conn, new ChannelEvent.ChannelUnavailable(id, graceful, errorCode, env.unicast))
                        : null;
            }
            case Protocol.STATE_UPDATE -> {
                return event(
                        conn,
                        new ChannelEvent.StateUpdate(
                                env.channel, nullToNode(tree(env.data).get("state")), env.unicast));
            }
            case Protocol.TOKEN_STATE_UPDATE -> {
                JsonNode state = nullToNode(tree(env.data).get("state"));
                session.onTokenState(conn, state);
                return event(conn, new ChannelEvent.TokenStateUpdate(env.channel, state, env.unicast));
            }
            case Protocol.PIPE_ROOM_AVAILABLE -> {
                return event(conn, new ChannelEvent.PipeRoomAvailable(env.channel, tree(env.data), env.unicast));
            }
            case Protocol.PIPE_ROOM_UPDATE -> {
                return event(conn, new ChannelEvent.PipeRoomUpdate(env.channel, tree(env.data), env.unicast));
            }
            case Protocol.PIPE_ROOM_UNAVAILABLE -> {
                JsonNode d = tree(env.data);
                return event(
                        conn,
                        new ChannelEvent.PipeRoomUnavailable(
                                env.channel,
                                text(d, "join_token"),
                                d.path("graceful").asBoolean(false),
                                text(d, "error_code"),
                                d,
                                env.unicast));
            }
            default -> {
                log.atDebug()
                        .addKeyValue("client", clientId)
                        .addKeyValue("event", event)
                        .log("Unknown dispatch event {} delivered as UnknownEvent (client {})", event, clientId);
                return event(conn, new ChannelEvent.UnknownEvent(env.channel, event, tree(env.data), env.unicast));
            }
        }
    }

    private CompletionStage<?> event(Connection conn, ChannelEvent event) {
        return paused(conn, ListenerRegistry.offerAll(listeners.eventSinks, event));
    }

    /** While a full BLOCK listener holds the reading, the link monitor pauses (the server cannot be heard). */
    private static CompletionStage<?> paused(Connection conn, CompletableFuture<Void> wait) {
        if (wait == null) {
            return null;
        }
        conn.monitor.pause();
        return wait.whenComplete((v, e) -> conn.monitor.resume());
    }

    static InitInfo init(JsonNode d) {
        List<Channel> channels = new ArrayList<>();
        for (JsonNode c : d.path("channels")) {
            Channel ch = channel(c, null);
            if (ch != null) {
                channels.add(ch);
            }
        }
        String cid = text(d, "cid");
        return new InitInfo(
                cid == null ? "" : cid,
                text(d, "scope"),
                nullToNode(d.get("metadata")),
                channels,
                d.path("connection_count").asInt(1));
    }

    private JsonNode tree(RawJson raw) {
        if (raw == null) {
            return NullNode.getInstance();
        }
        try {
            return raw.tree(mapper);
        } catch (JacksonException e) {
            throw new DecodeException("invalid event data: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode nullToNode(JsonNode node) {
        return node == null || node.isMissingNode() ? NullNode.getInstance() : node;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.asString() : null;
    }

    static Channel channel(JsonNode c, String fallbackId) {
        if (c == null || !c.isObject()) {
            return null;
        }
        String id = text(c, "id");
        if (id == null) {
            id = fallbackId;
        }
        if (id == null) {
            return null;
        }
        return new Channel(
                id,
                text(c, "project_id"),
                ChannelType.fromWireValue(text(c, "type")),
                nullToNode(c.get("state")),
                c.path("capabilities").asLong(0));
    }
}
