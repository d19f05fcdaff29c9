package io.leap.server;

import io.leap.server.redis.SharedRedis;

/** The whole protocol suite against the Redis engine (one node on a real {@code redis-server}). */
class RedisProtocolTests extends ProtocolTests {

    @Override
    LeapServer.Builder builder() {
        return LeapServer.builder().redis(SharedRedis.uri());
    }
}
