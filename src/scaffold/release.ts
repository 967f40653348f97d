/**
 * What this guestops build knows about its own release: the version (package.json), the GitHub
 * repository the action lives in (package.json `repository`) and the commit it was built from
 * (dist/release.json, written by scripts/release-info.mjs at build time). Together they name the
 * action commit of this version, which `guestops init` pins the generated workflows to.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../package-root.js';

export interface ReleaseInfo {
  readonly version: string;
  /** `OWNER/REPO` on GitHub, or null when package.json names no GitHub repository. */
  readonly repository: string | null;
  /** The 40-hex commit guestops was built from, or null (not built in a git checkout). */
  readonly commit: string | null;
}

interface PackageJson {
  readonly version: string;
  readonly repository?: string | { readonly url?: string };
}

/** `OWNER/REPO` from the forms npm accepts for `repository` (github:, git+https URL, shorthand). */
export function githubRepository(repository: PackageJson['repository']): string | null {
  const raw = typeof repository === 'string' ? repository : repository?.url;
  if (!raw) return null;
  const m =
    /^(?:github:)?([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(raw) ??
    /^(?:git\+)?(?:https?|ssh|git):\/\/(?:git@)?github\.com\/([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(raw);
  return m ? m[1]! : null;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

export function releaseInfo(): ReleaseInfo {
  const pkg = readJson(packagePath('package.json')) as PackageJson;
  const built = readJson(packagePath('dist', 'release.json')) as { commit?: unknown } | null;
  const commit = typeof built?.commit === 'string' && /^[0-9a-f]{40}$/.test(built.commit) ? built.commit : null;
  return { version: pkg.version, repository: githubRepository(pkg.repository), commit };
}
