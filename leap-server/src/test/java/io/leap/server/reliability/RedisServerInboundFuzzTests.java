package io.leap.server.reliability;

import io.leap.server.LeapServer;
import io.leap.server.redis.SharedRedis;

/** The inbound fuzz suite against the Redis engine: bad input never leaks a connection or breaks the node. */
class RedisServerInboundFuzzTests extends ServerInboundFuzzTests {

    @Override
    LeapServer.Builder builder() {
        return LeapServer.builder().redis(SharedRedis.uri());
    }
}
