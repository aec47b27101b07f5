package exchange.system;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for the Kubernetes API server, enough for spring-cloud-kubernetes' config reads: serves the
 * ConfigMaps and Secrets of {@code k8s/} to ServiceAccount tokens, and authorises every request with the Roles
 * and RoleBindings of {@code k8s/} (core group, namespaced, verbs get/list/watch, resourceNames), answering 403
 * where RBAC would. Every request is recorded so a test can assert what the apps read and were refused.
 */
final class FakeKubernetesApi implements AutoCloseable {

    record Request(String serviceAccount, String verb, String resource, String name, int status) {
    }

    private static final Pattern CORE_PATH =
            Pattern.compile("/api/v1/namespaces/([^/]+)/([^/?]+)(?:/([^/?]+))?");
    private static final Map<String, String> KINDS = Map.of("configmaps", "ConfigMap", "secrets", "Secret");

    private final Manifests manifests;
    private final HttpServer server;
    private final ObjectMapper json = JsonMapper.builder().build();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeKubernetesApi(Manifests manifests) throws IOException {
        this.manifests = manifests;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    static String tokenOf(String serviceAccount) {
        return "sa-token-" + serviceAccount;
    }

    /** A kubeconfig for a ServiceAccount, as the official Java client reads from $KUBECONFIG. */
    Path writeKubeconfig(Path directory, String serviceAccount) throws IOException {
        Path file = directory.resolve("kubeconfig-" + serviceAccount);
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: simulated
                    cluster:
                      server: http://127.0.0.1:%d
                users:
                  - name: %s
                    user:
                      token: %s
                contexts:
                  - name: simulated
                    context:
                      cluster: simulated
                      user: %s
                      namespace: default
                current-context: simulated
                """.formatted(port(), serviceAccount, tokenOf(serviceAccount), serviceAccount));
        return file;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String token = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))
                    .replaceFirst("^Bearer ", "");
            String serviceAccount = token.startsWith("sa-token-") ? token.substring("sa-token-".length()) : null;
            Matcher path = CORE_PATH.matcher(exchange.getRequestURI().getPath());
            String query = String.valueOf(exchange.getRequestURI().getQuery());
            if (!path.matches() || !exchange.getRequestMethod().equals("GET")) {
                record(serviceAccount, exchange.getRequestMethod(), exchange.getRequestURI().getPath(), null,
                        exchange, 404, status(404, "NotFound", "not served by this stand-in"));
                return;
            }
            String namespace = path.group(1);
            String resource = path.group(2);
            String name = path.group(3);
            String verb = name != null ? "get" : query.matches(".*\\bwatch=(true|1)\\b.*") ? "watch" : "list";
            if (serviceAccount == null) {
                record(null, verb, resource, name, exchange, 401, status(401, "Unauthorized", "no token"));
                return;
            }
            if (!allowed(serviceAccount, namespace, verb, resource, name)) {
                record(serviceAccount, verb, resource, name, exchange, 403, status(403, "Forbidden",
                        "serviceaccount " + serviceAccount + " cannot " + verb + " " + resource
                                + (name == null ? "" : " " + name)));
                return;
            }
            String kind = KINDS.get(resource);
            if (kind == null || name == null) {
                record(serviceAccount, verb, resource, name, exchange, 404, status(404, "NotFound", resource));
                return;
            }
            var object = manifests.find(kind, name)
                    .filter(o -> namespace.equals(Manifests.map(o, "metadata").getOrDefault("namespace", "default")));
            if (object.isEmpty()) {
                record(serviceAccount, verb, resource, name, exchange, 404, status(404, "NotFound", name));
                return;
            }
            record(serviceAccount, verb, resource, name, exchange, 200, asServed(object.get()));
        }
    }

    /** RBAC as the API server evaluates it for the core API group. */
    private boolean allowed(String serviceAccount, String namespace, String verb, String resource, String name) {
        for (Map<String, Object> binding : manifests.ofKind("RoleBinding")) {
            if (!namespace.equals(Manifests.map(binding, "metadata").get("namespace"))) {
                continue;
            }
            boolean bound = Manifests.list(binding, "subjects").stream().anyMatch(s -> "ServiceAccount".equals(
                    s.get("kind")) && serviceAccount.equals(s.get("name")));
            Map<String, Object> roleRef = Manifests.map(binding, "roleRef");
            if (!bound || !"Role".equals(roleRef.get("kind"))) {
                continue;
            }
            var role = manifests.find("Role", (String) roleRef.get("name"));
            if (role.isEmpty()) {
                continue;
            }
            for (Map<String, Object> rule : Manifests.list(role.get(), "rules")) {
                List<?> groups = (List<?>) rule.getOrDefault("apiGroups", List.of());
                List<?> resources = (List<?>) rule.getOrDefault("resources", List.of());
                List<?> verbs = (List<?>) rule.getOrDefault("verbs", List.of());
                List<?> names = (List<?>) rule.getOrDefault("resourceNames", List.of());
                boolean nameOk = names.isEmpty() || (name != null && names.contains(name));
                if (groups.contains("") && resources.contains(resource) && verbs.contains(verb) && nameOk) {
                    return true;
                }
            }
        }
        return false;
    }

    private Map<String, Object> asServed(Map<String, Object> object) {
        Map<String, Object> served = new LinkedHashMap<>(object);
        Map<String, Object> metadata = new LinkedHashMap<>(Manifests.map(object, "metadata"));
        metadata.putIfAbsent("namespace", "default");
        metadata.put("resourceVersion", "1");
        served.put("metadata", metadata);
        if ("Secret".equals(object.get("kind"))) {
            Map<String, Object> data = new LinkedHashMap<>(Manifests.map(object, "data"));
            Manifests.map(object, "stringData").forEach((k, v) -> data.put(k, Base64.getEncoder()
                    .encodeToString(v.toString().getBytes(StandardCharsets.UTF_8))));
            served.remove("stringData");
            served.put("data", data);
        }
        return served;
    }

    private static Map<String, Object> status(int code, String reason, String message) {
        return Map.of("apiVersion", "v1", "kind", "Status", "status", "Failure", "code", code, "reason", reason,
                "message", message, "metadata", Map.of());
    }

    private void record(String serviceAccount, String verb, String resource, String name, HttpExchange exchange,
            int status, Map<String, Object> body) throws IOException {
        requests.add(new Request(serviceAccount, verb, resource, name, status));
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
