package exchange.router.order;

import java.util.ArrayList;
import java.util.List;

import exchange.router.auth.AuthenticatedAccount;
import exchange.router.engine.CommandBus;
import exchange.router.engine.EngineReply;
import exchange.router.engine.StreamCommand;
import exchange.router.system.ApiException;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.ObjectMapper;

/**
 * Order entry: validate, append to the command stream, answer with what the engine committed. A 200 means the
 * order (or cancel) is in PostgreSQL.
 */
@RestController
class OrderController {

    private static final int MAX_BATCH = 50;

    private final OrderValidator validator;
    private final CommandBus bus;
    private final ObjectMapper json;

    OrderController(OrderValidator validator, CommandBus bus, ObjectMapper json) {
        this.validator = validator;
        this.bus = bus;
        this.json = json;
    }

    @PostMapping("/api/v1/order")
    ResponseEntity<String> place(AuthenticatedAccount account, @RequestBody(required = false) OrderRequest request) {
        return respond(bus.submit(validator.place(account.accountId(), request)));
    }

    /**
     * Batch order entry: the orders are applied in the given order; the answer lists each order's outcome, an
     * order object or an error object, so one bad order does not sink the others. A malformed order fails the
     * whole batch before anything is appended.
     */
    @PostMapping("/api/v1/orders")
    ResponseEntity<String> placeBatch(AuthenticatedAccount account,
            @RequestBody(required = false) List<OrderRequest> requests) {
        if (requests == null || requests.isEmpty() || requests.size() > MAX_BATCH) {
            throw ApiException.badRequest("INVALID_CLIENT_REQUEST", "A batch holds 1 to " + MAX_BATCH + " orders");
        }
        List<StreamCommand> commands = new ArrayList<>(requests.size());
        for (OrderRequest request : requests) {
            commands.add(validator.place(account.accountId(), request));
        }
        List<EngineReply> replies = bus.submitAll(commands);
        StringBuilder body = new StringBuilder("[");
        for (EngineReply reply : replies) {
            if (body.length() > 1) {
                body.append(',');
            }
            body.append(reply.body());
        }
        return json(200, body.append(']').toString());
    }

    @DeleteMapping("/api/v1/order")
    ResponseEntity<String> cancel(AuthenticatedAccount account, @RequestBody(required = false) CancelRequest request) {
        return respond(bus.submit(validator.cancel(account.accountId(), request)));
    }

    @DeleteMapping("/api/v1/orders")
    ResponseEntity<String> cancelAll(AuthenticatedAccount account,
            @RequestBody(required = false) CancelRequest request) {
        return respond(bus.submit(validator.cancelAll(account.accountId(), request)));
    }

    private ResponseEntity<String> respond(EngineReply reply) {
        return reply.toResponse(json);
    }

    private static ResponseEntity<String> json(int status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
