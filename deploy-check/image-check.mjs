#!/usr/bin/env node
// Offline check of the container images (issue #7): this machine can neither pull a public base image nor run
// Docker, so it assembles a base image from the local JDK (jlink runtime + the glibc files it links against),
// has jib build both apps onto it as image tarballs (jib:buildTar, no daemon), then inspects each tarball
// (name and tag = the manifests' image, user, exposed ports = container ports, JVM flags, layering) and, as
// root, runs the image's own entrypoint with `java --dry-run` (JVM created and main class loaded from the
// image's classpath, main not run) inside the image's root filesystem as its user.
//
//   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 node deploy-check/image-check.mjs [--offline] [--keep]
//
// The published images keep the standard JRE base (jib.from.image in the root pom); only this check swaps it.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const args = process.argv.slice(2);
const JAVA_HOME = process.env.JAVA_HOME;
if (!JAVA_HOME) {
  console.error("image-check: set JAVA_HOME to a JDK 21+ (it provides jlink and the base image's runtime)");
  process.exit(2);
}

const APPS = [
  { module: "router-service", deployment: "exchange-router", mainClass: "exchange.router.RouterApplication" },
  { module: "ws-stream-service", deployment: "exchange-ws-stream", mainClass: "exchange.stream.StreamApplication" },
];

let passed = 0;
let failed = 0;
function check(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const p of problems) console.log(`     - ${p}`);
  }
}

const run = (cmd, argv, opts = {}) => execFileSync(cmd, argv, { stdio: ["ignore", "pipe", "inherit"], ...opts });

const work = fs.mkdtempSync(path.join(os.tmpdir(), "image-check-"));
try {
  const base = buildBaseImage(path.join(work, "base"));
  console.log(`base image: ${base.tar} (${(fs.statSync(base.tar).size / 1e6).toFixed(0)} MB, jlink of ${JAVA_HOME})`);

  const mvn = ["-B", "-q", ...(args.includes("--offline") ? ["-o"] : []), "-DskipTests",
    "-pl", APPS.map((a) => a.module).join(","), "-am", "package", "jib:buildTar",
    `-Djib.from.image=tar://${base.tar}`];
  console.log(`./mvnw ${mvn.join(" ")}`);
  const build = spawnSync(path.join(ROOT, "mvnw"), mvn, { cwd: ROOT, stdio: "inherit" });
  check("jib:buildTar builds both images with no Docker daemon and no registry", build.status === 0 ? []
    : [`maven exited with ${build.status}`]);
  if (build.status === 0) {
    const deployments = loadDeployments();
    for (const app of APPS) inspect(app, deployments[app.deployment], base);
  }
} finally {
  if (args.includes("--keep")) console.log(`kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}
console.log(`image-check: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

/** A docker-save style tarball: one layer holding a jlink runtime at /opt/java/openjdk and its shared libraries. */
function buildBaseImage(dir) {
  const rootfs = path.join(dir, "rootfs");
  const javaHome = "/opt/java/openjdk";
  fs.mkdirSync(path.dirname(path.join(rootfs, javaHome)), { recursive: true });
  const jlink = path.join(JAVA_HOME, "bin", "jlink");
  if (!fs.existsSync(jlink)) {
    console.error(`image-check: ${jlink} not found; JAVA_HOME must be a JDK (not a JRE) with jlink`);
    process.exit(2);
  }
  run(jlink, ["--add-modules",
    "java.se,jdk.unsupported,jdk.management,jdk.naming.dns,jdk.zipfs,jdk.crypto.cryptoki",
    "--strip-debug", "--no-header-files", "--no-man-pages", "--output", path.join(rootfs, javaHome)]);
  // glibc and friends, at the paths the runtime's ELF files name, so the image runs in a bare chroot.
  const elves = [path.join(rootfs, javaHome, "bin", "java"), ...walk(path.join(rootfs, javaHome, "lib"))
    .filter((f) => f.endsWith(".so"))];
  const libraries = new Set();
  for (const elf of elves) {
    const out = spawnSync("ldd", [elf], { encoding: "utf8" }).stdout ?? "";
    for (const m of out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)) {
      // The runtime's own libraries (found through its RPATH) are in the image already.
      if (!m[1].startsWith(rootfs)) libraries.add(m[1]);
    }
  }
  for (const lib of libraries) {
    const target = path.join(rootfs, lib);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(fs.realpathSync(lib), target);
  }
  fs.mkdirSync(path.join(rootfs, "etc"), { recursive: true });
  fs.writeFileSync(path.join(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/sbin/nologin\n");
  fs.mkdirSync(path.join(rootfs, "tmp"), { recursive: true, mode: 0o1777 });
  fs.chmodSync(path.join(rootfs, "tmp"), 0o1777);

  const layer = path.join(dir, "layer.tar");
  run("tar", ["--numeric-owner", "--owner=0", "--group=0", "--sort=name", "-C", rootfs, "-cf", layer, "."]);
  const diffId = "sha256:" + crypto.createHash("sha256").update(fs.readFileSync(layer)).digest("hex");
  const env = [`PATH=${javaHome}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    `JAVA_HOME=${javaHome}`];
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({
    architecture: "amd64", os: "linux", config: { Env: env },
    rootfs: { type: "layers", diff_ids: [diffId] },
    history: [{ created_by: "deploy-check/image-check.mjs: jlink runtime from the local JDK" }],
  }));
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify([
    { Config: "config.json", RepoTags: ["local/jlink-base:check"], Layers: ["layer.tar"] }]));
  const tar = path.join(dir, "..", "base.tar");
  run("tar", ["-C", dir, "-cf", tar, "manifest.json", "config.json", "layer.tar"]);
  return { tar, env, layers: 1 };
}

/** Whether this process may create the namespaces the entrypoint run needs (not so in a locked-down container). */
function canIsolate() {
  return spawnSync("unshare", ["--fork", "--pid", "--mount", "--mount-proc", "true"], { stdio: "ignore" }).status === 0;
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

function loadDeployments() {
  const out = {};
  for (const file of fs.readdirSync(path.join(ROOT, "k8s")).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(ROOT, "k8s", file), "utf8"))) {
      const obj = doc.toJS();
      if (obj?.kind === "Deployment") out[obj.metadata.name] = obj;
    }
  }
  return out;
}

function inspect(app, deployment, base) {
  const tarball = path.join(ROOT, app.module, "target", "jib-image.tar");
  const dir = path.join(work, app.module);
  fs.mkdirSync(dir);
  run("tar", ["--warning=no-unknown-keyword", "-C", dir, "-xf", tarball]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"))[0];
  const config = JSON.parse(fs.readFileSync(path.join(dir, manifest.Config), "utf8"));
  const c = config.config ?? {};
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const name = `${app.module} image`;

  check(`${name}: tagged as the Deployment's image (${container.image})`,
    manifest.RepoTags?.includes(container.image) ? [] : [`RepoTags ${JSON.stringify(manifest.RepoTags)}`]);
  const runAs = pod.securityContext?.runAsUser ?? container.securityContext?.runAsUser;
  check(`${name}: runs as non-root user ${runAs} (= the pod's runAsUser)`,
    c.User && !/^0(:|$)|^root/.test(c.User) && String(c.User).split(":")[0] === String(runAs)
      ? [] : [`User ${JSON.stringify(c.User)}`]);
  const exposed = Object.keys(c.ExposedPorts ?? {}).sort();
  const declared = container.ports.map((p) => `${p.containerPort}/${(p.protocol ?? "TCP").toLowerCase()}`).sort();
  check(`${name}: exposes exactly the container ports ${declared.join(", ")}`,
    JSON.stringify(exposed) === JSON.stringify(declared) ? [] : [`ExposedPorts ${exposed.join(", ")}`]);
  const entrypoint = c.Entrypoint ?? [];
  const flags = ["-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError"];
  check(`${name}: entrypoint is java with container-aware heap flags and main class ${app.mainClass}`,
    entrypoint[0] === "java" && flags.every((f) => entrypoint.includes(f)) && entrypoint.includes("-cp")
      && (entrypoint.includes(app.mainClass) || entrypoint.includes("@/app/jib-main-class-file"))
      ? [] : [`Entrypoint ${JSON.stringify(entrypoint)}`]);
  check(`${name}: layered (base layer + at least dependencies, resources and classes layers)`,
    manifest.Layers.length >= base.layers + 3 ? [] : [`${manifest.Layers.length} layers`]);
  check(`${name}: keeps the base image's environment (JAVA_HOME, PATH)`,
    base.env.every((e) => (c.Env ?? []).includes(e)) ? [] : [`Env ${JSON.stringify(c.Env)}`]);

  const rootfs = path.join(dir, "rootfs");
  fs.mkdirSync(rootfs);
  for (const layer of manifest.Layers) {
    run("tar", ["--warning=no-unknown-keyword", "-C", rootfs, "-xf", path.join(dir, layer)]);
  }
  const mainClass = fs.existsSync(path.join(rootfs, "app", "jib-main-class-file"))
    ? fs.readFileSync(path.join(rootfs, "app", "jib-main-class-file"), "utf8").trim() : app.mainClass;
  check(`${name}: main class ${app.mainClass} is in the classes layer`,
    mainClass === app.mainClass
      && fs.existsSync(path.join(rootfs, "app", "classes", ...app.mainClass.split(".")) + ".class")
      ? [] : [`main class file ${mainClass}`]);
  const classpath = fs.readFileSync(path.join(rootfs, "app", "jib-classpath-file"), "utf8").trim().split(":");
  const missing = classpath.filter((entry) => !fs.existsSync(path.join(rootfs, entry)));
  check(`${name}: every classpath entry (${classpath.length}) is in the image`, missing.length === 0 ? []
    : missing.slice(0, 5).map((m) => `missing ${m}`));

  if (process.getuid?.() !== 0 || !canIsolate()) {
    console.log(`skip ${name}: run the entrypoint in the image's root filesystem (needs root allowed to create `
      + "PID and mount namespaces, for unshare and chroot)");
    return;
  }
  const javaPath = (c.Env ?? []).find((e) => e.startsWith("PATH="))?.slice(5).split(":")
    .map((d) => path.join(d, entrypoint[0])).find((p) => fs.existsSync(path.join(rootfs, p)));
  // As a container runtime does: own PID namespace with /proc mounted (the launcher finds its libraries
  // relative to /proc/self/exe), the image's root filesystem, its user and its environment, nothing else.
  fs.mkdirSync(path.join(rootfs, "proc"), { recursive: true });
  const argv = ["--fork", "--pid", "--mount", `--mount-proc=${path.join(rootfs, "proc")}`, "chroot",
    "--userspec", String(c.User), rootfs, javaPath, "--dry-run", ...entrypoint.slice(1)];
  const env = Object.fromEntries((c.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  const started = spawnSync("unshare", argv, { encoding: "utf8", env: { ...env, PATH: `${env.PATH}:/usr/sbin:/usr/bin` },
    cwd: "/", timeout: 120_000 });
  check(`${name}: its entrypoint starts the JVM and loads the main class as user ${c.User} (java --dry-run in `
    + "the image's root filesystem)", started.status === 0 ? []
    : [`unshare ${argv.join(" ")} exited ${started.status}: ${(started.stderr || started.stdout || "").trim()
      .split("\n").slice(-5).join(" | ")}`]);
}
