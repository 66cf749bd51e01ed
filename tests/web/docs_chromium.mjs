// /docs in a real headless Chromium: Swagger UI (served from the binary) renders the OpenAPI document the
// server publishes, and lists exactly the operations of api/openapi.yaml (method and path of each).
import SwaggerParser from "@apidevtools/swagger-parser";
import { join } from "node:path";
import { check, run } from "./harness.mjs";

const methods = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

await run("/docs in Chromium", async ({ cluster, context, out }) => {
  const spec = await SwaggerParser.parse("api/openapi.yaml");
  const expected = Object.entries(spec.paths)
    .flatMap(([path, item]) => Object.keys(item).filter((k) => methods.has(k)).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  check(expected.length > 0, "api/openapi.yaml has no operations");

  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const response = await page.goto(`${cluster.url}/docs`);
  check(response.status() === 200, `GET /docs answered ${response.status()}`);
  await page.waitForSelector(".opblock", { timeout: 30000 });
  const title = await page.textContent(".info .title");
  check(title.includes(spec.info.title), `Swagger UI shows title "${title}", not "${spec.info.title}"`);
  const listed = (await page.$$eval(".opblock", (blocks) => blocks.map((b) => {
    const method = b.querySelector(".opblock-summary-method").textContent.trim();
    const pathEl = b.querySelector(".opblock-summary-path");
    const path = pathEl.getAttribute("data-path") || pathEl.textContent.trim();
    return `${method.toUpperCase()} ${path.replace(/\u200b/g, "")}`;
  }))).sort();
  const missing = expected.filter((op) => !listed.includes(op));
  const extra = listed.filter((op) => !expected.includes(op));
  check(missing.length === 0 && extra.length === 0,
    `Swagger UI and api/openapi.yaml differ: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`);
  await page.screenshot({ path: join(out, "docs.png") });
  check(errors.length === 0, `page errors: ${errors.join(" | ")}`);
  console.log(`/docs lists all ${listed.length} operations`);
});
