/**
 * The floor of a loopback plan, as its own process: the least any tool that plans these guests
 * against this tenant does, with the packages guestops uses and nothing of guestops. It starts
 * Node, parses every guest file with js-yaml's `load` (no positions, no schema, no checks), then
 * reads the whole guest list with plain `fetch` and `JSON.parse`, one page after another, with
 * the `$select` guestops sends. guestops does all of that and more (each value's position, the
 * schema and the rules before any request, the lookups, the plan and its JSON), so the two walls
 * of the same run tell what guestops itself adds, whatever the speed of the machine that day.
 * One page after another is no handicap here: the emulator answers one request at a time, so on
 * loopback the partitioned listing is not faster.
 *   node floor-child.js GRAPH_URL GUESTS_DIR SELECT   (token in BENCH_TOKEN)
 * Prints {"guests": N, "users": M} (declared guests parsed, guest users listed).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

const [graphUrl, guestsDir, select] = process.argv.slice(2);
const token = process.env['BENCH_TOKEN'];
if (!graphUrl || !guestsDir || !select || !token) {
  process.stderr.write('usage: BENCH_TOKEN=... node floor-child.js GRAPH_URL GUESTS_DIR SELECT\n');
  process.exit(2);
}

let guests = 0;
for (const entry of readdirSync(guestsDir, { recursive: true, encoding: 'utf8' })) {
  if (!entry.endsWith('.yaml')) continue;
  const doc = load(readFileSync(join(guestsDir, entry), 'utf8')) as { guests?: unknown[] } | null;
  guests += doc?.guests?.length ?? 0;
}

const query = new URLSearchParams({ $filter: "userType eq 'Guest'", $select: select, $top: '999' });
let next: string | undefined = `${graphUrl}/v1.0/users?${query}`;
let users = 0;
while (next !== undefined) {
  const response = await fetch(next, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${next}: HTTP ${response.status}`);
  const page = JSON.parse(await response.text()) as { value: unknown[]; '@odata.nextLink'?: string };
  users += page.value.length;
  next = page['@odata.nextLink'];
}
process.stdout.write(JSON.stringify({ guests, users }) + '\n');
