// All checks. Each check is {name, errors: [string], skipped?: string, notes?: [string]}.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import {
  NAMESPACE, CLUSTER_DOMAIN, PROJECT_VERSION, SERVICES, POSTGRES_SERVICE, REDIS_SERVICE,
  POSTGRES_SECRET, APPS, APP_UID, INGRESS_CLASS, INGRESS_NAMESPACE, API_PATHS, CLUSTER_SCOPED_KINDS,
} from "./contract.mjs";
import { parseYamlDocuments } from "./load.mjs";
import { validateComposeSchema } from "./compose-schema.mjs";

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const nameOf = (o) => o?.metadata?.name;
const idOf = (d) => `${d.obj.kind}/${nameOf(d.obj)} (${d.file}#${d.index})`;
const byKind = (ctx, kind) => ctx.docs.filter((d) => d.obj.kind === kind);
const findObj = (ctx, kind, name) => ctx.docs.find((d) => d.obj.kind === kind && nameOf(d.obj) === name);
const podSpecOf = (o) => o?.spec?.template?.spec;
const containersOf = (podSpec) => [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])];

function check(name, fn) {
  const res = { name, errors: [], notes: [] };
  try {
    const out = fn(res);
    if (Array.isArray(out)) res.errors.push(...out);
  } catch (e) {
    res.errors.push(`check crashed: ${e?.stack ?? e}`);
  }
  return res;
}

/** Label selector (map or LabelSelector with matchLabels/matchExpressions) against labels. */
export function selectorMatches(sel, labels = {}) {
  if (!isObj(sel)) return false;
  const isLabelSelector = "matchLabels" in sel || "matchExpressions" in sel;
  const matchLabels = isLabelSelector ? sel.matchLabels ?? {} : sel;
  const exprs = isLabelSelector ? sel.matchExpressions ?? [] : [];
  if (!Object.keys(matchLabels).length && !exprs.length) return true; // empty selector: everything
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const val = labels[e.key];
    if (e.operator === "In" && !(has && e.values.includes(val))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(val)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function workloads(ctx) {
  return ctx.docs.filter((d) => WORKLOAD_KINDS.has(d.obj.kind));
}

function workloadsSelectedBy(ctx, selector) {
  return workloads(ctx).filter((w) => selectorMatches(selector, w.obj.spec?.template?.metadata?.labels ?? {}));
}

/** Resolves a Service targetPort / probe port to a container port of a pod spec. */
function resolvePort(podSpec, port, containerName) {
  for (const c of containersOf(podSpec)) {
    if (containerName && c.name !== containerName) continue;
    for (const p of c.ports ?? []) {
      if (typeof port === "string" && p.name === port) return { container: c.name, containerPort: p.containerPort, name: p.name };
      if (typeof port === "number" && p.containerPort === port) return { container: c.name, containerPort: p.containerPort, name: p.name };
    }
  }
  return null;
}

function serviceHost(name) {
  return `${name}.${NAMESPACE}.${CLUSTER_DOMAIN}`;
}

/** Expected DB/Redis coordinates, from the Service manifests and the credentials Secret. */
function expectedEndpoints(ctx) {
  const pg = findObj(ctx, "Service", POSTGRES_SERVICE);
  const redis = findObj(ctx, "Service", REDIS_SERVICE);
  const secret = findObj(ctx, "Secret", POSTGRES_SECRET);
  let database = secret?.obj.stringData?.database;
  if (database === undefined && secret?.obj.data?.database) database = Buffer.from(secret.obj.data.database, "base64").toString();
  return {
    pgHost: serviceHost(POSTGRES_SERVICE),
    pgPort: pg?.obj.spec?.ports?.[0]?.port ?? SERVICES[POSTGRES_SERVICE].ports[0].port,
    database: database ?? "exchange",
    redisHost: serviceHost(REDIS_SERVICE),
    redisPort: redis?.obj.spec?.ports?.[0]?.port ?? SERVICES[REDIS_SERVICE].ports[0].port,
  };
}

function expectedJdbcUrl(ep) {
  return `jdbc:postgresql://${ep.pgHost}:${ep.pgPort}/${ep.database}`;
}

/** Compares a Spring-style flat key/value map with the expected DB/Redis endpoints. */
function compareSpringEndpoints(flat, ep, label) {
  const errors = [];
  const want = {
    "spring.datasource.url": expectedJdbcUrl(ep),
    "spring.data.redis.host": ep.redisHost,
    "spring.data.redis.port": String(ep.redisPort),
  };
  for (const [key, expected] of Object.entries(want)) {
    let v = flat[key];
    if (v === undefined) {
      errors.push(`${label}: missing ${key} (expected ${JSON.stringify(expected)})`);
      continue;
    }
    v = String(v);
    const ph = /^\$\{[^:}]+:(.*)\}$/.exec(v); // ${ENV_VAR:default} -> default
    if (ph) v = ph[1];
    if (key === "spring.datasource.url") v = v.replace(/\?.*$/, ""); // JDBC parameters are fine
    if (v !== expected) errors.push(`${label}: ${key} is ${JSON.stringify(v)}, expected ${JSON.stringify(expected)}`);
  }
  return errors;
}

function flatten(obj, prefix = "", out = {}) {
  if (!isObj(obj)) return out;
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObj(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

function envMap(container) {
  const m = new Map();
  for (const e of container?.env ?? []) m.set(e.name, e);
  return m;
}

function appContainer(ctx, appKey) {
  const app = APPS[appKey];
  const dep = workloadsSelectedBy(ctx, SERVICES[app.service].selector)[0];
  const podSpec = podSpecOf(dep?.obj);
  return { dep, podSpec, container: podSpec?.containers?.[0] };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes manifests
// ---------------------------------------------------------------------------------------------

export async function schemaChecks(ctx, validator) {
  const results = [];
  results.push(check("k8s: YAML parses (and reads the same as YAML 1.1)", () => [...ctx.parseErrors]));
  results.push(check("k8s: manifests present", () => (ctx.docs.length ? [] : ["no Kubernetes documents found in k8s/*.yaml"])));
  for (const d of ctx.docs) {
    const res = { name: `k8s schema: ${idOf(d)}`, errors: [], notes: [] };
    try {
      res.errors.push(...(await validator.validate(d.obj)));
    } catch (e) {
      res.errors.push(`validator crashed: ${e?.stack ?? e}`);
    }
    results.push(res);
  }
  return results;
}

export function consistencyChecks(ctx) {
  const R = [];
  const ep = expectedEndpoints(ctx);

  R.push(check(`k8s: every namespaced object is in namespace "${NAMESPACE}"`, () =>
    ctx.docs
      .filter((d) => !CLUSTER_SCOPED_KINDS.has(d.obj.kind) && d.obj.metadata?.namespace !== NAMESPACE)
      .map((d) => `${idOf(d)}: metadata.namespace is ${JSON.stringify(d.obj.metadata?.namespace)}`)));

  R.push(check("k8s: object names are unique per kind", () => {
    const seen = new Map();
    const errors = [];
    for (const d of ctx.docs) {
      const key = `${d.obj.kind}/${nameOf(d.obj)}`;
      if (seen.has(key)) errors.push(`${idOf(d)} duplicates ${seen.get(key)}`);
      else seen.set(key, idOf(d));
    }
    return errors;
  }));

  R.push(check("workloads: selector matches the pod template labels", () =>
    workloads(ctx)
      .filter((w) => !w.obj.spec?.selector || !selectorMatches(w.obj.spec.selector, w.obj.spec?.template?.metadata?.labels ?? {}))
      .map((w) => `${idOf(w)}: spec.selector does not match spec.template.metadata.labels`)));

  // --- Services -------------------------------------------------------------------------------
  for (const svc of byKind(ctx, "Service")) {
    R.push(check(`service ${nameOf(svc.obj)}: selects exactly one workload and its targetPorts resolve`, () => {
      const errors = [];
      const sel = svc.obj.spec?.selector;
      if (!isObj(sel) || !Object.keys(sel).length) return [`${idOf(svc)}: has no selector`];
      const hits = workloadsSelectedBy(ctx, sel);
      if (hits.length !== 1) {
        errors.push(`${idOf(svc)}: selector ${JSON.stringify(sel)} selects ${hits.length} workloads (${hits.map(idOf).join(", ") || "none"}), expected exactly 1`);
        return errors;
      }
      const podSpec = podSpecOf(hits[0].obj);
      for (const p of svc.obj.spec?.ports ?? []) {
        if (!p.name && (svc.obj.spec.ports.length > 1)) errors.push(`${idOf(svc)}: port ${p.port} has no name (required for multi-port Services)`);
        const target = p.targetPort ?? p.port;
        const r = resolvePort(podSpec, target);
        if (!r) errors.push(`${idOf(svc)}: targetPort ${JSON.stringify(target)} of port ${p.port} is not a container port of ${idOf(hits[0])}`);
        if ((p.protocol ?? "TCP") !== "TCP") errors.push(`${idOf(svc)}: port ${p.port} protocol ${p.protocol}, expected TCP`);
      }
      return errors;
    }));
  }

  for (const [svcName, want] of Object.entries(SERVICES)) {
    R.push(check(`contract: Service ${svcName} matches the table`, () => {
      const errors = [];
      const svc = findObj(ctx, "Service", svcName);
      if (!svc) return [`Service ${svcName} is missing from k8s/`];
      const s = svc.obj.spec ?? {};
      if ((s.type ?? "ClusterIP") !== "ClusterIP") errors.push(`type is ${s.type}, expected ClusterIP`);
      if (s.clusterIP === "None") errors.push("must not be headless (clusterIP: None)");
      if (JSON.stringify(s.selector) !== JSON.stringify(want.selector)) errors.push(`selector is ${JSON.stringify(s.selector)}, expected ${JSON.stringify(want.selector)}`);
      const ports = s.ports ?? [];
      if (ports.length !== want.ports.length) errors.push(`has ${ports.length} ports, expected ${want.ports.length}`);
      const hits = workloadsSelectedBy(ctx, s.selector ?? {});
      const podSpec = hits.length === 1 ? podSpecOf(hits[0].obj) : null;
      for (const wp of want.ports) {
        const p = ports.find((x) => (wp.name ? x.name === wp.name : true) && x.port === wp.port);
        if (!p) {
          errors.push(`no port ${wp.port}${wp.name ? ` named "${wp.name}"` : ""}`);
          continue;
        }
        if ((p.protocol ?? "TCP") !== "TCP") errors.push(`port ${wp.port}: protocol ${p.protocol}, expected TCP`);
        const r = podSpec ? resolvePort(podSpec, p.targetPort ?? p.port) : null;
        if (!r) errors.push(`port ${wp.port}: targetPort ${JSON.stringify(p.targetPort)} does not resolve to a container port`);
        else if (r.containerPort !== wp.target) errors.push(`port ${wp.port}: targets container port ${r.containerPort}, expected ${wp.target}`);
      }
      if (want.sessionAffinity && s.sessionAffinity !== want.sessionAffinity) errors.push(`sessionAffinity is ${JSON.stringify(s.sessionAffinity)}, expected ${want.sessionAffinity}`);
      return errors.map((e) => `${idOf(svc)}: ${e}`);
    }));
  }

  // --- Containers: probes, security, resources --------------------------------------------------
  R.push(check("probes: every container has startup, liveness and readiness probes whose ports resolve", () => {
    const errors = [];
    for (const w of workloads(ctx)) {
      const podSpec = podSpecOf(w.obj);
      for (const c of podSpec?.containers ?? []) {
        for (const kind of ["startupProbe", "livenessProbe", "readinessProbe"]) {
          const pr = c[kind];
          if (!pr) {
            errors.push(`${idOf(w)} container ${c.name}: no ${kind}`);
            continue;
          }
          const port = pr.httpGet?.port ?? pr.tcpSocket?.port ?? pr.grpc?.port;
          if (port !== undefined && !resolvePort(podSpec, port, c.name)) errors.push(`${idOf(w)} container ${c.name}: ${kind} port ${JSON.stringify(port)} is not a declared container port`);
          if (port === undefined && !pr.exec) errors.push(`${idOf(w)} container ${c.name}: ${kind} has no handler`);
        }
      }
      for (const c of podSpec?.containers ?? []) {
        const lc = c.lifecycle ?? {};
        for (const h of ["preStop", "postStart"]) {
          const port = lc[h]?.httpGet?.port ?? lc[h]?.tcpSocket?.port;
          if (port !== undefined && !resolvePort(podSpec, port, c.name)) errors.push(`${idOf(w)} container ${c.name}: ${h} port ${JSON.stringify(port)} is not declared`);
        }
      }
    }
    return errors;
  }));

  R.push(check("probes: the apps probe the actuator health groups on their own port", () => {
    const errors = [];
    for (const [key, app] of Object.entries(APPS)) {
      const { dep, container } = appContainer(ctx, key);
      if (!container) {
        errors.push(`${key}: no workload selected by Service ${app.service}`);
        continue;
      }
      const want = { startupProbe: "/actuator/health/liveness", livenessProbe: "/actuator/health/liveness", readinessProbe: "/actuator/health/readiness" };
      for (const [probe, p] of Object.entries(want)) {
        const g = container[probe]?.httpGet;
        if (!g) errors.push(`${idOf(dep)}: ${probe} is not an httpGet probe`);
        else {
          if (g.path !== p) errors.push(`${idOf(dep)}: ${probe} path ${g.path}, expected ${p}`);
          if (g.port !== app.probePort) errors.push(`${idOf(dep)}: ${probe} port ${JSON.stringify(g.port)}, expected "${app.probePort}"`);
        }
      }
    }
    return errors;
  }));

  R.push(check("security: non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, none added", () => {
    const errors = [];
    for (const w of workloads(ctx)) {
      const podSpec = podSpecOf(w.obj);
      const psc = podSpec?.securityContext ?? {};
      if (podSpec?.hostNetwork || podSpec?.hostPID || podSpec?.hostIPC) errors.push(`${idOf(w)}: uses host namespaces`);
      for (const c of containersOf(podSpec)) {
        const sc = c.securityContext ?? {};
        const where = `${idOf(w)} container ${c.name}`;
        const runAsNonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
        const runAsUser = sc.runAsUser ?? psc.runAsUser;
        if (runAsNonRoot !== true) errors.push(`${where}: runAsNonRoot is not true`);
        if (runAsUser === 0) errors.push(`${where}: runAsUser is 0`);
        if (runAsUser === undefined) errors.push(`${where}: no explicit runAsUser`);
        if (sc.readOnlyRootFilesystem !== true) errors.push(`${where}: readOnlyRootFilesystem is not true`);
        if (sc.allowPrivilegeEscalation !== false) errors.push(`${where}: allowPrivilegeEscalation is not false`);
        if (sc.privileged) errors.push(`${where}: privileged`);
        if ((sc.capabilities?.add ?? []).length) errors.push(`${where}: adds capabilities ${sc.capabilities.add}`);
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) errors.push(`${where}: does not drop ALL capabilities`);
      }
    }
    return errors;
  }));

  R.push(check("resources: every container has cpu and memory requests and limits", () => {
    const errors = [];
    for (const w of workloads(ctx)) {
      for (const c of containersOf(podSpecOf(w.obj))) {
        for (const k of ["requests", "limits"]) for (const r of ["cpu", "memory"]) {
          if (c.resources?.[k]?.[r] === undefined) errors.push(`${idOf(w)} container ${c.name}: no resources.${k}.${r}`);
        }
      }
    }
    return errors;
  }));

  R.push(check("volumes: every volumeMount names a declared volume or volumeClaimTemplate", () => {
    const errors = [];
    for (const w of workloads(ctx)) {
      const podSpec = podSpecOf(w.obj);
      const names = new Set([...(podSpec?.volumes ?? []).map((v) => v.name), ...(w.obj.spec?.volumeClaimTemplates ?? []).map((v) => v.metadata?.name)]);
      for (const c of containersOf(podSpec)) for (const m of c.volumeMounts ?? []) {
        if (!names.has(m.name)) errors.push(`${idOf(w)} container ${c.name}: volumeMount ${m.name} has no volume`);
      }
    }
    return errors;
  }));

  R.push(check("references: every secretKeyRef/configMapKeyRef/serviceAccountName resolves within k8s/", () => {
    const errors = [];
    for (const w of workloads(ctx)) {
      const podSpec = podSpecOf(w.obj);
      for (const c of containersOf(podSpec)) for (const e of c.env ?? []) {
        const sref = e.valueFrom?.secretKeyRef;
        if (sref) {
          const s = findObj(ctx, "Secret", sref.name);
          const keys = new Set([...Object.keys(s?.obj.stringData ?? {}), ...Object.keys(s?.obj.data ?? {})]);
          if (!s) errors.push(`${idOf(w)} env ${e.name}: Secret ${sref.name} not in k8s/`);
          else if (!keys.has(sref.key)) errors.push(`${idOf(w)} env ${e.name}: Secret ${sref.name} has no key ${sref.key}`);
        }
        const cref = e.valueFrom?.configMapKeyRef;
        if (cref) {
          const cm = findObj(ctx, "ConfigMap", cref.name);
          if (!cm || !(cref.key in (cm.obj.data ?? {}))) errors.push(`${idOf(w)} env ${e.name}: ConfigMap ${cref.name} key ${cref.key} not in k8s/`);
        }
      }
      const sa = podSpec?.serviceAccountName;
      if (sa && !findObj(ctx, "ServiceAccount", sa)) errors.push(`${idOf(w)}: ServiceAccount ${sa} not in k8s/`);
    }
    return errors;
  }));

  // --- The two apps ---------------------------------------------------------------------------
  for (const [key, app] of Object.entries(APPS)) {
    R.push(check(`contract: ${app.label} pods (image, uid ${APP_UID}, ports, env, /tmp, drain)`, () => {
      const errors = [];
      const { dep, podSpec, container: c } = appContainer(ctx, key);
      if (!c) return [`no workload for ${app.label}`];
      const where = idOf(dep);
      if (dep.obj.kind !== "Deployment") errors.push(`${where}: expected a Deployment`);
      if ((podSpec.containers ?? []).length !== 1) errors.push(`${where}: expected exactly one container`);
      if (c.image !== app.image) errors.push(`${where}: image ${c.image}, expected the jib image ${app.image}`);
      const uid = c.securityContext?.runAsUser ?? podSpec.securityContext?.runAsUser;
      if (uid !== APP_UID) errors.push(`${where}: runAsUser ${uid}, expected ${APP_UID}`);
      for (const [pname, pnum] of Object.entries(app.ports)) {
        const p = (c.ports ?? []).find((x) => x.name === pname);
        if (!p || p.containerPort !== pnum) errors.push(`${where}: no container port "${pname}" ${pnum}`);
      }
      if ((c.ports ?? []).length !== Object.keys(app.ports).length) errors.push(`${where}: declares ports ${JSON.stringify(c.ports)}, expected exactly ${JSON.stringify(app.ports)}`);
      const env = envMap(c);
      const names = [...env.keys()].sort();
      if (JSON.stringify(names) !== JSON.stringify([...app.env].sort())) errors.push(`${where}: env ${names.join(",")}, expected ${[...app.env].sort().join(",")}`);
      const jto = env.get("JAVA_TOOL_OPTIONS")?.value ?? "";
      if (!/-XX:MaxRAMPercentage=/.test(jto) || !/-XX:\+ExitOnOutOfMemoryError/.test(jto)) errors.push(`${where}: JAVA_TOOL_OPTIONS lacks MaxRAMPercentage/ExitOnOutOfMemoryError`);
      const url = env.get("SPRING_DATASOURCE_URL")?.value;
      if (url !== expectedJdbcUrl(ep)) errors.push(`${where}: SPRING_DATASOURCE_URL ${url}, expected ${expectedJdbcUrl(ep)}`);
      if (env.get("SPRING_DATA_REDIS_HOST")?.value !== ep.redisHost) errors.push(`${where}: SPRING_DATA_REDIS_HOST is not ${ep.redisHost}`);
      if (env.get("SPRING_DATA_REDIS_PORT")?.value !== String(ep.redisPort)) errors.push(`${where}: SPRING_DATA_REDIS_PORT is not "${ep.redisPort}"`);
      for (const [n, k] of [["SPRING_DATASOURCE_USERNAME", "username"], ["SPRING_DATASOURCE_PASSWORD", "password"]]) {
        const r = env.get(n)?.valueFrom?.secretKeyRef;
        if (r?.name !== POSTGRES_SECRET || r?.key !== k) errors.push(`${where}: ${n} must come from Secret ${POSTGRES_SECRET} key ${k}`);
      }
      if (app.env.includes("EXCHANGE_ADMIN_TOKEN")) {
        const r = env.get("EXCHANGE_ADMIN_TOKEN")?.valueFrom?.secretKeyRef;
        if (r?.name !== "exchange-admin-token" || r?.key !== "token") errors.push(`${where}: EXCHANGE_ADMIN_TOKEN must come from Secret exchange-admin-token key token`);
      }
      const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
      const vol = tmp && (podSpec.volumes ?? []).find((v) => v.name === tmp.name);
      if (!vol?.emptyDir) errors.push(`${where}: /tmp must be an emptyDir mount`);
      if (podSpec.serviceAccountName !== app.springName) errors.push(`${where}: serviceAccountName ${podSpec.serviceAccountName}, expected ${app.springName}`);
      const grace = podSpec.terminationGracePeriodSeconds ?? 30;
      const pre = c.lifecycle?.preStop;
      const preSecs = pre?.sleep?.seconds ?? 0;
      if (!pre) errors.push(`${where}: no preStop hook (the endpoint must leave the Service before shutdown)`);
      if (grace < 30 || grace - preSecs < 20) errors.push(`${where}: terminationGracePeriodSeconds ${grace} leaves ${grace - preSecs}s after preStop, want >= 20s to drain`);
      if (podSpec.automountServiceAccountToken === false) errors.push(`${where}: spring-cloud-kubernetes needs the ServiceAccount token mounted`);
      return errors;
    }));

    R.push(check(`contract: ConfigMap ${app.springName} carries the Service DNS names and ports`, () => {
      const cm = findObj(ctx, "ConfigMap", app.springName);
      if (!cm) return [`ConfigMap ${app.springName} (read by spring-cloud-kubernetes) is missing`];
      const data = cm.obj.data ?? {};
      const key = ["application.yaml", "application.yml"].find((k) => k in data);
      let flat = {};
      if (key) {
        const { docs, errors } = parseYamlDocuments(data[key], `ConfigMap ${app.springName} ${key}`);
        if (errors.length) return errors;
        for (const d of docs) Object.assign(flat, flatten(d.obj));
      } else {
        flat = { ...data }; // flat properties style
      }
      return compareSpringEndpoints(flat, ep, `ConfigMap ${app.springName}`);
    }));

    R.push(check(`rbac: ${app.springName} may only "get" its own ConfigMap (no list/watch, no Secrets)`, () => {
      const errors = [];
      const sa = findObj(ctx, "ServiceAccount", app.springName);
      if (!sa) errors.push(`ServiceAccount ${app.springName} missing`);
      const bindings = byKind(ctx, "RoleBinding").filter((b) => (b.obj.subjects ?? []).some((s) => s.kind === "ServiceAccount" && s.name === app.springName));
      if (!bindings.length) errors.push(`no RoleBinding for ServiceAccount ${app.springName}`);
      if (byKind(ctx, "ClusterRoleBinding").some((b) => (b.obj.subjects ?? []).some((s) => s.name === app.springName))) errors.push(`${app.springName} must not get a ClusterRoleBinding`);
      let getCm = false;
      for (const b of bindings) {
        if (b.obj.roleRef?.kind !== "Role") {
          errors.push(`${idOf(b)}: roleRef must be a Role`);
          continue;
        }
        const role = findObj(ctx, "Role", b.obj.roleRef.name);
        if (!role) {
          errors.push(`${idOf(b)}: Role ${b.obj.roleRef.name} missing`);
          continue;
        }
        for (const rule of role.obj.rules ?? []) {
          if (JSON.stringify(rule.apiGroups) !== JSON.stringify([""])) errors.push(`${idOf(role)}: rule for apiGroups ${JSON.stringify(rule.apiGroups)} (only the core ConfigMap is allowed)`);
          for (const res of rule.resources ?? []) {
            if (res !== "configmaps") errors.push(`${idOf(role)}: grants access to ${res}`);
            for (const v of rule.verbs ?? []) if (v !== "get") errors.push(`${idOf(role)}: verb ${v} on ${res} (the app reads with read-type: single)`);
            const names = rule.resourceNames ?? [];
            if (!names.length) errors.push(`${idOf(role)}: ${res} access is not restricted by resourceNames`);
            for (const n of names) if (res === "configmaps" && n !== app.springName) errors.push(`${idOf(role)}: grants ConfigMap ${n}, not the app's own`);
            if (res === "configmaps" && (rule.verbs ?? []).includes("get") && names.includes(app.springName)) getCm = true;
          }
        }
      }
      if (!getCm) errors.push(`${app.springName}: "get" on its own ConfigMap ${app.springName} is not granted`);
      return errors;
    }));
  }

  // --- Ingress --------------------------------------------------------------------------------
  R.push(check("ingress: nginx class; API host routes only /api and /wapi to router http; stream host to ws-stream; WebSocket timeouts", () => {
    const errors = [];
    const ings = byKind(ctx, "Ingress");
    if (!ings.length) return ["no Ingress in k8s/"];
    const routes = [];
    for (const ing of ings) {
      if (ing.obj.spec?.ingressClassName !== INGRESS_CLASS) errors.push(`${idOf(ing)}: ingressClassName must be ${INGRESS_CLASS}`);
      if (ing.obj.spec?.defaultBackend) errors.push(`${idOf(ing)}: no defaultBackend allowed`);
      for (const rule of ing.obj.spec?.rules ?? []) {
        if (!rule.host) errors.push(`${idOf(ing)}: every rule needs a host`);
        for (const p of rule.http?.paths ?? []) routes.push({ ing, host: rule.host, path: p.path, pathType: p.pathType, svc: p.backend?.service });
      }
    }
    const routerSvc = APPS.router.service;
    const wsSvc = APPS["ws-stream"].service;
    for (const r of routes) {
      const svc = r.svc && findObj(ctx, "Service", r.svc.name);
      if (!svc) {
        errors.push(`${idOf(r.ing)}: ${r.host}${r.path} -> unknown Service ${r.svc?.name}`);
        continue;
      }
      const sp = (svc.obj.spec?.ports ?? []).find((p) => (r.svc.port?.name ? p.name === r.svc.port.name : p.port === r.svc.port?.number));
      if (!sp) {
        errors.push(`${idOf(r.ing)}: ${r.host}${r.path} -> Service ${r.svc.name} has no port ${JSON.stringify(r.svc.port)}`);
        continue;
      }
      if (/actuator/.test(r.path ?? "")) errors.push(`${idOf(r.ing)}: routes ${r.path} (actuator must not be exposed)`);
      if (r.svc.name === routerSvc) {
        if (sp.name !== "http") errors.push(`${idOf(r.ing)}: ${r.host}${r.path} -> router port ${sp.name ?? sp.port}; only "http" may be routed (never admin)`);
        if (!API_PATHS.includes(r.path) || r.pathType !== "Prefix") errors.push(`${idOf(r.ing)}: router route ${r.path} (${r.pathType}); only Prefix ${API_PATHS.join(", ")}`);
      }
    }
    const apiRoutes = routes.filter((r) => r.svc?.name === routerSvc);
    const apiHosts = new Set(apiRoutes.map((r) => r.host));
    for (const p of API_PATHS) if (!apiRoutes.some((r) => r.path === p)) errors.push(`no route for ${p} to ${routerSvc}`);
    for (const h of apiHosts) {
      const other = routes.filter((r) => r.host === h && r.svc?.name !== routerSvc);
      if (other.length) errors.push(`API host ${h} also routes ${other.map((r) => r.path).join(", ")} elsewhere`);
    }
    const ws = routes.filter((r) => r.svc?.name === wsSvc);
    if (!ws.length) errors.push(`no route to ${wsSvc}`);
    for (const r of ws) {
      if (apiHosts.has(r.host)) errors.push(`stream route on the API host ${r.host}`);
      const a = r.ing.obj.metadata?.annotations ?? {};
      for (const k of ["proxy-read-timeout", "proxy-send-timeout"]) {
        const v = Number(a[`nginx.ingress.kubernetes.io/${k}`]);
        if (!(v >= 600)) errors.push(`${idOf(r.ing)}: nginx.ingress.kubernetes.io/${k} must be >= 600 for WebSockets (is ${a[`nginx.ingress.kubernetes.io/${k}`]})`);
      }
    }
    for (const ing of ings) {
      for (const [k, v] of Object.entries(ing.obj.metadata?.annotations ?? {})) {
        if (/snippet/.test(k)) errors.push(`${idOf(ing)}: ${k} (snippets are disabled by default in ingress-nginx)`);
        if (typeof v !== "string") errors.push(`${idOf(ing)}: annotation ${k} must be a string`);
      }
      if (!(ing.obj.metadata?.annotations ?? {})["nginx.ingress.kubernetes.io/proxy-body-size"]) errors.push(`${idOf(ing)}: no nginx.ingress.kubernetes.io/proxy-body-size`);
    }
    return errors;
  }));

  // --- PDB / HPA ------------------------------------------------------------------------------
  R.push(check("pdb: policy/v1 PodDisruptionBudgets for router and ws-stream, each selecting exactly one workload", () => {
    const errors = [];
    const covered = new Set();
    for (const pdb of byKind(ctx, "PodDisruptionBudget")) {
      if (pdb.obj.apiVersion !== "policy/v1") errors.push(`${idOf(pdb)}: apiVersion must be policy/v1`);
      const hits = workloadsSelectedBy(ctx, pdb.obj.spec?.selector ?? {});
      if (hits.length !== 1) errors.push(`${idOf(pdb)}: selects ${hits.length} workloads`);
      else covered.add(nameOf(hits[0].obj));
      const w = hits[0];
      if (w && pdb.obj.spec?.minAvailable !== undefined && typeof pdb.obj.spec.minAvailable === "number" && pdb.obj.spec.minAvailable >= (w.obj.spec?.replicas ?? 1)) errors.push(`${idOf(pdb)}: minAvailable ${pdb.obj.spec.minAvailable} blocks every voluntary eviction of ${idOf(w)}`);
    }
    for (const app of Object.values(APPS)) if (!covered.has(app.label)) errors.push(`no PodDisruptionBudget for ${app.label}`);
    return errors;
  }));

  R.push(check("hpa: autoscaling/v2 CPU HPAs for router and ws-stream targeting existing Deployments", () => {
    const errors = [];
    const covered = new Set();
    for (const hpa of byKind(ctx, "HorizontalPodAutoscaler")) {
      if (hpa.obj.apiVersion !== "autoscaling/v2") errors.push(`${idOf(hpa)}: apiVersion must be autoscaling/v2`);
      const ref = hpa.obj.spec?.scaleTargetRef ?? {};
      const target = findObj(ctx, ref.kind, ref.name);
      if (!target || target.obj.apiVersion !== ref.apiVersion) {
        errors.push(`${idOf(hpa)}: scaleTargetRef ${ref.apiVersion} ${ref.kind}/${ref.name} not found`);
        continue;
      }
      covered.add(ref.name);
      const min = hpa.obj.spec?.minReplicas ?? 1;
      if (min < (target.obj.spec?.replicas ?? 1)) errors.push(`${idOf(hpa)}: minReplicas ${min} < Deployment replicas ${target.obj.spec?.replicas}`);
      if (!(hpa.obj.spec?.metrics ?? []).some((m) => m.type === "Resource" && m.resource?.name === "cpu")) errors.push(`${idOf(hpa)}: no CPU metric`);
      const c = podSpecOf(target.obj)?.containers ?? [];
      if (c.some((x) => !x.resources?.requests?.cpu)) errors.push(`${idOf(hpa)}: CPU utilisation needs cpu requests on ${ref.name}`);
    }
    for (const app of Object.values(APPS)) if (!covered.has(app.label)) errors.push(`no HPA for ${app.label}`);
    const router = findObj(ctx, "Deployment", APPS.router.label);
    if (router && router.obj.spec?.replicas !== 2) errors.push(`${idOf(router)}: replicas ${router.obj.spec?.replicas}, expected 2 (engine leader + standby)`);
    return errors;
  }));

  // --- NetworkPolicies ------------------------------------------------------------------------
  R.push(check("networkpolicy: PostgreSQL and Redis accept only the apps; admin port only from inside the namespace", () => {
    const errors = [];
    const pols = byKind(ctx, "NetworkPolicy");
    const appLabels = Object.values(APPS).map((a) => a.label).sort();
    const allowedPeer = (peer) => {
      if (peer.namespaceSelector || peer.ipBlock) return false;
      const ps = peer.podSelector;
      if (!ps) return false;
      // The peer must select only app pods: test it against every workload's labels.
      const hits = workloads(ctx).filter((w) => selectorMatches(ps, w.obj.spec?.template?.metadata?.labels ?? {}));
      const probe = selectorMatches(ps, { app: "something-else" }) || selectorMatches(ps, {});
      return !probe && hits.every((w) => appLabels.includes(w.obj.spec.template.metadata.labels.app));
    };
    for (const [svcName, port] of [[POSTGRES_SERVICE, 5432], [REDIS_SERVICE, 6379]]) {
      const sel = SERVICES[svcName].selector;
      const mine = pols.filter((p) => selectorMatches(p.obj.spec?.podSelector ?? {}, sel));
      if (!mine.length) errors.push(`no NetworkPolicy selects ${JSON.stringify(sel)}`);
      for (const p of mine) {
        if (!(p.obj.spec?.policyTypes ?? []).includes("Ingress")) errors.push(`${idOf(p)}: policyTypes lacks Ingress`);
        for (const rule of p.obj.spec?.ingress ?? []) {
          if (!(rule.from ?? []).length) errors.push(`${idOf(p)}: an ingress rule without "from" admits everyone`);
          for (const peer of rule.from ?? []) if (!allowedPeer(peer)) errors.push(`${idOf(p)}: admits ${JSON.stringify(peer)}; only pods labelled app in (${appLabels.join(", ")})`);
          if (!(rule.ports ?? []).length || rule.ports.some((x) => x.port !== port && x.port !== "postgres" && x.port !== "redis")) errors.push(`${idOf(p)}: ports must be exactly ${port}`);
        }
      }
      const both = new Set();
      for (const p of mine) for (const rule of p.obj.spec?.ingress ?? []) for (const peer of rule.from ?? []) {
        for (const l of appLabels) if (peer.podSelector && selectorMatches(peer.podSelector, { app: l })) both.add(l);
      }
      for (const l of appLabels) if (!both.has(l)) errors.push(`${svcName}: ${l} is not admitted`);
    }
    // Router admin port: only from inside the namespace.
    const routerSel = SERVICES[APPS.router.service].selector;
    const rpols = pols.filter((p) => selectorMatches(p.obj.spec?.podSelector ?? {}, routerSel));
    if (!rpols.length) errors.push("no NetworkPolicy selects the router pods");
    for (const p of rpols) for (const rule of p.obj.spec?.ingress ?? []) {
      const coversAdmin = !(rule.ports ?? []).length || rule.ports.some((x) => x.port === 8081 || x.port === "admin");
      if (coversAdmin && (rule.from ?? [{}]).some((peer) => peer.namespaceSelector || peer.ipBlock || !peer.podSelector)) errors.push(`${idOf(p)}: the admin port is reachable from outside the namespace`);
    }
    const wsSel = SERVICES[APPS["ws-stream"].service].selector;
    for (const [label, sel, port] of [["router", routerSel, 8080], ["ws-stream", wsSel, 4000]]) {
      const ok = pols.some((p) => selectorMatches(p.obj.spec?.podSelector ?? {}, sel) && (p.obj.spec?.ingress ?? []).some((r) =>
        (r.from ?? []).some((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === INGRESS_NAMESPACE) &&
        (r.ports ?? []).some((x) => x.port === port)));
      if (!ok) errors.push(`${label}: no NetworkPolicy rule admits the ${INGRESS_NAMESPACE} namespace on port ${port}`);
    }
    return errors;
  }));

  // --- PostgreSQL / Redis ----------------------------------------------------------------------
  R.push(check("postgres: postgres:17, uid 999, PVC-backed PGDATA, Secret credentials, emptyDirs for /var/run/postgresql and /tmp, pg_isready probes", () => {
    const errors = [];
    const hits = workloadsSelectedBy(ctx, SERVICES[POSTGRES_SERVICE].selector);
    if (hits.length !== 1) return ["expected exactly one PostgreSQL workload"];
    const w = hits[0];
    const podSpec = podSpecOf(w.obj);
    const c = podSpec?.containers?.[0];
    if (c?.image !== "postgres:17") errors.push(`image ${c?.image}, expected postgres:17`);
    if ((c?.securityContext?.runAsUser ?? podSpec?.securityContext?.runAsUser) !== 999) errors.push("runAsUser must be 999");
    const env = envMap(c);
    const pgdata = env.get("PGDATA")?.value;
    const claims = new Set([
      ...(w.obj.spec?.volumeClaimTemplates ?? []).map((v) => v.metadata?.name),
      ...(podSpec?.volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => v.name),
    ]);
    const dataMount = (c?.volumeMounts ?? []).find((m) => claims.has(m.name));
    if (!dataMount) errors.push("no PVC-backed volume mounted");
    else if (!pgdata || !(pgdata === dataMount.mountPath || pgdata.startsWith(dataMount.mountPath + "/"))) errors.push(`PGDATA ${pgdata} is not inside the PVC mount ${dataMount.mountPath}`);
    for (const [n, k] of [["POSTGRES_USER", "username"], ["POSTGRES_PASSWORD", "password"], ["POSTGRES_DB", "database"]]) {
      const r = env.get(n)?.valueFrom?.secretKeyRef;
      if (r?.name !== POSTGRES_SECRET || r?.key !== k) errors.push(`${n} must come from Secret ${POSTGRES_SECRET} key ${k}`);
    }
    for (const dir of ["/var/run/postgresql", "/tmp"]) {
      const m = (c?.volumeMounts ?? []).find((x) => x.mountPath === dir);
      const v = m && (podSpec.volumes ?? []).find((x) => x.name === m.name);
      if (!v?.emptyDir) errors.push(`${dir} must be an emptyDir mount`);
    }
    for (const p of ["startupProbe", "livenessProbe", "readinessProbe"]) if (!JSON.stringify(c?.[p]?.exec?.command ?? []).includes("pg_isready")) errors.push(`${p} must run pg_isready`);
    if (w.obj.kind === "StatefulSet") {
      const svc = findObj(ctx, "Service", w.obj.spec?.serviceName);
      if (!svc || svc.obj.spec?.clusterIP !== "None") errors.push(`StatefulSet serviceName ${w.obj.spec?.serviceName} must be a headless Service in k8s/`);
    }
    return errors.map((e) => `${idOf(w)}: ${e}`);
  }));

  R.push(check("redis: no persistence, maxmemory with noeviction, redis-cli ping probes", () => {
    const errors = [];
    const hits = workloadsSelectedBy(ctx, SERVICES[REDIS_SERVICE].selector);
    if (hits.length !== 1) return ["expected exactly one Redis workload"];
    const c = podSpecOf(hits[0].obj)?.containers?.[0];
    const argv = [...(c?.command ?? []), ...(c?.args ?? [])];
    const opt = (name) => {
      const i = argv.indexOf(`--${name}`);
      return i >= 0 ? argv[i + 1] : undefined;
    };
    if (!opt("maxmemory")) errors.push("no --maxmemory");
    if (opt("maxmemory-policy") !== "noeviction") errors.push("--maxmemory-policy must be noeviction");
    if (opt("appendonly") !== "no") errors.push("--appendonly must be no");
    if (opt("save") !== "") errors.push('--save must be ""');
    for (const p of ["startupProbe", "livenessProbe", "readinessProbe"]) if (!JSON.stringify(c?.[p]?.exec?.command ?? []).includes("redis-cli")) errors.push(`${p} must run redis-cli ping`);
    return errors.map((e) => `${idOf(hits[0])}: ${e}`);
  }));

  return R;
}

// ---------------------------------------------------------------------------------------------
// The apps' own configuration (files owned by the app developers)
// ---------------------------------------------------------------------------------------------

export function appConfigChecks(ctx) {
  const R = [];
  const ep = expectedEndpoints(ctx);
  for (const [key, app] of Object.entries(APPS)) {
    const a = ctx.apps[key];
    R.push(check(`app config: ${a.configPath} has a "kubernetes" profile document with the Service DNS names and ports`, () => {
      const want = `spring.config.activate.on-profile: kubernetes with spring.datasource.url=${expectedJdbcUrl(ep)}, spring.data.redis.host=${ep.redisHost}, spring.data.redis.port=${ep.redisPort}`;
      if (a.configText === null) return [`MISSING: ${a.configPath} does not exist; expected a YAML document with ${want}`];
      const { docs, errors } = parseYamlDocuments(a.configText, a.configPath);
      if (errors.length) return errors;
      const profileDocs = docs.filter((d) => {
        const p = flatten(d.obj)["spring.config.activate.on-profile"];
        return p === "kubernetes" || (Array.isArray(d.obj?.spring?.config?.activate?.["on-profile"]) && d.obj.spring.config.activate["on-profile"].includes("kubernetes"));
      });
      if (!profileDocs.length) return [`MISSING: ${a.configPath} has no document with spring.config.activate.on-profile: kubernetes; expected ${want}`];
      const flat = {};
      for (const d of profileDocs) Object.assign(flat, flatten(d.obj));
      const base = flatten(docs[0]?.obj ?? {});
      const errs = compareSpringEndpoints(flat, ep, `${a.configPath} (kubernetes profile)`);
      if (base["spring.application.name"] !== undefined && base["spring.application.name"] !== app.springName) errs.push(`${a.configPath}: spring.application.name is ${base["spring.application.name"]}, expected ${app.springName} (the ConfigMap name)`);
      return errs;
    }));
    R.push(check(`app config: ${a.configPath} imports its ConfigMap with spring-cloud-kubernetes the way its Role allows`, () => {
      if (a.configText === null) return [`MISSING: ${a.configPath}`];
      const { docs, errors } = parseYamlDocuments(a.configText, a.configPath);
      if (errors.length) return errors;
      const base = flatten(docs[0]?.obj ?? {});
      const errs = [];
      const imports = [].concat(docs[0]?.obj?.spring?.config?.import ?? []);
      if (!imports.some((i) => /^(optional:)?kubernetes:$/.test(String(i)))) errs.push(`${a.configPath}: spring.config.import lacks "kubernetes:"`);
      if (String(base["spring.cloud.kubernetes.config.read-type"] ?? "").toLowerCase() !== "single") errs.push(`${a.configPath}: spring.cloud.kubernetes.config.read-type must be single (the Role grants only "get")`);
      if (base["spring.cloud.kubernetes.config.include-profile-specific-sources"] !== false) errs.push(`${a.configPath}: include-profile-specific-sources must be false (the Role grants only the app's own ConfigMap)`);
      if (base["spring.cloud.kubernetes.secrets.enabled"] !== false) errs.push(`${a.configPath}: spring.cloud.kubernetes.secrets.enabled must be false (Secrets arrive through secretKeyRef)`);
      return errs;
    }));
  }
  return R;
}

/** Finds <to><image> of jib-maven-plugin in a pom text; resolves ${...} from pom properties. */
export function jibImageFromPom(pomText, rootPomText) {
  const strip = (t) => (t ?? "").replace(/<!--[\s\S]*?-->/g, "");
  const pom = strip(pomText);
  const rootPom = strip(rootPomText);
  const findImage = (t) => {
    for (const m of t.matchAll(/<plugin>([\s\S]*?)<\/plugin>/g)) {
      if (!/<artifactId>\s*jib-maven-plugin\s*<\/artifactId>/.test(m[1])) continue;
      const im = /<to>[\s\S]*?<image>\s*([^<]+?)\s*<\/image>[\s\S]*?<\/to>/.exec(m[1]);
      if (im) return im[1];
    }
    return null;
  };
  const projectField = (t, field) => {
    const noParent = t.replace(/<parent>[\s\S]*?<\/parent>/, "").replace(/<(dependencies|dependencyManagement|build|profiles|properties|plugins)>[\s\S]*?<\/\1>/g, "");
    const m = new RegExp(`<${field}>\\s*([^<]+?)\\s*</${field}>`).exec(noParent);
    if (m) return m[1];
    const pm = /<parent>([\s\S]*?)<\/parent>/.exec(t);
    const pv = pm && new RegExp(`<${field}>\\s*([^<]+?)\\s*</${field}>`).exec(pm[1]);
    return pv ? pv[1] : undefined;
  };
  const props = (t) => {
    const out = {};
    const pm = /<properties>([\s\S]*?)<\/properties>/.exec(t);
    if (pm) for (const m of pm[1].matchAll(/<([\w.-]+)>\s*([^<]*?)\s*<\/\1>/g)) out[m[1]] = m[2];
    return out;
  };
  let raw = findImage(pom);
  let source = "module pom";
  if (!raw && rootPom) {
    raw = findImage(rootPom);
    source = "root pom (pluginManagement)";
  }
  if (!raw) return { raw: null };
  const vars = {
    ...props(rootPom),
    ...props(pom),
    "project.version": projectField(pom, "version") ?? projectField(rootPom, "version"),
    "project.artifactId": projectField(pom, "artifactId"),
    "project.groupId": projectField(pom, "groupId") ?? projectField(rootPom, "groupId"),
  };
  let resolved = raw;
  for (let i = 0; i < 5; i++) resolved = resolved.replace(/\$\{([^}]+)\}/g, (all, k) => vars[k] ?? all);
  return { raw, resolved, source };
}

export function jibChecks(ctx) {
  const R = [];
  for (const [key, app] of Object.entries(APPS)) {
    const a = ctx.apps[key];
    R.push(check(`jib: ${a.pomPath} builds ${app.image} (jib-maven-plugin <to><image>)`, () => {
      const want = `jib-maven-plugin with <to><image>exchange-platform/${app.module}:\${project.version}</image></to> (= ${app.image})`;
      if (a.pomText === null) return [`MISSING: ${a.pomPath} does not exist; expected ${want}`];
      const r = jibImageFromPom(a.pomText, ctx.rootPom);
      if (!r.raw) return [`MISSING: no jib-maven-plugin <to><image> in ${a.pomPath} (nor in the root pom's pluginManagement); expected ${want}`];
      if (/\$\{/.test(r.resolved)) return [`${a.pomPath}: cannot resolve ${r.raw} (got ${r.resolved})`];
      if (r.resolved !== app.image) return [`${a.pomPath}: jib builds ${r.resolved} (from ${r.source}), but k8s/ and docker-compose.yml use ${app.image}`];
      return [];
    }));
  }
  return R;
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------------------

function composeEnvKeys(svc) {
  const env = svc?.environment;
  if (Array.isArray(env)) return env.map((e) => String(e).split("=")[0]);
  if (isObj(env)) return Object.keys(env);
  return [];
}

export function composeChecks(ctx, { runDockerCompose = true } = {}) {
  const R = [];
  const file = ctx.composeFile;
  if (ctx.composeText === null) return [check(`compose: ${file} exists`, () => [`${file} not found`])];
  const parsed = parseYamlDocuments(ctx.composeText, file);
  const compose = parsed.docs[0]?.obj;
  R.push(check(`compose: ${file} parses as one YAML document`, () => [...parsed.errors, ...(parsed.docs.length === 1 ? [] : [`${parsed.docs.length} documents`])]));
  if (!isObj(compose)) return R;
  R.push(check(`compose: ${file} validates against the compose-spec JSON schema`, () => validateComposeSchema(compose)));

  const dc = check(`compose: docker-compose config -q accepts ${file}`, () => []);
  if (runDockerCompose) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-check-"));
    const f = path.join(tmp, "docker-compose.yml");
    fs.writeFileSync(f, ctx.composeText);
    const r = spawnSync("docker-compose", ["-f", f, "--project-directory", tmp, "config", "-q"], { encoding: "utf8", timeout: 60000 });
    fs.rmSync(tmp, { recursive: true, force: true });
    if (r.error?.code === "ENOENT") dc.skipped = "docker-compose not installed (Debian: apt-get install docker-compose); the compose-spec schema check above still ran";
    else if (r.status !== 0) dc.errors.push(`docker-compose config -q failed (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  } else {
    dc.skipped = "not run in this mode";
  }
  R.push(dc);

  const services = compose.services ?? {};
  R.push(check("compose: postgres, redis, router and ws-stream services, each with a healthcheck", () => {
    const errors = [];
    for (const s of ["postgres", "redis", ...Object.values(APPS).map((a) => a.composeService)]) {
      if (!services[s]) errors.push(`no service ${s}`);
      else if (!services[s].healthcheck?.test || services[s].healthcheck.disable) errors.push(`service ${s} has no healthcheck`);
    }
    if (services.postgres && services.postgres.image !== "postgres:17") errors.push(`postgres image ${services.postgres.image}, expected postgres:17 (as in k8s/)`);
    return errors;
  }));
  R.push(check("compose: every depends_on uses condition service_healthy on a service with a healthcheck", () => {
    const errors = [];
    for (const a of Object.values(APPS)) {
      const deps = services[a.composeService]?.depends_on;
      if (!isObj(deps)) {
        errors.push(`${a.composeService}: depends_on must be a map with conditions`);
        continue;
      }
      for (const need of ["postgres", "redis"]) if (!deps[need]) errors.push(`${a.composeService}: does not depend on ${need}`);
    }
    for (const [name, s] of Object.entries(services)) {
      const deps = s.depends_on;
      if (Array.isArray(deps)) errors.push(`${name}: depends_on is a list (no condition)`);
      else if (isObj(deps)) for (const [d, v] of Object.entries(deps)) {
        if (v?.condition !== "service_healthy") errors.push(`${name}: depends_on ${d} has condition ${v?.condition}, expected service_healthy`);
        if (!services[d]?.healthcheck) errors.push(`${name}: depends_on ${d}, which has no healthcheck`);
      }
    }
    return errors;
  }));
  for (const [key, app] of Object.entries(APPS)) {
    R.push(check(`compose: ${app.composeService} uses the jib image, uid ${APP_UID}, read-only fs and the same env keys as k8s/`, () => {
      const errors = [];
      const s = services[app.composeService];
      if (!s) return [`no service ${app.composeService}`];
      if (s.image !== app.image) errors.push(`image ${s.image}, expected ${app.image}`);
      if (String(s.user ?? "").split(":")[0] !== String(APP_UID)) errors.push(`user ${s.user}, expected ${APP_UID}`);
      if (s.read_only !== true) errors.push("read_only must be true (as readOnlyRootFilesystem in k8s/)");
      if (!JSON.stringify(s.tmpfs ?? s.volumes ?? []).includes("/tmp")) errors.push("no writable /tmp (tmpfs)");
      const { container } = appContainer(ctx, key);
      const k8sKeys = [...envMap(container).keys()].sort();
      const keys = composeEnvKeys(s).sort();
      if (JSON.stringify(keys) !== JSON.stringify(k8sKeys)) errors.push(`environment keys ${keys.join(",")} differ from k8s/ ${k8sKeys.join(",")}`);
      const ports = JSON.stringify(s.ports ?? []);
      for (const p of Object.values(app.ports)) if (!ports.includes(`:${p}`)) errors.push(`container port ${p} is not published`);
      return errors.map((e) => `${app.composeService}: ${e}`);
    }));
  }
  return R;
}

export const HERE = path.dirname(fileURLToPath(import.meta.url));
