/**
 * One guest file, bytes in → guests and problems out. Pure (no I/O), so it is the unit the
 * property tests hammer. The order of checks matters: bytes (size, UTF-8, NUL) before YAML,
 * YAML constructs before the schema, the schema before the rules that trust its shapes.
 * A file yields guests only when it has no error at all.
 */
import type { DesiredGuest, Problem, SourceLocation } from './types.js';
import { MAX_FILE_BYTES } from './limits.js';
import { decodeUtf8 } from './source-text.js';
import { parseYaml } from './yaml-tree.js';
import { checkSchema } from './schema.js';
import { checkGuestEntry, guestIdentity, guestNodes, type GuestIdentity } from './rules.js';
import { resolveGuests, toPlain } from './resolve.js';
import { checkLifecycleDefaults, checkLifecycleEntry } from './lifecycle-rules.js';
import { fileStart, problem, warning } from './problems.js';

export interface GuestFile {
  readonly file: string;
  /** Resolved guests; empty when the file has any error. */
  readonly guests: readonly DesiredGuest[];
  /** Identities of every guest entry, even in a file with errors, for the checks across files. */
  readonly identities: readonly GuestIdentity[];
  readonly problems: readonly Problem[];
}

export function parseGuestFile(bytes: Uint8Array, file: string): GuestFile {
  const none = (problems: Problem[]): GuestFile => ({ file, guests: [], identities: [], problems });
  if (bytes.length > MAX_FILE_BYTES) {
    return none([problem('file-too-large', `the file is ${bytes.length} bytes; guest files are limited to ${MAX_FILE_BYTES} bytes (1 MiB); split it`, fileStart(file))]);
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return none([problem(decoded.code, decoded.message, { file, ...decoded.position })]);

  const parsed = parseYaml(decoded.text);
  const at = (position: { line: number; column: number }): SourceLocation => ({ file, line: position.line, column: position.column });
  const problems: Problem[] = parsed.issues.map((i) => problem(i.code, i.message, at(i.position)));
  const root = parsed.root;
  if (root === null) {
    if (problems.length > 0) return none(problems);
    return none([warning('file-empty', 'the file declares no guests (it is empty or only comments)', fileStart(file))]);
  }
  if (root.kind !== 'mapping') {
    const what = root.kind === 'sequence' ? 'a list' : 'a single value';
    problems.push(problem('file-not-mapping', `a guest file is a mapping with a "guests:" list, not ${what}`, at(root.position)));
    return none(problems);
  }

  // A YAML refusal (alias, tag) leaves a stand-in value behind; the schema would complain about
  // that stand-in at the very same spot, which says nothing new, so such echoes are dropped.
  const refused = new Set(parsed.issues.map((i) => `${i.position.line}:${i.position.column}`));
  for (const issue of checkSchema(toPlain(root), root)) {
    if (!refused.has(`${issue.position.line}:${issue.position.column}`)) problems.push(problem(issue.code, issue.message, at(issue.position)));
  }
  const guests = guestNodes(root);
  const flagged = new Set(problems.map((p) => `${p.location.line}:${p.location.column}`));
  for (const p of checkLifecycleDefaults(root, file)) if (!flagged.has(`${p.location.line}:${p.location.column}`)) problems.push(p);
  for (const g of guests) {
    for (const p of [...checkGuestEntry(g, file), ...checkLifecycleEntry(g, file)]) {
      // One problem per spot: a value the schema already refused is not re-judged here.
      if (!flagged.has(`${p.location.line}:${p.location.column}`)) problems.push(p);
    }
  }
  const identities = guests.map((g) => guestIdentity(g, file));
  if (problems.length > 0) return { file, guests: [], identities, problems };
  return { file, guests: resolveGuests(root, file), identities, problems };
}
