/**
 * The `uses:` value of the generated workflows: the guestops action pinned to a full commit SHA
 * with the version in a comment (`OWNER/REPO@<sha> # vX.Y.Z`), the form this repository's own
 * workflow checks require of every third-party action.
 */
import { GuestopsError } from '../errors.js';
import type { ReleaseInfo } from './release.js';

export interface ActionRef {
  readonly repository: string;
  readonly commit: string;
  readonly version: string;
}

/** The line after `uses: ` in a workflow. */
export function actionUses(ref: ActionRef): string {
  return `${ref.repository}@${ref.commit} # v${ref.version}`;
}

/**
 * `--action-ref OWNER/REPO@SHA` (or a bare SHA, in this release's repository); without it, the
 * commit this release was built from. A tag or branch is refused: it can be moved after review.
 */
export function resolveActionRef(raw: string | undefined, release: ReleaseInfo): ActionRef {
  const version = release.version;
  if (raw === undefined) {
    if (!release.repository || !release.commit) {
      throw new GuestopsError(
        'action-ref-unknown',
        'this guestops build does not know the commit of its GitHub Action (it was not built from a git checkout); pass --action-ref OWNER/REPO@<40-hex commit sha>',
      );
    }
    return { repository: release.repository, commit: release.commit, version };
  }
  const m = /^(?:([\w.-]+\/[\w.-]+)@)?([0-9a-f]{40})$/.exec(raw.trim());
  if (!m) {
    throw new GuestopsError(
      'action-ref-invalid',
      `--action-ref must be OWNER/REPO@<40-hex commit sha> (a tag or branch can move after review), got '${raw}'`,
    );
  }
  const repository = m[1] ?? release.repository;
  if (!repository) {
    throw new GuestopsError('action-ref-invalid', `--action-ref ${raw} names no repository, and this guestops build knows none; use OWNER/REPO@SHA`);
  }
  return { repository, commit: m[2]!, version };
}
