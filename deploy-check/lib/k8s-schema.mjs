// Offline validation of Kubernetes objects with the `kubernetes-models` package.
//
// kubernetes-models ships precompiled JSON-schema validators generated from the Kubernetes
// OpenAPI document. Those schemas (like the OpenAPI itself) do not set
// additionalProperties:false, so on their own they ACCEPT unknown fields (a typo such as
// `readinesProbe` would pass). To reject unknown fields the way `kubectl apply
// --validate=strict` does, we also walk every object against the field lists that the same
// package declares in its TypeScript definitions (`export interface IDeploymentSpec {...}`,
// one per OpenAPI definition, generated from the same schema).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function packageDir(name) {
  // Resolve the package's entry point, then climb to the folder holding its package.json.
  let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return dir;
}

function* walkDts(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "_schemas" || entry.name === "node_modules") continue;
      yield* walkDts(p);
    } else if (entry.name.endsWith(".d.ts")) {
      yield p;
    }
  }
}

function matchBrace(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error("unbalanced braces");
}

function splitMembers(body) {
  const members = [];
  let depth = 0;
  let cur = "";
  for (const c of body) {
    if ("{[(<".includes(c)) depth++;
    else if ("}])>".includes(c)) depth--;
    if (c === ";" && depth === 0) {
      if (cur.trim()) members.push(cur.trim());
      cur = "";
    } else {
      cur += c;
    }
  }
  if (cur.trim()) members.push(cur.trim());
  return members;
}

function parseInterfaceBody(body) {
  const props = new Map();
  let open = false;
  for (const m of splitMembers(body)) {
    if (m.startsWith("[")) {
      open = true; // index signature: any key allowed
      continue;
    }
    const mm = /^"?([^"?:\s]+)"?\s*(\?)?\s*:\s*([\s\S]+)$/.exec(m);
    if (!mm) continue; // constructor or method in a class: not a field
    props.set(mm[1], mm[3].trim());
  }
  return { props, open };
}

/** Builds name -> {props, open} for every interface of kubernetes-models and apimachinery. */
export function buildTypeIndex() {
  const index = new Map(); // full alias name (IIoK8s...) -> interface
  const byFile = new Map(); // file path -> Map(local name -> interface)
  const dirs = [packageDir("kubernetes-models"), packageDir("@kubernetes-models/apimachinery")];
  for (const dir of dirs) {
    for (const file of walkDts(dir)) {
      const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
      const local = new Map();
      const re = /export (?:declare )?interface (\w+)(?:\s+extends\s+([\w<>,\s]+?))?\s*\{/g;
      let m;
      while ((m = re.exec(text))) {
        const open = text.indexOf("{", m.index + m[0].length - 1);
        const close = matchBrace(text, open);
        const iface = parseInterfaceBody(text.slice(open + 1, close));
        if (m[2] && /\bTypeMeta\b/.test(m[2])) {
          iface.props.set("apiVersion", "string");
          iface.props.set("kind", "string");
        }
        local.set(m[1], iface);
        re.lastIndex = close;
      }
      const aliasRe = /export type \{([^}]*)\}/g;
      while ((m = aliasRe.exec(text))) {
        for (const part of m[1].split(",")) {
          const am = /^\s*(\w+)\s+as\s+(\w+)\s*$/.exec(part);
          if (am && local.has(am[1])) index.set(am[2], local.get(am[1]));
        }
      }
      byFile.set(path.resolve(file), local);
    }
  }
  return { index, byFile, modelsDir: dirs[0] };
}

function typeTarget(typeText) {
  const t = typeText.trim().replace(/;$/, "").trim();
  let m = /^Array<([\s\S]+)>$/.exec(t);
  if (m) return { kind: "array", of: m[1] };
  m = /^\{\s*\[key: string\]:\s*([\s\S]+?);?\s*\}$/.exec(t);
  if (m) return { kind: "map", of: m[1] };
  m = /^(I\w+)$/.exec(t);
  if (m) return { kind: "ref", name: m[1] };
  return { kind: "leaf" };
}

function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export class K8sValidator {
  constructor() {
    this.types = buildTypeIndex();
    this.classes = new Map();
  }

  modelFile(apiVersion, kind) {
    return path.resolve(this.types.modelsDir, apiVersion, `${kind}.d.ts`);
  }

  rootInterface(apiVersion, kind) {
    const local = this.types.byFile.get(this.modelFile(apiVersion, kind));
    return local ? local.get(`I${kind}`) : undefined;
  }

  async modelClass(apiVersion, kind) {
    const key = `${apiVersion}/${kind}`;
    if (!this.classes.has(key)) {
      let cls = null;
      if (/^[\w.-]+(\/[\w.-]+)?$/.test(apiVersion) && /^\w+$/.test(kind)) {
        try {
          const mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
          cls = mod[kind] ?? null;
        } catch {
          cls = null;
        }
      }
      this.classes.set(key, cls);
    }
    return this.classes.get(key);
  }

  unknownFields(value, iface, at, errors) {
    if (!isPlainObject(value) || !iface) return;
    for (const [key, child] of Object.entries(value)) {
      const here = `${at}.${key}`;
      if (!iface.props.has(key)) {
        if (!iface.open) errors.push(`${here}: unknown field "${key}"`);
        continue;
      }
      this.walkType(child, iface.props.get(key), here, errors);
    }
  }

  walkType(value, typeText, at, errors) {
    const t = typeTarget(typeText);
    if (t.kind === "array" && Array.isArray(value)) {
      value.forEach((v, i) => this.walkType(v, t.of, `${at}[${i}]`, errors));
    } else if (t.kind === "map" && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) this.walkType(v, t.of, `${at}[${JSON.stringify(k)}]`, errors);
    } else if (t.kind === "ref") {
      const iface = this.types.index.get(t.name);
      if (iface) this.unknownFields(value, iface, at, errors);
    }
  }

  /** Returns a list of error strings (empty = valid). */
  async validate(obj) {
    if (!isPlainObject(obj)) return ["document is not a mapping"];
    const { apiVersion, kind } = obj;
    if (typeof apiVersion !== "string" || typeof kind !== "string") return ["apiVersion and kind are required strings"];
    const cls = await this.modelClass(apiVersion, kind);
    if (!cls) return [`unknown apiVersion/kind ${apiVersion} ${kind} (not in kubernetes-models)`];
    const errors = [];
    try {
      new cls(obj).validate();
    } catch (e) {
      const list = Array.isArray(e?.errors) ? e.errors : null;
      if (list && list.length) {
        for (const err of list) {
          const where = err.instancePath || "/";
          errors.push(`schema ${where}: ${err.message ?? err.keyword}${err.params ? " " + JSON.stringify(err.params) : ""}`);
        }
      } else {
        errors.push(`schema: ${e?.message ?? e}`);
      }
    }
    const root = this.rootInterface(apiVersion, kind);
    if (!root) {
      errors.push(`no field list for ${apiVersion} ${kind}: cannot check unknown fields`);
    } else {
      this.unknownFields(obj, root, kind, errors);
    }
    return errors;
  }
}
