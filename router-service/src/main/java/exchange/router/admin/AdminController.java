package exchange.router.admin;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import exchange.common.engine.MarketSpec;
import exchange.common.money.AmountException;
import exchange.common.money.FixedPoint;
import exchange.router.engine.CommandBus;
import exchange.router.engine.EngineReply;
import exchange.router.engine.MarketCatalog;
import exchange.router.engine.StreamCommand;
import exchange.router.system.ApiException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.ObjectMapper;

/**
 * Operator API (admin port, bearer token): accounts and their ED25519 keys, deposits and withdrawals
 * (engine commands, idempotent by the caller's id), assets and markets (engine commands), halt and resume.
 */
@RestController
class AdminController {

    private final JdbcClient jdbc;
    private final CommandBus bus;
    private final MarketCatalog catalog;
    private final ObjectMapper json;

    AdminController(JdbcClient jdbc, CommandBus bus, MarketCatalog catalog, ObjectMapper json) {
        this.jdbc = jdbc;
        this.bus = bus;
        this.catalog = catalog;
        this.json = json;
    }

    record CreateAccount(String label, List<String> publicKeys) {
    }

    record AccountCreated(long accountId, String label, List<String> publicKeys) {
    }

    @PostMapping("/admin/v1/accounts")
    @Transactional
    AccountCreated createAccount(@RequestBody(required = false) CreateAccount request) {
        String label = request == null || request.label() == null ? "account" : request.label();
        List<String> keys = request == null || request.publicKeys() == null ? List.of() : request.publicKeys();
        keys.forEach(AdminController::requirePublicKey);
        long id = jdbc.sql("SELECT nextval('account_id_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO account (id, label) VALUES (?, ?)").params(id, label).update();
        for (String key : keys) {
            addKey(id, key);
        }
        return new AccountCreated(id, label, keys);
    }

    record AddKey(String publicKey) {
    }

    @PostMapping("/admin/v1/accounts/{accountId}/keys")
    Map<String, Object> addKey(@PathVariable long accountId, @RequestBody(required = false) AddKey request) {
        requireAccount(accountId);
        String key = request == null ? null : request.publicKey();
        requirePublicKey(key);
        addKey(accountId, key);
        return Map.of("accountId", accountId, "publicKey", key);
    }

    private void addKey(long accountId, String key) {
        int inserted = jdbc.sql("INSERT INTO api_key (public_key, account_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(key, accountId).update();
        if (inserted == 0) {
            throw new ApiException(HttpStatus.CONFLICT, "INVALID_CLIENT_REQUEST", "Public key already registered");
        }
    }

    /** Revokes a key (base64 in the query, URL-encoded); signed requests with it are refused within the key cache TTL (5 s by default). */
    @DeleteMapping("/admin/v1/keys")
    Map<String, Object> revokeKey(@RequestParam String publicKey) {
        int revoked = jdbc.sql("UPDATE api_key SET revoked_at = now() WHERE public_key = ? AND revoked_at IS NULL")
                .param(publicKey).update();
        if (revoked == 0) {
            throw ApiException.notFound("No active key " + publicKey);
        }
        return Map.of("publicKey", publicKey, "revoked", true);
    }

    record Transfer(String asset, String amount, String externalId) {
    }

    @PostMapping("/admin/v1/accounts/{accountId}/deposits")
    ResponseEntity<String> deposit(@PathVariable long accountId, @RequestBody(required = false) Transfer request) {
        return transfer(StreamCommand.DEPOSIT, accountId, request);
    }

    @PostMapping("/admin/v1/accounts/{accountId}/withdrawals")
    ResponseEntity<String> withdraw(@PathVariable long accountId, @RequestBody(required = false) Transfer request) {
        return transfer(StreamCommand.WITHDRAW, accountId, request);
    }

    private ResponseEntity<String> transfer(String type, long accountId, Transfer request) {
        requireAccount(accountId);
        if (request == null || request.asset() == null || request.amount() == null || request.externalId() == null
                || request.externalId().isBlank() || request.externalId().length() > 128
                || request.externalId().chars().anyMatch(Character::isISOControl)) {
            // Control characters (NUL above all, which PostgreSQL text cannot hold) would make the batch that
            // carries the command fail to commit, every time it is retried.
            throw invalid("Give asset, amount and externalId (1-128 printable characters, your idempotency id)");
        }
        int decimals = catalog.assetDecimals(request.asset())
                .orElseThrow(() -> ApiException.badRequest("INVALID_ASSET", "Unknown asset " + request.asset()));
        long units;
        try {
            units = FixedPoint.parseUnits(request.amount(), decimals);
        } catch (AmountException e) {
            throw ApiException.badRequest("INVALID_QUANTITY", "Invalid amount: " + e.getMessage());
        }
        return respond(bus.submit(StreamCommand.transfer(type, accountId, request.asset(), units,
                request.externalId())));
    }

    record CreateAsset(String symbol, Integer decimals, String displayName) {
    }

    @PostMapping("/admin/v1/assets")
    ResponseEntity<String> createAsset(@RequestBody(required = false) CreateAsset request) {
        if (request == null || request.symbol() == null || !request.symbol().matches("[A-Z0-9]{1,16}")
                || request.decimals() == null || request.decimals() < 0 || request.decimals() > 18) {
            throw invalid("Give symbol ([A-Z0-9]{1,16}) and decimals (0-18)");
        }
        ResponseEntity<String> response = respond(bus.submit(StreamCommand.createAsset(request.symbol(),
                request.decimals())));
        if (request.displayName() != null) {
            jdbc.sql("UPDATE asset SET display_name = ? WHERE symbol = ?")
                    .params(request.displayName(), request.symbol()).update();
        }
        return response;
    }

    record CreateMarket(String symbol, String baseSymbol, String quoteSymbol, String tickSize, String stepSize,
            String minQuantity, Integer makerFeePpm, Integer takerFeePpm) {
    }

    @PostMapping("/admin/v1/markets")
    ResponseEntity<String> createMarket(@RequestBody(required = false) CreateMarket r) {
        if (r == null || r.baseSymbol() == null || r.quoteSymbol() == null || r.tickSize() == null
                || r.stepSize() == null || r.minQuantity() == null) {
            throw invalid("Give baseSymbol, quoteSymbol, tickSize, stepSize and minQuantity");
        }
        String symbol = r.symbol() != null ? r.symbol() : r.baseSymbol() + "_" + r.quoteSymbol();
        if (!symbol.matches("[A-Z0-9]{1,16}_[A-Z0-9]{1,16}")) {
            throw invalid("Invalid symbol " + symbol);
        }
        int maker = r.makerFeePpm() == null ? 0 : r.makerFeePpm();
        int taker = r.takerFeePpm() == null ? 0 : r.takerFeePpm();
        if (maker < 0 || maker > 1_000_000 || taker < 0 || taker > 1_000_000) {
            throw invalid("Fees are parts per million, 0 to 1000000");
        }
        return respond(bus.submit(StreamCommand.createMarket(new MarketSpec(symbol, r.baseSymbol(), r.quoteSymbol(),
                r.tickSize(), r.stepSize(), r.minQuantity(), maker, taker))));
    }

    @PostMapping("/admin/v1/markets/{symbol}/halt")
    ResponseEntity<String> halt(@PathVariable String symbol) {
        return respond(bus.submit(StreamCommand.setMarketStatus(symbol, "Halted")));
    }

    @PostMapping("/admin/v1/markets/{symbol}/resume")
    ResponseEntity<String> resume(@PathVariable String symbol) {
        return respond(bus.submit(StreamCommand.setMarketStatus(symbol, "Open")));
    }

    private void requireAccount(long accountId) {
        if (jdbc.sql("SELECT count(*) FROM account WHERE id = ?").param(accountId).query(Long.class).single() == 0) {
            throw ApiException.notFound("No account " + accountId);
        }
    }

    private static void requirePublicKey(String key) {
        byte[] raw;
        try {
            raw = key == null ? new byte[0] : Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != 32) {
            throw invalid("publicKey must be the base64 of a 32-byte ED25519 public key");
        }
    }

    private ResponseEntity<String> respond(EngineReply reply) {
        return reply.toResponse(json);
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("INVALID_CLIENT_REQUEST", message);
    }
}
