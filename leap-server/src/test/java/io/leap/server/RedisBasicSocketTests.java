package io.leap.server;

import io.leap.server.redis.SharedRedis;

/** The basic socket test against the Redis engine. */
class RedisBasicSocketTests extends BasicSocketTests {

    @Override
    LeapServer.Builder builder() {
        return LeapServer.builder().redis(SharedRedis.uri());
    }
}
