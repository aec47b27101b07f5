#!/usr/bin/env node
// Offline deployment checks for issue #7 (no cluster, no Docker engine needed).
//
//   npm ci --prefix deploy-check
//   node deploy-check/check.mjs              # check k8s/, docker-compose.yml, app config, jib image
//   node deploy-check/check.mjs --self-test  # prove the checks can fail (negative cases)
//
// Options: --root DIR (repository root; default: the parent of this folder), --verbose.
// Ends with "N passed, M failed" (", K skipped" when some could not run) and exits 1 on any failure.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { K8sValidator } from "./lib/k8s-schema.mjs";
import { loadContext, parseYamlDocuments } from "./lib/load.mjs";
import { schemaChecks, consistencyChecks, appConfigChecks, jibChecks, composeChecks } from "./lib/checks.mjs";
import { selfTest } from "./lib/self-test.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = path.resolve(opt("--root") ?? path.join(HERE, ".."));
const verbose = args.includes("--verbose");

export async function runAll(ctx, validator, options = {}) {
  return [
    ...(await schemaChecks(ctx, validator)),
    ...consistencyChecks(ctx),
    ...appConfigChecks(ctx),
    ...jibChecks(ctx),
    ...composeChecks(ctx, options),
  ];
}

/** The strict validator must reject the bad fixture, or every "passed" above means nothing. */
async function validatorGuard(validator) {
  const fs = await import("node:fs");
  const file = path.join(HERE, "fixtures/bad-unknown-field.yaml");
  const { docs } = parseYamlDocuments(fs.readFileSync(file, "utf8"), "fixtures/bad-unknown-field.yaml");
  const errors = [];
  for (const d of docs) {
    const errs = await validator.validate(d.obj);
    const expect = d.obj.metadata?.annotations?.["deploy-check/expect"];
    if (!errs.some((e) => e.includes(expect))) errors.push(`fixture ${d.obj.kind}/${d.obj.metadata?.name} was not rejected with "${expect}" (got: ${JSON.stringify(errs)})`);
  }
  return { name: `guard: the k8s validator rejects every document of fixtures/bad-unknown-field.yaml (${docs.length})`, errors, notes: [] };
}

function report(results) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    if (r.skipped) {
      skipped++;
      console.log(`SKIP  ${r.name}\n      ${r.skipped}`);
    } else if (r.errors.length) {
      failed++;
      console.log(`FAIL  ${r.name}`);
      for (const e of r.errors) console.log(`      - ${e}`);
    } else {
      passed++;
      if (verbose || !r.name.startsWith("k8s schema:")) console.log(`ok    ${r.name}`);
    }
  }
  if (!verbose) {
    const n = results.filter((r) => r.name.startsWith("k8s schema:") && !r.errors.length && !r.skipped).length;
    if (n) console.log(`ok    k8s schema + unknown fields: ${n} documents valid (--verbose lists them)`);
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return failed;
}

async function main() {
  const validator = new K8sValidator();
  if (args.includes("--self-test")) {
    const results = await selfTest(root, validator, runAll);
    process.exitCode = report(results) ? 1 : 0;
    return;
  }
  const ctx = loadContext(root);
  console.log(`deploy-check: ${ctx.docs.length} Kubernetes documents in ${ctx.k8sFiles.length} files under ${path.join(root, "k8s")}`);
  const results = [await validatorGuard(validator), ...(await runAll(ctx, validator))];
  process.exitCode = report(results) ? 1 : 0;
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  console.log("0 passed, 1 failed");
  process.exitCode = 1;
});
