package exchange.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import exchange.devstack.LocalStack;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stack: a client that builds its book from the REST snapshot plus the {@code depth} stream of
 * ws-stream ends with exactly the book {@code GET /api/v1/depth} returns, after a burst of 10,000 random
 * orders from concurrent traders (resting, crossing, IOC, cancels).
 */
class DepthConsistencyIT {

    private static final int ORDERS = 10_000;

    @TempDir
    Path dataDirectory;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void snapshotPlusDeltasEqualsTheRestBookAfterABurstOfRandomOrders() throws Exception {
        LocalStack.Settings settings = new LocalStack.Settings(dataDirectory, TestInfrastructure.freePort(),
                TestInfrastructure.freePort(), TestInfrastructure.freePort(), TestInfrastructure.freePort(),
                TestInfrastructure.freePort(), Path.of(System.getProperty("exchange.router.jar")),
                Path.of(System.getProperty("exchange.ws.jar")), List.of("-Xmx512m"));
        try (LocalStack stack = new LocalStack(settings)) {
            stack.start();
            String api = "http://127.0.0.1:" + settings.routerPort();
            SignedClient[] traders = {new SignedClient(), new SignedClient(), new SignedClient(), new SignedClient()};
            for (SignedClient trader : traders) {
                String admin = "http://127.0.0.1:" + settings.adminPort();
                long id = StackSupport.fundedAccount(admin, stack.adminToken(), trader, "USDC", "100000000");
                StackSupport.admin(admin, stack.adminToken(), "/admin/v1/accounts/" + id + "/deposits",
                        "{\"asset\":\"SOL\",\"amount\":\"1000000\",\"externalId\":\"seed-SOL\"}");
            }

            TextFrames received = new TextFrames();
            LinkedBlockingQueue<String> frames = received.queue;
            WebSocket socket = http.newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + settings.wsPort() + "/"), received).get(10, TimeUnit.SECONDS);
            socket.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"depth.SOL_USDC\"],\"id\":1}", true)
                    .get(5, TimeUnit.SECONDS);
            Thread.sleep(500);
            DepthBook book = DepthBook.parse(get(api + "/api/v1/depth?symbol=SOL_USDC&limit=1000"));

            AtomicInteger accepted = new AtomicInteger();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 16; t++) {
                    int thread = t;
                    executor.submit(() -> {
                        SplittableRandom random = new SplittableRandom(thread);
                        SignedClient trader = traders[thread % traders.length];
                        for (int i = thread; i < ORDERS; i += 16) {
                            Map<String, Object> order = new HashMap<>();
                            boolean bid = random.nextBoolean();
                            order.put("symbol", "SOL_USDC");
                            order.put("side", bid ? "Bid" : "Ask");
                            order.put("orderType", "Limit");
                            order.put("price", BigDecimal.valueOf(10_000 + (bid ? -1 : 1) * (random.nextInt(40) - 5), 2)
                                    .toPlainString());
                            order.put("quantity", BigDecimal.valueOf(1 + random.nextInt(300), 2).toPlainString());
                            order.put("timeInForce", random.nextInt(10) == 0 ? "IOC" : "GTC");
                            order.put("selfTradePrevention", "RejectMaker");
                            HttpResponse<String> response = trader.send(api, "POST", "/api/v1/order", "orderExecute", order);
                            if (response.statusCode() == 200) {
                                accepted.incrementAndGet();
                            }
                            if (random.nextInt(60) == 0) {
                                trader.send(api, "DELETE", "/api/v1/orders", "orderCancelAll", Map.of("symbol", "SOL_USDC"));
                            }
                        }
                        return null;
                    });
                }
            }
            assertThat(accepted.get()).as("accepted orders").isGreaterThan(ORDERS / 2);

            DepthBook expected = DepthBook.parse(get(api + "/api/v1/depth?symbol=SOL_USDC&limit=1000"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (book.lastUpdateId < expected.lastUpdateId && System.nanoTime() < deadline) {
                String frame = frames.poll();
                if (frame == null) {
                    Thread.sleep(20);
                    continue;
                }
                assertThat(book.apply(frame)).as("no gap in the depth stream").isTrue();
            }
            socket.abort();
            System.out.printf("depth consistency: %d orders accepted, book at update %d with %d bids and %d asks%n",
                    accepted.get(), book.lastUpdateId, book.bids.size(), book.asks.size());
            assertThat(book.lastUpdateId).isEqualTo(expected.lastUpdateId);
            assertThat(book.bids).isEqualTo(expected.bids);
            assertThat(book.asks).isEqualTo(expected.asks);
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
