package exchange.router.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import exchange.common.engine.EngineEvent;
import exchange.common.engine.MarketSpec;
import exchange.common.engine.MarketStatus;
import exchange.common.engine.OrderSnapshot;

/**
 * Everything one batch of commands changed, folded to final values (an order or balance touched several times
 * is written once), plus the replies and stream messages to send after the commit. Built on the engine thread;
 * once committed it is handed to the publisher thread (its events, trades and orders are rendered there) and never
 * changed again.
 */
final class Batch {

    record LedgerRow(long accountId, String asset, String kind, long amount, String externalId, long timestamp) {
    }

    record Reply(String channel, EngineReply reply) {
    }

    final Map<Long, OrderSnapshot> orders = new LinkedHashMap<>();
    final Map<String, EngineEvent.BalanceChanged> balances = new LinkedHashMap<>();
    final List<EngineEvent.Trade> trades = new ArrayList<>();
    final List<LedgerRow> ledger = new ArrayList<>();
    final List<EngineEvent.AssetCreated> assets = new ArrayList<>();
    final List<MarketSpec> markets = new ArrayList<>();
    final Map<String, MarketStatus> statuses = new LinkedHashMap<>();
    final Map<String, Long> depthUpdateIds = new LinkedHashMap<>();
    final List<Reply> replies = new ArrayList<>();
    final List<EngineEvent> events = new ArrayList<>();
    final Map<Long, Long> orderTimestamps = new LinkedHashMap<>();

    /** Stream entries applied (an entry holds one command or a router's group of them). */
    int entries;
    int commands;
    String lastStreamId;
    long lastCommandId;
    long nextOrderId;
    long nextTradeId;
    long nextSequence;
    /** The engine timestamp (µs) of the batch's last command; a new leader never stamps earlier. */
    long lastTimestamp;

    boolean isEmpty() {
        return lastStreamId == null;
    }

    void order(OrderSnapshot order, long timestamp) {
        orders.put(order.orderId(), order);
        orderTimestamps.put(order.orderId(), timestamp);
    }
}
