// Self-test: start from the repository's own files (plus a valid synthetic app config and jib
// pom, since those files belong to the app modules), check that everything passes, then break
// one thing at a time and check that the right check fails.
import fs from "node:fs";
import path from "node:path";
import { loadContext, parseYamlDocuments } from "./load.mjs";
import { APPS } from "./contract.mjs";

const appConfig = (name) => `spring:
  application:
    name: ${name}
  config:
    import: "optional:kubernetes:"
  cloud:
    kubernetes:
      config:
        read-type: single
        include-profile-specific-sources: false
      secrets:
        enabled: false
---
spring:
  config:
    activate:
      on-profile: kubernetes
  datasource:
    url: jdbc:postgresql://exchange-postgres-service.default.svc.cluster.local:80/exchange
  data:
    redis:
      host: exchange-redis-service.default.svc.cluster.local
      port: 80
`;

const pom = (module) => `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>dev.exchange</groupId>
    <artifactId>exchange-platform</artifactId>
    <version>0.1.0-SNAPSHOT</version>
  </parent>
  <artifactId>${module}</artifactId>
  <dependencies>
    <dependency><groupId>dev.exchange</groupId><artifactId>common</artifactId></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>com.google.cloud.tools</groupId>
        <artifactId>jib-maven-plugin</artifactId>
        <configuration>
          <to><image>exchange-platform/\${project.artifactId}:\${project.version}</image></to>
          <container><user>1000</user></container>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
`;

const doc = (ctx, kind, name) => ctx.docs.find((d) => d.obj.kind === kind && d.obj.metadata?.name === name)?.obj;
const router = (ctx) => doc(ctx, "Deployment", "exchange-router");
const routerC = (ctx) => router(ctx).spec.template.spec.containers[0];
const setCompose = (ctx, fn) => {
  const c = parseYamlDocuments(ctx.composeText, "compose").docs[0].obj;
  fn(c);
  ctx.composeText = JSON.stringify(c, null, 2); // JSON is YAML
};

const CASES = [
  ["unknown field in a container (readinesProbe)", /^k8s schema: Deployment\/exchange-router/, (c) => {
    const k = routerC(c);
    k.readinesProbe = k.readinessProbe;
    delete k.readinessProbe;
  }],
  ["unknown field in Service spec", /^k8s schema: Service\/exchange-redis-service/, (c) => { doc(c, "Service", "exchange-redis-service").spec.selectr = { app: "x" }; }],
  ["wrong type (replicas: \"2\")", /^k8s schema: Deployment\/exchange-router/, (c) => { router(c).spec.replicas = "2"; }],
  ["YAML 1.1 ambiguity (unquoted no)", /^k8s: YAML parses/, (c) => {
    const text = fs.readFileSync(path.join(c.root, "k8s/11-redis.yaml"), "utf8").replace('- "no"', "- no");
    c.parseErrors.push(...parseYamlDocuments(text, "k8s/11-redis.yaml (mutated)").errors);
  }],
  ["object outside namespace default", /namespace "default"/, (c) => { doc(c, "ConfigMap", "exchange-router").metadata.namespace = "exchange"; }],
  ["Service selector typo", /^service exchange-router-service: selects exactly one/, (c) => { doc(c, "Service", "exchange-router-service").spec.selector = { app: "exchange-routr" }; }],
  ["Service selector matching two workloads", /^service exchange-redis-service: selects exactly one/, (c) => { doc(c, "Service", "exchange-redis-service").spec.selector = { "app.kubernetes.io/part-of": "exchange-platform" }; }],
  ["targetPort name not declared", /^service exchange-router-service: selects exactly one workload and its targetPorts/, (c) => { doc(c, "Service", "exchange-router-service").spec.ports[0].targetPort = "htp"; }],
  ["Service port differs from the table", /^contract: Service exchange-postgres-service/, (c) => { doc(c, "Service", "exchange-postgres-service").spec.ports[0].port = 5432; }],
  ["ws-stream Service without ClientIP affinity", /^contract: Service exchange-ws-stream-service/, (c) => { delete doc(c, "Service", "exchange-ws-stream-service").spec.sessionAffinity; }],
  ["container port renumbered (Service now targets 8090)", /^contract: Service exchange-router-service/, (c) => { routerC(c).ports[0].containerPort = 8090; }],
  ["probe port not declared", /^probes: every container/, (c) => { routerC(c).readinessProbe.httpGet.port = 9090; }],
  ["missing startup probe", /^probes: every container/, (c) => { delete doc(c, "Deployment", "exchange-redis").spec.template.spec.containers[0].startupProbe; }],
  ["readiness probe on the liveness group", /^probes: the apps probe/, (c) => { routerC(c).readinessProbe.httpGet.path = "/actuator/health/liveness"; }],
  ["writable root filesystem", /^security:/, (c) => { routerC(c).securityContext.readOnlyRootFilesystem = false; }],
  ["added capability", /^security:/, (c) => { doc(c, "StatefulSet", "exchange-postgres").spec.template.spec.containers[0].securityContext.capabilities.add = ["NET_ADMIN"]; }],
  ["no memory limit", /^resources:/, (c) => { delete routerC(c).resources.limits.memory; }],
  ["image differs from the jib image", /^contract: exchange-router pods/, (c) => { routerC(c).image = "exchange-platform/router:latest"; }],
  ["grace period too short to drain WebSockets", /^contract: exchange-ws-stream pods/, (c) => { doc(c, "Deployment", "exchange-ws-stream").spec.template.spec.terminationGracePeriodSeconds = 15; }],
  ["env value off the Service DNS name", /^contract: exchange-ws-stream pods/, (c) => {
    doc(c, "Deployment", "exchange-ws-stream").spec.template.spec.containers[0].env.find((e) => e.name === "SPRING_DATA_REDIS_HOST").value = "redis";
  }],
  ["secretKeyRef to a missing key", /^references:/, (c) => { routerC(c).env.find((e) => e.name === "EXCHANGE_ADMIN_TOKEN").valueFrom.secretKeyRef.key = "tokn"; }],
  ["ConfigMap with the wrong Redis port", /^contract: ConfigMap exchange-router/, (c) => {
    const cm = doc(c, "ConfigMap", "exchange-router");
    cm.data["application.yaml"] = cm.data["application.yaml"].replace("port: 80", "port: 6379");
  }],
  ["Role grants create", /^rbac: exchange-router/, (c) => { doc(c, "Role", "exchange-router-config-reader").rules[0].verbs.push("create"); }],
  ["Role get not restricted by resourceNames", /^rbac: exchange-ws-stream/, (c) => { delete doc(c, "Role", "exchange-ws-stream-config-reader").rules[0].resourceNames; }],
  ["Role lets the app read Secrets", /^rbac: exchange-router/, (c) => { doc(c, "Role", "exchange-router-config-reader").rules.push({ apiGroups: [""], resources: ["secrets"], resourceNames: ["exchange-admin-token"], verbs: ["get"] }); }],
  ["Role grants list on ConfigMaps", /^rbac: exchange-ws-stream/, (c) => { doc(c, "Role", "exchange-ws-stream-config-reader").rules.push({ apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"] }); }],
  ["app config reads ConfigMaps in batch (needs list)", /^app config: router-service.* imports its ConfigMap/, (c) => { c.apps.router.configText = appConfig("exchange-router").replace("read-type: single", "read-type: batch"); }],
  ["Ingress routes the admin port", /^ingress:/, (c) => { doc(c, "Ingress", "exchange-api").spec.rules[0].http.paths[0].backend.service.port = { name: "admin" }; }],
  ["Ingress routes /actuator", /^ingress:/, (c) => { doc(c, "Ingress", "exchange-api").spec.rules[0].http.paths[1].path = "/actuator"; }],
  ["stream Ingress without long timeouts", /^ingress:/, (c) => { delete doc(c, "Ingress", "exchange-stream").metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]; }],
  ["PDB selecting nothing", /^pdb:/, (c) => { doc(c, "PodDisruptionBudget", "exchange-router").spec.selector.matchLabels.app = "nope"; }],
  ["HPA targeting a missing Deployment", /^hpa:/, (c) => { doc(c, "HorizontalPodAutoscaler", "exchange-ws-stream").spec.scaleTargetRef.name = "ws-stream"; }],
  ["PostgreSQL open to every pod", /^networkpolicy:/, (c) => { doc(c, "NetworkPolicy", "exchange-postgres-allow-apps").spec.ingress[0].from = [{ podSelector: {} }]; }],
  ["router admin port open to the ingress namespace", /^networkpolicy:/, (c) => { doc(c, "NetworkPolicy", "exchange-router-ingress").spec.ingress[0].ports.push({ protocol: "TCP", port: 8081 }); }],
  ["PGDATA outside the PVC", /^postgres:/, (c) => { doc(c, "StatefulSet", "exchange-postgres").spec.template.spec.containers[0].env.find((e) => e.name === "PGDATA").value = "/tmp/pgdata"; }],
  ["Redis evicting keys", /^redis:/, (c) => {
    const a = doc(c, "Deployment", "exchange-redis").spec.template.spec.containers[0].args;
    a[a.indexOf("noeviction")] = "allkeys-lru";
  }],
  ["app config without the kubernetes profile document", /^app config: router-service/, (c) => { c.apps.router.configText = appConfig("exchange-router").split("---")[0]; }],
  ["app config missing entirely", /^app config: ws-stream-service/, (c) => { c.apps["ws-stream"].configText = null; }],
  ["app config with another Redis host", /^app config: router-service/, (c) => { c.apps.router.configText = appConfig("exchange-router").replace("host: exchange-redis-service.default", "host: redis.default"); }],
  ["jib image differs", /^jib: router-service/, (c) => { c.apps.router.pomText = pom("router-service").replace("exchange-platform/", "exchange/"); }],
  ["jib plugin missing", /^jib: ws-stream-service/, (c) => { c.apps["ws-stream"].pomText = pom("ws-stream-service").replace(/<build>[\s\S]*<\/build>/, ""); }],
  ["compose unknown key", /^compose: .* compose-spec JSON schema/, (c) => setCompose(c, (x) => { x.services.redis.helthcheck = x.services.redis.healthcheck; })],
  ["compose bad duration", /^compose: .* compose-spec JSON schema/, (c) => setCompose(c, (x) => { x.services.redis.healthcheck.interval = "5 seconds"; })],
  ["compose unknown key (docker-compose config -q)", /^compose: docker-compose config -q/, (c) => setCompose(c, (x) => { x.services.redis.helthcheck = {}; }), { dockerCompose: true }],
  ["compose service without healthcheck", /^compose: postgres, redis, router and ws-stream/, (c) => setCompose(c, (x) => { delete x.services.redis.healthcheck; })],
  ["compose depends_on without service_healthy", /^compose: every depends_on/, (c) => setCompose(c, (x) => { x.services.router.depends_on = ["postgres", "redis"]; })],
  ["compose env keys differ from k8s", /^compose: router uses/, (c) => setCompose(c, (x) => { delete x.services.router.environment.EXCHANGE_ADMIN_TOKEN; })],
  ["compose image differs from jib", /^compose: ws-stream uses/, (c) => setCompose(c, (x) => { x.services["ws-stream"].image = "ws-stream:dev"; })],
];

export async function selfTest(root, validator, runAll) {
  const results = [];
  const base = loadContext(root);
  for (const [key, app] of Object.entries(APPS)) {
    base.apps[key].configText = appConfig(app.springName);
    base.apps[key].pomText = pom(app.module);
  }
  const baseline = await runAll(base, validator, { runDockerCompose: true });
  const dockerCompose = baseline.find((r) => /docker-compose config -q/.test(r.name));
  const hasDockerCompose = dockerCompose && !dockerCompose.skipped;
  const bad = baseline.filter((r) => r.errors.length);
  results.push({
    name: "self-test: baseline (repo's k8s/ and docker-compose.yml + valid synthetic app config and jib poms) passes every check",
    errors: bad.map((r) => `${r.name}: ${r.errors.join("; ")}`),
  });
  for (const [label, expect, mutate, opts = {}] of CASES) {
    const res = { name: `self-test: ${label} -> caught by ${expect}`, errors: [] };
    if (opts.dockerCompose && !hasDockerCompose) {
      res.skipped = "docker-compose not installed";
      results.push(res);
      continue;
    }
    const ctx = structuredClone(base);
    try {
      mutate(ctx);
      const out = await runAll(ctx, validator, { runDockerCompose: !!opts.dockerCompose });
      const hit = out.filter((r) => expect.test(r.name) && r.errors.length);
      if (!hit.length) {
        const matched = out.filter((r) => expect.test(r.name)).map((r) => r.name);
        res.errors.push(matched.length ? `not caught: ${matched.join(" | ")} still passes` : `no check matches ${expect}`);
      } else if (process.argv.includes("--verbose")) {
        console.log(`      ${label}: ${hit[0].errors[0]}`);
      }
    } catch (e) {
      res.errors.push(`mutation crashed: ${e?.stack ?? e}`);
    }
    results.push(res);
  }
  return results;
}
