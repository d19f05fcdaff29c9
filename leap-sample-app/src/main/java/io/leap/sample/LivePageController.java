package io.leap.sample;

import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.core.LeapOperations;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The REST endpoints behind the live page ({@code static/index.html}):
 * <ul>
 * <li>{@code GET /live/connection}: where and how the page connects: the socket URL of the Leap server the application
 * uses, the project id, the page's {@link LivePageToken} and the channel to subscribe;</li>
 * <li>{@code POST /live/orders}: publishes an order through {@link LeapOperations} ({@code LeapTemplate});</li>
 * <li>{@code POST /live/connections/{cid}/close}: closes one of the page's socket connections with 4000, on the
 * embedded server only, so that the page shows its reconnect. Connections of other tokens are not closed.</li>
 * </ul>
 */
@RestController
@RequestMapping("/live")
public class LivePageController {

    /** Close code "Unknown error": clients reconnect with backoff (protocol spec §11). */
    static final int CLOSE_CODE = 4000;

    static final String CLOSE_REASON = "Closed from the live page";

    private static final Logger logger = LoggerFactory.getLogger(LivePageController.class);

    private final LeapConnectionDetails connectionDetails;

    private final LivePageToken token;

    private final OrderDesk orderDesk;

    private final ObjectProvider<LeapOperations> leap;

    private final ObjectProvider<LeapServer> embeddedServer;

    public LivePageController(
            LeapConnectionDetails connectionDetails,
            LivePageToken token,
            OrderDesk orderDesk,
            ObjectProvider<LeapOperations> leap,
            ObjectProvider<LeapServer> embeddedServer) {
        this.connectionDetails = connectionDetails;
        this.token = token;
        this.orderDesk = orderDesk;
        this.leap = leap;
        this.embeddedServer = embeddedServer;
    }

    @GetMapping("/connection")
    public ResponseEntity<PageConnection> connection() {
        String pageToken;
        try {
            pageToken = this.token.get();
        } catch (IllegalStateException ex) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
        }
        PageConnection body = new PageConnection(
                this.connectionDetails.getUrl(),
                this.connectionDetails.getProjectId(),
                pageToken,
                OrdersChannel.ID,
                OrdersChannel.ORDER_CREATED,
                this.embeddedServer.getIfAvailable() != null);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }

    @PostMapping("/orders")
    public OrderCreated publishOrder() {
        LeapOperations leap = this.leap.getIfAvailable();
        if (leap == null) {
            throw new ResponseStatusException(
                    HttpStatus.SERVICE_UNAVAILABLE, "No LeapTemplate: run embedded or set leap.api.token");
        }
        OrderCreated order = this.orderDesk.nextOrder();
        leap.publish(OrdersChannel.ID, OrdersChannel.ORDER_CREATED, order);
        logger.info("Published order #{} from the live page", order.id());
        return order;
    }

    @PostMapping("/connections/{cid}/close")
    public ResponseEntity<Void> closeConnection(@PathVariable String cid) {
        LeapServer server = this.embeddedServer.getIfAvailable();
        if (server == null) {
            throw new ResponseStatusException(
                    HttpStatus.NOT_IMPLEMENTED,
                    "Closing connections needs the embedded Leap server (leap.embedded.enabled=true)");
        }
        boolean pageConnection = server.connections().stream()
                .anyMatch((info) -> info.cid().equals(cid) && this.token.matches(info.token()));
        if (!pageConnection || !server.closeConnection(cid, CLOSE_CODE, CLOSE_REASON)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No live page connection " + cid);
        }
        logger.info("Closed the live page's connection {} with {}", cid, CLOSE_CODE);
        return ResponseEntity.noContent().build();
    }

    /**
     * What the page needs to connect.
     *
     * @param url the Leap Edge socket URL, without query
     * @param projectId the project to identify with
     * @param token the page's Leap token (never the project token)
     * @param channel the channel to subscribe
     * @param event the event name of an order
     * @param closeSupported whether {@code POST /live/connections/{cid}/close} works (embedded server only)
     */
    public record PageConnection(
            URI url, String projectId, String token, String channel, String event, boolean closeSupported) {

        @Override
        public String toString() {
            return "PageConnection[url=" + this.url + ", projectId=" + this.projectId + ", token=******, channel="
                    + this.channel + "]";
        }
    }
}
