package io.leap.server;

import io.leap.server.redis.SharedRedis;

/** The whole REST suite against the Redis engine (one node on a real {@code redis-server}). */
class RedisRestApiTests extends RestApiTests {

    @Override
    LeapServer.Builder builder() {
        return LeapServer.builder().redis(SharedRedis.uri());
    }
}
