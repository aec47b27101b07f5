// The deployment contract of issue #7: the names, ports and images that the apps, k8s/ and
// docker-compose.yml must agree on. Change it here and nowhere else.
export const NAMESPACE = "default";
export const CLUSTER_DOMAIN = "svc.cluster.local";
export const PROJECT_VERSION = "0.1.0-SNAPSHOT";

// Service table: name -> pod selector, ports ({name?, port, target container port}).
export const SERVICES = {
  "exchange-router-service": {
    selector: { app: "exchange-router" },
    ports: [
      { name: "http", port: 80, target: 8080 },
      { name: "admin", port: 8081, target: 8081 },
    ],
  },
  "exchange-ws-stream-service": {
    selector: { app: "exchange-ws-stream" },
    ports: [{ port: 80, target: 4000 }],
    sessionAffinity: "ClientIP",
  },
  "exchange-postgres-service": {
    selector: { app: "exchange-postgres" },
    ports: [{ port: 80, target: 5432 }],
  },
  "exchange-redis-service": {
    selector: { app: "exchange-redis" },
    ports: [{ port: 80, target: 6379 }],
  },
};

export const POSTGRES_SERVICE = "exchange-postgres-service";
export const REDIS_SERVICE = "exchange-redis-service";
export const POSTGRES_SECRET = "exchange-postgres-credentials";
export const ADMIN_SECRET = "exchange-admin-token";

// The two Spring Boot apps.
export const APPS = {
  router: {
    module: "router-service",
    label: "exchange-router",
    springName: "exchange-router",
    image: `exchange-platform/router-service:${PROJECT_VERSION}`,
    composeService: "router",
    service: "exchange-router-service",
    ports: { http: 8080, admin: 8081 },
    probePort: "http",
    env: [
      "JAVA_TOOL_OPTIONS",
      "SPRING_DATASOURCE_URL",
      "SPRING_DATASOURCE_USERNAME",
      "SPRING_DATASOURCE_PASSWORD",
      "SPRING_DATA_REDIS_HOST",
      "SPRING_DATA_REDIS_PORT",
      "EXCHANGE_ADMIN_TOKEN",
    ],
    secrets: [POSTGRES_SECRET, ADMIN_SECRET],
  },
  "ws-stream": {
    module: "ws-stream-service",
    label: "exchange-ws-stream",
    springName: "exchange-ws-stream",
    image: `exchange-platform/ws-stream-service:${PROJECT_VERSION}`,
    composeService: "ws-stream",
    service: "exchange-ws-stream-service",
    ports: { ws: 4000 },
    probePort: "ws",
    env: [
      "JAVA_TOOL_OPTIONS",
      "SPRING_DATASOURCE_URL",
      "SPRING_DATASOURCE_USERNAME",
      "SPRING_DATASOURCE_PASSWORD",
      "SPRING_DATA_REDIS_HOST",
      "SPRING_DATA_REDIS_PORT",
    ],
    secrets: [POSTGRES_SECRET],
  },
};

export const APP_UID = 1000;
export const INGRESS_CLASS = "nginx";
export const INGRESS_NAMESPACE = "ingress-nginx";
export const API_PATHS = ["/api", "/wapi"];
// Kinds that live in a namespace (everything k8s/ may contain).
export const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolume",
  "StorageClass",
  "IngressClass",
  "PriorityClass",
  "CustomResourceDefinition",
]);
