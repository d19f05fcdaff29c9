package io.leap.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ChannelType;
import io.leap.server.ConnectionInfo;
import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.core.LeapOperations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST side of the live page over HTTP: the details and token it gets, publishing, and that its close endpoint
 * closes only the page's own connections.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "sample.publisher.enabled=false")
class LivePageControllerTests {

    @LocalServerPort
    int port;

    @Autowired
    LeapServer server;

    @Autowired
    LeapOperations leap;

    @Autowired
    LeapConnectionDetails connectionDetails;

    private final HttpClient http = HttpClient.newHttpClient();

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void connectionDetailsCarryAPageTokenSubscribedToThePrivateOrdersChannel() throws Exception {
        HttpResponse<String> response = send("GET", "/live/connection");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = this.json.readTree(response.body());
        assertThat(body.get("url").asString()).isEqualTo(this.server.wsUrl().toString());
        assertThat(body.get("projectId").asString()).isEqualTo(this.server.projectId());
        assertThat(body.get("channel").asString()).isEqualTo("orders");
        assertThat(body.get("closeSupported").asBoolean()).isTrue();
        String token = body.get("token").asString();
        assertThat(token)
                .startsWith("leap_token_")
                .isNotEqualTo(this.server.projectToken())
                .isNotEqualTo(this.connectionDetails.getToken());
        // Every page gets the same token.
        assertThat(this.json
                        .readTree(send("GET", "/live/connection").body())
                        .get("token")
                        .asString())
                .isEqualTo(token);

        assertThat(this.leap.getChannel("orders").type()).isEqualTo(ChannelType.PRIVATE);
        assertThat(this.leap.listChannelTokens("orders"))
                .extracting((t) -> t.id())
                .contains(token, this.connectionDetails.getToken());
        assertThat(this.leap.getToken(token).state().asMap()).containsEntry("role", "live-page");
    }

    @Test
    void publishedOrderIsReturnedAndReachesTheApplicationsListener(@Autowired OrderListener listener) throws Exception {
        HttpResponse<String> response = send("POST", "/live/orders");
        assertThat(response.statusCode()).isEqualTo(200);
        long id = this.json.readTree(response.body()).get("id").asLong();
        assertThat(id).isPositive();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            OrderCreated last = listener.last();
            assertThat(last).isNotNull();
            assertThat(last.id()).isEqualTo(id);
        });
    }

    @Test
    void closeEndpointClosesNoConnectionButThePagesOwn() throws Exception {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> this.server.connections().stream().anyMatch(ConnectionInfo::identified));
        String appCid = this.server.connections().stream()
                .filter((info) -> this.connectionDetails.getToken().equals(info.token()))
                .findFirst()
                .orElseThrow()
                .cid();

        HttpResponse<String> refused = send("POST", "/live/connections/" + appCid + "/close");
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(send("POST", "/live/connections/conn_unknown/close").statusCode())
                .isEqualTo(404);
        assertThat(this.server.connections()).extracting(ConnectionInfo::cid).contains(appCid);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return this.http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
