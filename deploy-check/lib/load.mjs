// Reading the repository: k8s/*.yaml, docker-compose.yml, the apps' application.yaml and poms.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { APPS } from "./contract.mjs";

function readOrNull(file) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if (e.code === "ENOENT") return null;
    throw e;
  }
}

/**
 * Parses every YAML document of a text. Returns {docs: [{index, obj}], errors: [string]}.
 * Documents are also parsed as YAML 1.1 (what kubectl's sigs.k8s.io/yaml and docker-compose
 * use): a value that reads differently there (`on`, `no`, `0777`, ...) is an error.
 */
export function parseYamlDocuments(text, label) {
  const docs = [];
  const errors = [];
  const d12 = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  const d11 = YAML.parseAllDocuments(text, { uniqueKeys: true, version: "1.1" });
  const list12 = Array.isArray(d12) ? d12 : [d12];
  const list11 = Array.isArray(d11) ? d11 : [d11];
  list12.forEach((doc, i) => {
    for (const e of doc.errors) errors.push(`${label}#${i + 1}: ${e.message}`);
    for (const w of doc.warnings) errors.push(`${label}#${i + 1}: ${w.message}`);
    if (doc.errors.length) return;
    const obj = doc.toJS({ maxAliasCount: 100 });
    if (obj === null || obj === undefined) return; // empty document
    const obj11 = list11[i] && !list11[i].errors.length ? list11[i].toJS({ maxAliasCount: 100 }) : undefined;
    if (JSON.stringify(obj11) !== JSON.stringify(obj)) {
      errors.push(`${label}#${i + 1}: reads differently as YAML 1.1 (kubectl/docker-compose) than as YAML 1.2: quote ambiguous scalars such as yes/no/on/off or octal-looking numbers`);
    }
    docs.push({ index: i + 1, obj });
  });
  return { docs, errors };
}

export function loadContext(root) {
  const k8sDir = path.join(root, "k8s");
  const ctx = {
    root,
    k8sFiles: [],
    docs: [], // {file, index, obj}
    parseErrors: [],
    composeFile: "docker-compose.yml",
    composeText: null,
    apps: {},
    rootPom: readOrNull(path.join(root, "pom.xml")),
  };
  if (fs.existsSync(k8sDir)) {
    for (const name of fs.readdirSync(k8sDir).sort()) {
      const full = path.join(k8sDir, name);
      if (fs.statSync(full).isDirectory()) {
        ctx.parseErrors.push(`k8s/${name}: sub-directories are not applied by \`kubectl apply -f k8s\`; keep k8s/ flat`);
        continue;
      }
      if (!/\.(ya?ml|json)$/.test(name)) continue;
      const rel = `k8s/${name}`;
      ctx.k8sFiles.push(rel);
      const { docs, errors } = parseYamlDocuments(fs.readFileSync(full, "utf8"), rel);
      ctx.parseErrors.push(...errors);
      for (const d of docs) ctx.docs.push({ file: rel, index: d.index, obj: d.obj });
    }
  }
  ctx.composeText = readOrNull(path.join(root, ctx.composeFile));
  for (const [key, app] of Object.entries(APPS)) {
    const resDir = path.join(root, app.module, "src/main/resources");
    let configPath = `${app.module}/src/main/resources/application.yaml`;
    let configText = readOrNull(path.join(resDir, "application.yaml"));
    if (configText === null) {
      const alt = readOrNull(path.join(resDir, "application.yml"));
      if (alt !== null) {
        configText = alt;
        configPath = `${app.module}/src/main/resources/application.yml`;
      }
    }
    ctx.apps[key] = {
      configPath,
      configText,
      pomPath: `${app.module}/pom.xml`,
      pomText: readOrNull(path.join(root, app.module, "pom.xml")),
    };
  }
  return ctx;
}
