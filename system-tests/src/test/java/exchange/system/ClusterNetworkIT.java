package exchange.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import exchange.devstack.EmbeddedPostgres;
import exchange.devstack.EmbeddedRedis;
import exchange.devstack.ManagedProcess;
import exchange.devstack.TestInfrastructure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform on a simulated cluster network, configured only by {@code k8s/}: each Service gets a virtual IP
 * that its DNS name resolves to (a hosts file handed to the JVMs), port 80 of each VIP is forwarded to the
 * targetPort of the one pod its selector picks (a user-space kube-proxy), each pod gets its own address, and the
 * apps get exactly the environment their Deployments declare (values and secretKeyRefs) plus what the kubelet
 * adds (the API server address, the ServiceAccount's credentials). spring-cloud-kubernetes reads each app's
 * ConfigMap from a stand-in API server that enforces the Roles of {@code k8s/02-rbac.yaml}.
 *
 * <p>An order placed through the router's Service address trades, and the trade arrives on a WebSocket connected
 * through the ws-stream Service address.
 */
class ClusterNetworkIT {

    private static final String NAMESPACE = "default";
    private static final Map<String, String> SERVICE_ADDRESSES = Map.of(
            "exchange-router-service", "127.0.10.1",
            "exchange-ws-stream-service", "127.0.10.2",
            "exchange-postgres-service", "127.0.10.3",
            "exchange-redis-service", "127.0.10.4");
    private static final Map<String, String> POD_ADDRESSES = Map.of(
            "exchange-router", "127.0.11.1",
            "exchange-ws-stream", "127.0.11.2");

    @TempDir
    Path work;

    private final List<AutoCloseable> running = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void tearDown() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception ignored) {
                // best effort; the next resource still closes
            }
        }
    }

    @Test
    void orderThroughTheRouterServiceTradesOnTheWsStreamService() throws Exception {
        Manifests manifests = Manifests.load(Path.of(System.getProperty("exchange.k8s.dir", "../k8s")));
        assumeCanBindPort80();

        // The backing services run as local processes; their Services forward port 80 to them.
        String dbUser = manifests.secretValue("exchange-postgres-credentials", "username");
        String dbPassword = manifests.secretValue("exchange-postgres-credentials", "password");
        String dbName = manifests.secretValue("exchange-postgres-credentials", "database");
        EmbeddedPostgres postgres = EmbeddedPostgres.start(work.resolve("pg"), TestInfrastructure.freePort(), false);
        running.add(postgres);
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), EmbeddedPostgres.SUPERUSER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE ROLE \"" + dbUser + "\" LOGIN PASSWORD '" + dbPassword.replace("'", "''") + "'");
            s.execute("CREATE DATABASE \"" + dbName + "\" OWNER \"" + dbUser + "\"");
        }
        EmbeddedRedis redis = EmbeddedRedis.start(work.resolve("redis"), TestInfrastructure.freePort());
        running.add(redis);

        Map<String, Integer> backingPorts = Map.of("exchange-postgres", postgres.port(),
                "exchange-redis", redis.port());
        Map<String, Integer> expectedTargets = Map.of("exchange-postgres", 5432, "exchange-redis", 6379,
                "exchange-router", 8080, "exchange-ws-stream", 4000);

        Map<String, Integer> servicePorts = new LinkedHashMap<>();
        for (var entry : SERVICE_ADDRESSES.entrySet()) {
            Map<String, Object> service = manifests.find("Service", entry.getKey()).orElseThrow();
            Map<String, Object> spec = Manifests.map(service, "spec");
            @SuppressWarnings("unchecked")
            Map<String, Object> selector = (Map<String, Object>) spec.get("selector");
            Map<String, Object> workload = manifests.workloadSelectedBy(selector);
            String app = (String) selector.get("app");
            Map<String, Object> container = Manifests.container(workload);
            for (Map<String, Object> port : Manifests.list(spec, "ports")) {
                int servicePort = (Integer) port.get("port");
                int targetPort = Manifests.resolveTargetPort(container, port.get("targetPort"));
                if (servicePort == 80) {
                    assertThat(targetPort).as("%s port 80 target", entry.getKey()).isEqualTo(expectedTargets.get(app));
                    servicePorts.put(entry.getKey(), servicePort);
                }
                // Pods of the apps listen on their container ports; the backing servers on the ports they got.
                InetSocketAddress endpoint = backingPorts.containsKey(app)
                        ? new InetSocketAddress("127.0.0.1", backingPorts.get(app))
                        : new InetSocketAddress(POD_ADDRESSES.get(app), targetPort);
                running.add(new KubeProxy(InetAddress.getByName(entry.getValue()), servicePort, endpoint));
            }
        }
        assertThat(servicePorts).as("every Service has port 80").hasSize(4);

        FakeKubernetesApi api = new FakeKubernetesApi(manifests);
        running.add(api);
        Path hosts = writeHostsFile();

        ManagedProcess router = startPod(manifests, "exchange-router", api, hosts);
        ManagedProcess ws = startPod(manifests, "exchange-ws-stream", api, hosts);
        awaitReadiness(manifests, "exchange-router", router);
        awaitReadiness(manifests, "exchange-ws-stream", ws);

        String routerService = "http://" + SERVICE_ADDRESSES.get("exchange-router-service");
        String routerAdmin = routerService + ":8081";
        String wsService = "ws://" + SERVICE_ADDRESSES.get("exchange-ws-stream-service") + "/";
        String adminToken = manifests.secretValue("exchange-admin-token", "token");

        StackSupport.admin(routerAdmin, adminToken, "/admin/v1/assets", "{\"symbol\":\"SOL\",\"decimals\":9}");
        StackSupport.admin(routerAdmin, adminToken, "/admin/v1/assets", "{\"symbol\":\"USDC\",\"decimals\":6}");
        StackSupport.admin(routerAdmin, adminToken, "/admin/v1/markets", "{\"baseSymbol\":\"SOL\",\"quoteSymbol\":\"USDC\","
                + "\"tickSize\":\"0.01\",\"stepSize\":\"0.01\",\"minQuantity\":\"0.01\"}");
        SignedClient seller = new SignedClient();
        SignedClient buyer = new SignedClient();
        StackSupport.fundedAccount(routerAdmin, adminToken, seller, "SOL", "100");
        StackSupport.fundedAccount(routerAdmin, adminToken, buyer, "USDC", "100000");

        TextFrames received = new TextFrames();
        LinkedBlockingQueue<String> frames = received.queue;
        List<String> seen = received.seen;
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(wsService), received)
                .get(10, TimeUnit.SECONDS);
        socket.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"],\"id\":1}", true)
                .get(5, TimeUnit.SECONDS);

        String trade = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; trade == null && System.nanoTime() < deadline; i++) {
            HttpResponse<String> ask = seller.send(routerService, "POST", "/api/v1/order", "orderExecute",
                    order("Ask", i));
            assertThat(ask.statusCode()).as(ask.body()).isEqualTo(200);
            HttpResponse<String> bid = buyer.send(routerService, "POST", "/api/v1/order", "orderExecute",
                    order("Bid", i));
            assertThat(bid.statusCode()).as(bid.body()).isEqualTo(200);
            trade = awaitTrade(frames, Duration.ofSeconds(2));
            if (trade == null) {
                // The first subscription may have raced the market's creation (ws-stream re-reads markets once a second).
                socket.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"trade.SOL_USDC\"],\"id\":" + (i + 2) + "}",
                        true).get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(trade).as("a trade frame through the ws-stream Service; frames seen: %s", seen).isNotNull();
        assertThat(trade).contains("\"stream\":\"trade.SOL_USDC\"", "\"p\":\"100");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");

        // Both apps read their own ConfigMap, with their own ServiceAccount, and were never refused.
        List<FakeKubernetesApi.Request> requests = api.requests();
        System.out.printf("cluster network: trade %s%nAPI server requests: %s%n", trade, requests);
        assertThat(requests).as("API server requests").noneMatch(r -> r.status() == 401 || r.status() == 403);
        assertThat(requests).anyMatch(r -> r.serviceAccount().equals(serviceAccount(manifests, "exchange-router"))
                && r.verb().equals("get") && r.resource().equals("configmaps") && r.name().equals("exchange-router")
                && r.status() == 200);
        assertThat(requests).anyMatch(r -> r.serviceAccount().equals(serviceAccount(manifests, "exchange-ws-stream"))
                && r.verb().equals("get") && r.resource().equals("configmaps")
                && r.name().equals("exchange-ws-stream") && r.status() == 200);
        assertThat(router.isAlive()).isTrue();
        assertThat(ws.isAlive()).isTrue();
    }

    private static void assumeCanBindPort80() {
        try (var probe = new java.net.ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.10.254", 80));
        } catch (IOException e) {
            Assumptions.abort("Service ports are port 80; binding it needs root or CAP_NET_BIND_SERVICE: " + e);
        }
    }

    /** The cluster DNS as the pods see it, plus the names the JVM itself looks up. */
    private Path writeHostsFile() throws IOException {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
        hosts.append("127.0.0.1 ").append(InetAddress.getLocalHost().getHostName()).append('\n');
        SERVICE_ADDRESSES.forEach((service, address) -> hosts.append(address).append(' ').append(service)
                .append('.').append(NAMESPACE).append(".svc.cluster.local\n"));
        return Files.writeString(work.resolve("hosts"), hosts);
    }

    private static String serviceAccount(Manifests manifests, String deployment) {
        Map<String, Object> podSpec = Manifests.map(Manifests.map(Manifests.map(
                manifests.find("Deployment", deployment).orElseThrow(), "spec"), "template"), "spec");
        return (String) podSpec.get("serviceAccountName");
    }

    /** Starts a Deployment's container as a process with the environment the kubelet would give it. */
    private ManagedProcess startPod(Manifests manifests, String deployment, FakeKubernetesApi api, Path hosts)
            throws IOException {
        Map<String, Object> workload = manifests.find("Deployment", deployment).orElseThrow();
        Map<String, Object> container = Manifests.container(workload);
        String podAddress = POD_ADDRESSES.get(deployment);
        String podName = deployment + "-0";
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> variable : Manifests.list(container, "env")) {
            String name = (String) variable.get("name");
            Map<String, Object> from = Manifests.map(variable, "valueFrom");
            if (variable.containsKey("value")) {
                env.put(name, String.valueOf(variable.get("value")));
            } else if (from.containsKey("secretKeyRef")) {
                Map<String, Object> ref = Manifests.map(from, "secretKeyRef");
                env.put(name, manifests.secretValue((String) ref.get("name"), (String) ref.get("key")));
            } else if (from.containsKey("fieldRef")) {
                String field = (String) Manifests.map(from, "fieldRef").get("fieldPath");
                env.put(name, switch (field) {
                    case "status.podIP" -> podAddress;
                    case "metadata.name" -> podName;
                    case "metadata.namespace" -> NAMESPACE;
                    default -> throw new IllegalStateException("fieldRef " + field + " not simulated");
                });
            } else {
                throw new IllegalStateException("env " + name + " of " + deployment + " not simulated: " + variable);
            }
        }
        assertThat(env.keySet()).as("%s must not set its listen address or port: the pod IP and the image's "
                + "container port decide them", deployment).doesNotContain("SERVER_ADDRESS", "SERVER_PORT");
        // What a pod has without asking: its address (here, the one address its server binds), the API server,
        // its ServiceAccount credentials (here, a kubeconfig, as the in-cluster files need a real mount).
        env.put("SERVER_ADDRESS", podAddress);
        env.put("HOSTNAME", podName);
        env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(api.port()));
        env.put("KUBECONFIG", api.writeKubeconfig(work, serviceAccount(manifests, deployment)).toString());
        env.put("SPRING_CLOUD_KUBERNETES_CLIENT_NAMESPACE", NAMESPACE);
        env.put("EXCHANGE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        // The Deployment's JVM flags, then the test's: heap sized for a shared CI box, the cluster's DNS.
        env.put("JAVA_TOOL_OPTIONS", env.getOrDefault("JAVA_TOOL_OPTIONS", "")
                + " -Xms128m -Xmx512m -XX:TieredStopAtLevel=1 -Djdk.net.hosts.file=" + hosts);
        String jar = System.getProperty(deployment.equals("exchange-router") ? "exchange.router.jar"
                : "exchange.ws.jar");
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", jar);
        ManagedProcess process = ManagedProcess.start(deployment, command, env,
                work.resolve(deployment + ".log"), "TERM");
        running.add(process);
        return process;
    }

    /** Polls the readinessProbe of the Deployment, on the pod's address, as the kubelet does. */
    private void awaitReadiness(Manifests manifests, String deployment, ManagedProcess process) {
        Map<String, Object> container = Manifests.container(manifests.find("Deployment", deployment).orElseThrow());
        Map<String, Object> probe = Manifests.map(Manifests.map(container, "readinessProbe"), "httpGet");
        int port = Manifests.resolveTargetPort(container, probe.get("port"));
        URI uri = URI.create("http://" + POD_ADDRESSES.get(deployment) + ":" + port + probe.get("path"));
        process.awaitCondition(() -> {
            try {
                return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        }, deployment + " readiness " + uri, Duration.ofSeconds(120));
    }

    private static Map<String, Object> order(String side, int i) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("symbol", "SOL_USDC");
        order.put("side", side);
        order.put("orderType", "Limit");
        order.put("price", "100");
        order.put("quantity", "0.1");
        order.put("clientId", (long) i);
        return order;
    }

    private static String awaitTrade(LinkedBlockingQueue<String> frames, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            String frame = frames.poll(left, TimeUnit.NANOSECONDS);
            if (frame != null && frame.contains("\"stream\":\"trade.SOL_USDC\"")) {
                return frame;
            }
        }
        return null;
    }
}
