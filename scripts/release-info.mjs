// Records, at build time, the commit guestops is built from in dist/release.json. `guestops init`
// pins the generated workflows to the GitHub Action at that commit (`uses: OWNER/guestops@<sha>`):
// a release is built (npm publish runs `prepare`) from its tag's commit, so the package names the
// exact action commit of its own version. Outside a git checkout the commit is null and init asks
// for --action-ref instead.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

function git(...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const commit = git('rev-parse', 'HEAD');
const info = {
  commit: commit && /^[0-9a-f]{40}$/.test(commit) ? commit : null,
  // Uncommitted changes: the pinned commit is not exactly what was built.
  dirty: commit ? git('status', '--porcelain', '--untracked-files=no') !== '' : null,
};
mkdirSync('dist', { recursive: true });
writeFileSync('dist/release.json', JSON.stringify(info, null, 2) + '\n');
