// Exits 0 when dist/ holds a build newer than every source of the app, 1 when it must be rebuilt.
// The dev launcher calls it (through `npm run --silent check:dist`) before serving dist/.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const SOURCES = ["src", "public", "index.html", "package-lock.json", "vite.config.ts", "tsconfig.app.json"];

function newestChange(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stats.mtimeMs);
}

const built = statSync(join(root, "dist", "index.html"), { throwIfNoEntry: false });
const sources = Math.max(...SOURCES.map((name) => newestChange(join(root, name))));
const fresh = built !== undefined && built.mtimeMs >= sources;
if (!fresh) console.error(built ? "apps/web/dist is older than its sources" : "apps/web/dist is missing");
process.exit(fresh ? 0 : 1);
