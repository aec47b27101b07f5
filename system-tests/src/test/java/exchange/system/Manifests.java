package exchange.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The objects of {@code k8s/*.yaml}, read the way {@code kubectl apply -f k8s} reads them (every document). */
final class Manifests {

    private final List<Map<String, Object>> objects;

    private Manifests(List<Map<String, Object>> objects) {
        this.objects = objects;
    }

    @SuppressWarnings("unchecked")
    static Manifests load(Path directory) {
        List<Map<String, Object>> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().toList()) {
                Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
                for (Object document : yaml.loadAll(Files.readString(file))) {
                    if (document instanceof Map<?, ?> map) {
                        objects.add((Map<String, Object>) map);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(objects);
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    static String name(Map<String, Object> object) {
        return (String) map(object, "metadata").get("name");
    }

    /** The workload (Deployment or StatefulSet) whose pod template carries every label of the selector. */
    Map<String, Object> workloadSelectedBy(Map<String, Object> selector) {
        List<Map<String, Object>> hits = Stream.concat(ofKind("Deployment").stream(), ofKind("StatefulSet").stream())
                .filter(w -> {
                    Map<String, Object> labels = map(map(map(w, "spec"), "template"), "metadata");
                    Map<String, Object> podLabels = map(labels, "labels");
                    return selector.entrySet().stream().allMatch(e -> Objects.equals(podLabels.get(e.getKey()),
                            e.getValue()));
                }).toList();
        if (hits.size() != 1) {
            throw new IllegalStateException("Selector " + selector + " matches " + hits.size() + " workloads");
        }
        return hits.get(0);
    }

    static Map<String, Object> container(Map<String, Object> workload) {
        return list(map(map(map(workload, "spec"), "template"), "spec"), "containers").get(0);
    }

    /** A Service's targetPort, named or numbered, resolved against the container's declared ports. */
    static int resolveTargetPort(Map<String, Object> container, Object targetPort) {
        if (targetPort instanceof Integer number) {
            return number;
        }
        return list(container, "ports").stream().filter(p -> targetPort.equals(p.get("name")))
                .map(p -> (Integer) p.get("containerPort")).findFirst()
                .orElseThrow(() -> new IllegalStateException("No container port named " + targetPort));
    }

    /** A Secret's value, from stringData or base64 data. */
    String secretValue(String secret, String key) {
        Map<String, Object> object = find("Secret", secret).orElseThrow(
                () -> new IllegalStateException("No Secret " + secret));
        Object plain = map(object, "stringData").get(key);
        if (plain != null) {
            return plain.toString();
        }
        Object encoded = map(object, "data").get(key);
        if (encoded == null) {
            throw new IllegalStateException("Secret " + secret + " has no key " + key);
        }
        return new String(java.util.Base64.getDecoder().decode(encoded.toString()),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> object, String key) {
        Object value = object.get(key);
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> object, String key) {
        Object value = object.get(key);
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }
}
