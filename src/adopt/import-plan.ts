/**
 * What `guestops import` will write, decided without any I/O: tenant guests + the existing
 * declarations → guest files, and the guests left out with the reason. Every written guest is
 * guaranteed to validate (entry-check.ts) and to plan as an adoption or nothing:
 *   - email = current mail, otherMails = the tenant's list, generation = the marker's (0 if none);
 *   - guests without mail, sharing their mail with another guest, with a marker import cannot
 *     honour, or with a value the schema refuses are skipped and listed;
 *   - guests already declared in the guests/ tree are conflicts: the caller refuses or skips them.
 */
import { posix } from 'node:path';
import type { Declaration, DeclaredIndex } from './declared-index.js';
import { findDeclaration } from './declared-index.js';
import { baselineFor } from './baseline-generation.js';
import { checkEntry } from './entry-check.js';
import { compareEntries, entryLines, type ImportEntry } from './import-entry.js';
import { domainOf, groupEntries, partStem, splitBySize, type GroupBy } from './file-layout.js';
import { renderGuestFile } from './guest-file-text.js';
import type { TenantGuest } from './tenant-guest.js';

export type SkipCode = 'no-mail' | 'shared-mail' | 'marker' | 'invalid';

export interface SkippedGuest {
  readonly id: string;
  readonly upn: string;
  readonly mail: string | null;
  readonly code: SkipCode;
  readonly why: string;
}

export interface ImportNote {
  readonly id: string;
  readonly upn: string;
  readonly note: string;
}

export interface Conflict {
  readonly guest: TenantGuest;
  readonly declaration: Declaration;
}

export interface PlannedFile {
  /** Relative to the working directory, `/`-separated (like the loader's file names). */
  readonly path: string;
  readonly text: string;
  readonly guests: number;
}

export interface ImportPlan {
  readonly files: readonly PlannedFile[];
  /** Guests written to files. */
  readonly imported: number;
  /** Of those, guests that already carry a state marker (declared with its generation). */
  readonly alreadyManaged: number;
  readonly skipped: readonly SkippedGuest[];
  readonly notes: readonly ImportNote[];
  /** Guests already declared in the guests/ tree (not written). */
  readonly conflicts: readonly Conflict[];
}

export interface ImportPlanInput {
  readonly guests: readonly TenantGuest[];
  readonly declared: DeclaredIndex;
  readonly groupBy: GroupBy;
  /** Output folder relative to the working directory, `/`-separated (`guests`, `.`). */
  readonly outDir: string;
  /** `$schema` reference as seen from the output folder. */
  readonly schemaRef: string;
  /** --force: files import writes are replaced whole, so their current declarations do not count. */
  readonly force: boolean;
}

interface Candidate {
  readonly guest: TenantGuest;
  readonly entry: ImportEntry;
  readonly managed: boolean;
}

function skip(g: TenantGuest, code: SkipCode, why: string): SkippedGuest {
  return { id: g.id, upn: g.upn, mail: g.mail, code, why };
}

export function planImport(input: ImportPlanInput): ImportPlan {
  const skipped: SkippedGuest[] = [];
  const notes: ImportNote[] = [];

  // Addresses used as `mail` by more than one guest: the loader refuses one email for two guests,
  // and which of them is "the" guest is a human decision.
  const mailCount = new Map<string, number>();
  for (const g of input.guests) if (g.mail) mailCount.set(g.mail.trim().toLowerCase(), (mailCount.get(g.mail.trim().toLowerCase()) ?? 0) + 1);

  const candidates: Candidate[] = [];
  for (const g of input.guests) {
    if (g.mail === null) {
      skipped.push(skip(g, 'no-mail', 'no mail: guestops declares every guest by the email it redeems with (and matches invited guests by it); set `mail` on the user, then import again or declare it by hand'));
      continue;
    }
    const n = mailCount.get(g.mail.trim().toLowerCase()) ?? 0;
    if (n > 1) {
      skipped.push(skip(g, 'shared-mail', `${n} guests have mail ${g.mail}: declare the one guestops should manage by hand (with its id)`));
      continue;
    }
    const baseline = baselineFor(g.marker, g.mail);
    if (baseline.kind === 'skip') {
      skipped.push(skip(g, 'marker', baseline.why));
      continue;
    }
    const checked = checkEntry({ id: g.id, upn: g.upn, email: g.mail, otherMails: [...g.otherMails], generation: baseline.generation });
    if (checked.kind === 'skip') {
      skipped.push(skip(g, 'invalid', checked.why));
      continue;
    }
    if (checked.note !== undefined) notes.push({ id: g.id, upn: g.upn, note: checked.note });
    candidates.push({ guest: g, entry: checked.entry, managed: baseline.managed });
  }

  // Files as if every candidate were written: with --force, declarations inside those files are
  // about to be replaced and do not make a conflict.
  const firstLayout = layout(candidates.map((c) => c.entry), input);
  const replaced = new Set(input.force ? firstLayout.map((f) => f.path) : []);
  const conflicts: Conflict[] = [];
  const kept: Candidate[] = [];
  for (const c of candidates) {
    const d = findDeclaration(input.declared, c.guest);
    if (d && !replaced.has(d.location.file)) conflicts.push({ guest: c.guest, declaration: d });
    else kept.push(c);
  }
  const files = conflicts.length === 0 ? firstLayout : layout(kept.map((c) => c.entry), input);
  return {
    files,
    imported: kept.length,
    alreadyManaged: kept.filter((c) => c.managed).length,
    skipped,
    notes,
    conflicts,
  };
}

function layout(entries: readonly ImportEntry[], input: ImportPlanInput): PlannedFile[] {
  const files: PlannedFile[] = [];
  for (const [stem, group] of groupEntries(entries, input.groupBy)) {
    const sorted = [...group].sort(compareEntries);
    const parts = splitBySize(sorted, (e) => Buffer.byteLength(entryLines(e).join('\n') + '\n'));
    parts.forEach((part, i) => {
      const what = input.groupBy === 'domain' ? `Guests whose email domain is ${domainOf(part[0]!.email)}` : 'Guests';
      const of = parts.length > 1 ? ` (part ${i + 1} of ${parts.length})` : '';
      const { text } = renderGuestFile(part, { schemaRef: input.schemaRef, description: `${what}, imported from the tenant${of}.` });
      files.push({ path: posix.join(input.outDir, `${partStem(stem, i + 1)}.yaml`), text, guests: part.length });
    });
  }
  return files;
}
