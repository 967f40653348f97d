// Runs every compiled `*.test.js` under dist/test (Node 20's `--test <dir>` would also run
// helpers as test files). Extra arguments narrow the run: `node scripts/run-tests.mjs emulator`
// runs only test files whose path contains "emulator".
//
// Every test process (and every CLI it spawns) gets TMPDIR set to one scratch directory of this
// run, removed when the run ends: tests make hundreds of temporary working directories, and a
// test that fails half-way cannot be trusted to remove its own. GUESTOPS_KEEP_TEST_TMP=1 keeps the
// directory (its path is printed) to look at what a failing test left behind.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : [],
  );
}

const filters = process.argv.slice(2);
const files = walk('dist/test')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), 'guestops-test-run-'));
const keep = process.env.GUESTOPS_KEEP_TEST_TMP === '1';
// A Ctrl-C reaches the test processes too (same process group); this process only waits for them
// to end and then cleans up, as on a normal exit.
process.on('SIGINT', () => {});
const env = { ...process.env, TMPDIR: scratch, TMP: scratch, TEMP: scratch };
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env });
if (keep) console.error(`test scratch directory kept: ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });
process.exit(r.status ?? 1);
