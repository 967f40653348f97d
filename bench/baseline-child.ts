/**
 * The per-guest baseline as its own process, the way such a script runs in real life: it gets
 * its own core instead of sharing the benchmark process with the emulator it talks to.
 *   node baseline-child.js GRAPH_URL IDENTITIES_JSON_FILE MARKER_PROPERTY   (token in BENCH_TOKEN)
 * Prints the BaselineResult as JSON.
 */
import { readFileSync } from 'node:fs';
import { runPerGuestBaseline } from './per-guest-baseline.js';

const [graphUrl, identitiesFile, markerProperty] = process.argv.slice(2);
const token = process.env['BENCH_TOKEN'];
if (!graphUrl || !identitiesFile || !markerProperty || !token) {
  process.stderr.write('usage: BENCH_TOKEN=... node baseline-child.js GRAPH_URL IDENTITIES_JSON_FILE MARKER_PROPERTY\n');
  process.exit(2);
}
const identities = JSON.parse(readFileSync(identitiesFile, 'utf8')) as { id?: string; upn?: string }[];
const result = await runPerGuestBaseline(graphUrl, token, identities, markerProperty);
process.stdout.write(JSON.stringify(result) + '\n');
