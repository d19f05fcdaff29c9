package io.leap.server.internal;

/**
 * The Lua scripts of the {@link RedisEngine}. Each runs atomically on the Redis server, so create-if-absent,
 * subscribe/unsubscribe, compare-and-set state writes and deletes are atomic across nodes, and the pub/sub event a
 * change causes is published in the same step: every node sees changes and events in one order.
 *
 * <p>Calling convention: {@code KEYS[1]} is the project's sequence key (it carries the project's hash tag
 * {@code {projectId}}, so Redis Cluster routes every script of a project to one slot); {@code ARGV[1]} is the key
 * prefix {@code leap:{projectId}:}, {@code ARGV[2]} this node's ID, and the script's own arguments follow. Keys:
 * <ul>
 * <li>{@code seq}: counter giving creation and subscription order;</li>
 * <li>{@code channels} / {@code tokens}: sorted sets of IDs by creation order;</li>
 * <li>{@code ch:<id>}: hash {@code type}, {@code state} (JSON), {@code created} (epoch ms), {@code ver};</li>
 * <li>{@code tok:<id>}: hash {@code state};</li>
 * <li>{@code chtok:<channel>} / {@code toksub:<token>}: the subscription, from both sides, by order;</li>
 * <li>{@code nodes}: node IDs; {@code node:<id>}: the node's heartbeat (expires); {@code nodetok:<id>}: token →
 * live connections on that node; {@code nodeanon:<id>}: channel → anonymous subscribers on that node (both expire
 * with the heartbeat);</li>
 * <li>{@code events}: the pub/sub channel of the project's events. Each message is {@code origin}, newline,
 * {@code type}, newline, fields: the origin is {@code nodeId:sequence} for a call that waits until its own node has
 * fanned the event out, else {@code -}.</li>
 * </ul>
 */
final class RedisScripts {

    private RedisScripts() {}

    /** Helpers shared by the presence-aware scripts: live nodes other than the caller, connections of a token. */
    private static final String PRESENCE = """
            local P = ARGV[1]
            local SELF = ARGV[2]
            local function live_nodes()
              local out = {}
              for _, n in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
                if n ~= SELF then
                  if redis.call('EXISTS', P .. 'node:' .. n) == 1 then
                    out[#out + 1] = n
                  else
                    redis.call('SREM', P .. 'nodes', n)
                    redis.call('DEL', P .. 'nodetok:' .. n, P .. 'nodeanon:' .. n)
                  end
                end
              end
              return out
            end
            local function token_conns(nodes, tok)
              local s = 0
              for _, n in ipairs(nodes) do
                s = s + (tonumber(redis.call('HGET', P .. 'nodetok:' .. n, tok)) or 0)
              end
              return s
            end
            """;

    /** ARGV[3] id, [4] type, [5] state, [6] created ms → 1 created, 0 exists. */
    static final String CREATE_CHANNEL = """
            local P = ARGV[1]
            local key = P .. 'ch:' .. ARGV[3]
            if redis.call('EXISTS', key) == 1 then return 0 end
            local seq = redis.call('INCR', KEYS[1])
            redis.call('HSET', key, 'type', ARGV[4], 'state', ARGV[5], 'created', ARGV[6], 'ver', 0)
            redis.call('ZADD', P .. 'channels', seq, ARGV[3])
            return 1
            """;

    /** ARGV[3] id → {type, state, created} or nil. */
    static final String GET_CHANNEL = """
            local v = redis.call('HMGET', ARGV[1] .. 'ch:' .. ARGV[3], 'type', 'state', 'created')
            if not v[1] then return nil end
            return v
            """;

    /** → {id, type, state, created, ...} in creation order. */
    static final String LIST_CHANNELS = """
            local P = ARGV[1]
            local out = {}
            for _, id in ipairs(redis.call('ZRANGE', P .. 'channels', 0, -1)) do
              local v = redis.call('HMGET', P .. 'ch:' .. id, 'type', 'state', 'created')
              if v[1] then
                out[#out + 1] = id
                out[#out + 1] = v[1]
                out[#out + 1] = v[2]
                out[#out + 1] = v[3]
              end
            end
            return out
            """;

    /** ARGV[3] id, [4] event → 1 deleted (event published), 0 unknown. */
    static final String DELETE_CHANNEL = """
            local P = ARGV[1]
            local id = ARGV[3]
            if redis.call('EXISTS', P .. 'ch:' .. id) == 0 then return 0 end
            for _, tok in ipairs(redis.call('ZRANGE', P .. 'chtok:' .. id, 0, -1)) do
              redis.call('ZREM', P .. 'toksub:' .. tok, id)
            end
            redis.call('DEL', P .. 'chtok:' .. id, P .. 'ch:' .. id)
            redis.call('ZREM', P .. 'channels', id)
            redis.call('PUBLISH', P .. 'events', ARGV[4])
            return 1
            """;

    /** ARGV[3] id → {state, ver} or nil. */
    static final String GET_STATE = """
            local v = redis.call('HMGET', ARGV[1] .. 'ch:' .. ARGV[3], 'state', 'ver')
            if not v[1] then return nil end
            return v
            """;

    /**
     * ARGV[3] id, [4] expected version ('' = any), [5] state, [6] event → 1 written (event published), 0 unknown,
     * -1 the version moved on (the caller merges again).
     */
    static final String SET_STATE = """
            local key = ARGV[1] .. 'ch:' .. ARGV[3]
            local ver = redis.call('HGET', key, 'ver')
            if not ver then return 0 end
            if ARGV[4] ~= '' and ver ~= ARGV[4] then return -1 end
            redis.call('HSET', key, 'state', ARGV[5])
            redis.call('HINCRBY', key, 'ver', 1)
            redis.call('PUBLISH', ARGV[1] .. 'events', ARGV[6])
            return 1
            """;

    /** ARGV[3] key suffix (ch:id or tok:id), [4] event → 1 published, 0 unknown. */
    static final String PUBLISH_IF_EXISTS = """
            if redis.call('EXISTS', ARGV[1] .. ARGV[3]) == 0 then return 0 end
            redis.call('PUBLISH', ARGV[1] .. 'events', ARGV[4])
            return 1
            """;

    /**
     * ARGV[3] channel, [4] token, [5] 'socket' (refuse private channels) or 'rest', [6] event origin → {code, type,
     * state}: code 0 no channel, 1 no token, 2 not granted, 3 already subscribed, 4 subscribed now (event {@code s}
     * published).
     */
    static final String SUBSCRIBE = """
            local P = ARGV[1]
            local ch = ARGV[3]
            local tok = ARGV[4]
            local v = redis.call('HMGET', P .. 'ch:' .. ch, 'type', 'state')
            if not v[1] then return {0} end
            if redis.call('EXISTS', P .. 'tok:' .. tok) == 0 then return {1} end
            if redis.call('ZSCORE', P .. 'chtok:' .. ch, tok) then return {3, v[1], v[2]} end
            if ARGV[5] == 'socket' and v[1] == 'private' then return {2, v[1], v[2]} end
            local seq = redis.call('INCR', KEYS[1])
            redis.call('ZADD', P .. 'chtok:' .. ch, seq, tok)
            redis.call('ZADD', P .. 'toksub:' .. tok, seq, ch)
            redis.call('PUBLISH', P .. 'events',
              ARGV[6] .. '\\ns\\n' .. tok .. '\\n' .. ch .. '\\n' .. v[1] .. '\\n' .. v[2])
            return {4, v[1], v[2]}
            """;

    /**
     * ARGV[3] channel, [4] token, [5] event origin → 0 no channel, 1 no token, 2 not subscribed, 3 removed (event
     * {@code u}).
     */
    static final String UNSUBSCRIBE = """
            local P = ARGV[1]
            local ch = ARGV[3]
            local tok = ARGV[4]
            if redis.call('EXISTS', P .. 'ch:' .. ch) == 0 then return 0 end
            if redis.call('EXISTS', P .. 'tok:' .. tok) == 0 then return 1 end
            if redis.call('ZREM', P .. 'chtok:' .. ch, tok) == 0 then return 2 end
            redis.call('ZREM', P .. 'toksub:' .. tok, ch)
            redis.call('PUBLISH', P .. 'events', ARGV[5] .. '\\nu\\n' .. tok .. '\\n' .. ch)
            return 3
            """;

    /** ARGV[3] channel → {token, state, connections on other nodes, ...} or nil for an unknown channel. */
    static final String CHANNEL_TOKENS = PRESENCE + """
            local ch = ARGV[3]
            if redis.call('EXISTS', P .. 'ch:' .. ch) == 0 then return nil end
            local nodes = live_nodes()
            local out = {}
            for _, tok in ipairs(redis.call('ZRANGE', P .. 'chtok:' .. ch, 0, -1)) do
              out[#out + 1] = tok
              out[#out + 1] = redis.call('HGET', P .. 'tok:' .. tok, 'state') or '{}'
              out[#out + 1] = token_conns(nodes, tok)
            end
            return out
            """;

    /** ARGV[3] channel → connections on other nodes subscribed to it, -1 for an unknown channel. */
    static final String ONLINE_COUNT = PRESENCE + """
            local ch = ARGV[3]
            if redis.call('EXISTS', P .. 'ch:' .. ch) == 0 then return -1 end
            local nodes = live_nodes()
            local toks = redis.call('ZRANGE', P .. 'chtok:' .. ch, 0, -1)
            local s = 0
            for _, n in ipairs(nodes) do
              s = s + (tonumber(redis.call('HGET', P .. 'nodeanon:' .. n, ch)) or 0)
              for _, tok in ipairs(toks) do
                s = s + (tonumber(redis.call('HGET', P .. 'nodetok:' .. n, tok)) or 0)
              end
            end
            return s
            """;

    /** ARGV[3] id, [4] state → 1 created, 0 exists. */
    static final String CREATE_TOKEN = """
            local P = ARGV[1]
            local key = P .. 'tok:' .. ARGV[3]
            if redis.call('EXISTS', key) == 1 then return 0 end
            local seq = redis.call('INCR', KEYS[1])
            redis.call('HSET', key, 'state', ARGV[4])
            redis.call('ZADD', P .. 'tokens', seq, ARGV[3])
            return 1
            """;

    /** ARGV[3] id → {state, connections on other nodes} or nil. */
    static final String GET_TOKEN = PRESENCE + """
            local state = redis.call('HGET', P .. 'tok:' .. ARGV[3], 'state')
            if not state then return nil end
            return {state, token_conns(live_nodes(), ARGV[3])}
            """;

    /** → {id, state, connections on other nodes, ...} in creation order. */
    static final String LIST_TOKENS = PRESENCE + """
            local nodes = live_nodes()
            local out = {}
            for _, id in ipairs(redis.call('ZRANGE', P .. 'tokens', 0, -1)) do
              local state = redis.call('HGET', P .. 'tok:' .. id, 'state')
              if state then
                out[#out + 1] = id
                out[#out + 1] = state
                out[#out + 1] = token_conns(nodes, id)
              end
            end
            return out
            """;

    /** ARGV[3] id, [4] state, [5] event → connections on other nodes, or -1 for an unknown token. */
    static final String SET_TOKEN_STATE = PRESENCE + """
            local key = P .. 'tok:' .. ARGV[3]
            if redis.call('EXISTS', key) == 0 then return -1 end
            redis.call('HSET', key, 'state', ARGV[4])
            redis.call('PUBLISH', P .. 'events', ARGV[5])
            return token_conns(live_nodes(), ARGV[3])
            """;

    /** ARGV[3] id, [4] event origin → 1 deleted (event {@code x} published), 0 unknown. */
    static final String DELETE_TOKEN = """
            local P = ARGV[1]
            local id = ARGV[3]
            if redis.call('EXISTS', P .. 'tok:' .. id) == 0 then return 0 end
            for _, ch in ipairs(redis.call('ZRANGE', P .. 'toksub:' .. id, 0, -1)) do
              redis.call('ZREM', P .. 'chtok:' .. ch, id)
            end
            redis.call('DEL', P .. 'toksub:' .. id, P .. 'tok:' .. id)
            redis.call('ZREM', P .. 'tokens', id)
            redis.call('PUBLISH', P .. 'events', ARGV[4] .. '\\nx\\n' .. id)
            return 1
            """;

    /**
     * ARGV[3] token → nil if unknown, else {state, connections on other nodes, channel, type, state, ...} with the
     * token's subscriptions in subscription order (for {@code INIT}).
     */
    static final String IDENTIFY = PRESENCE + """
            local tok = ARGV[3]
            local state = redis.call('HGET', P .. 'tok:' .. tok, 'state')
            if not state then return nil end
            local out = {state, token_conns(live_nodes(), tok)}
            for _, ch in ipairs(redis.call('ZRANGE', P .. 'toksub:' .. tok, 0, -1)) do
              local v = redis.call('HMGET', P .. 'ch:' .. ch, 'type', 'state')
              if v[1] then
                out[#out + 1] = ch
                out[#out + 1] = v[1]
                out[#out + 1] = v[2]
              end
            end
            return out
            """;

    /**
     * ARGV[3] heartbeat TTL ms, [4] n token pairs, then n × (token, connections), then m × (channel, anonymous
     * subscribers): rewrites this node's presence and refreshes its heartbeat.
     */
    static final String NODE_REFRESH = """
            local P = ARGV[1]
            local SELF = ARGV[2]
            local ttl = tonumber(ARGV[3])
            local n = tonumber(ARGV[4])
            local tk = P .. 'nodetok:' .. SELF
            local ak = P .. 'nodeanon:' .. SELF
            redis.call('SET', P .. 'node:' .. SELF, '1', 'PX', ttl)
            redis.call('SADD', P .. 'nodes', SELF)
            redis.call('DEL', tk, ak)
            local i = 5
            for _ = 1, n do
              redis.call('HSET', tk, ARGV[i], ARGV[i + 1])
              i = i + 2
            end
            while i <= #ARGV do
              redis.call('HSET', ak, ARGV[i], ARGV[i + 1])
              i = i + 2
            end
            redis.call('PEXPIRE', tk, ttl)
            redis.call('PEXPIRE', ak, ttl)
            return 1
            """;

    /** Removes this node's presence (orderly shutdown). */
    static final String NODE_LEAVE = """
            local P = ARGV[1]
            local SELF = ARGV[2]
            redis.call('DEL', P .. 'node:' .. SELF, P .. 'nodetok:' .. SELF, P .. 'nodeanon:' .. SELF)
            redis.call('SREM', P .. 'nodes', SELF)
            return 1
            """;

    /** ARGV[3] created ms → the project's creation time (set once). */
    static final String PROJECT_CREATED = """
            redis.call('SET', ARGV[1] .. 'project', ARGV[3], 'NX')
            return redis.call('GET', ARGV[1] .. 'project')
            """;
}
