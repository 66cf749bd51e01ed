// Validates api/openapi.yaml against the OpenAPI 3 schema and resolves every $ref, with
// @apidevtools/swagger-parser (npm). Exits non-zero with the validator's message on any problem.
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  const operations = Object.values(api.paths).flatMap((item) => Object.keys(item).filter((k) => k !== "parameters"));
  console.log(`${file}: valid OpenAPI ${api.openapi}, ${operations.length} operations`);
} catch (err) {
  console.error(`${file}: ${err.message}`);
  process.exit(1);
}
