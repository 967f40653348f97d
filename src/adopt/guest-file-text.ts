/**
 * The text of one imported guest file: the editor schema comment on top (so VS Code's YAML
 * extension validates and completes while the file is edited), a short header saying where the
 * file came from, then the sorted guests.
 */
import { entryLines, type ImportEntry } from './import-entry.js';
import { commentText } from './yaml-scalar.js';

export interface GuestFileText {
  readonly text: string;
  /** 1-based line of each entry's `- id:`, in entry order. */
  readonly entryLines: readonly number[];
}

export function renderGuestFile(entries: readonly ImportEntry[], options: { schemaRef: string; description: string }): GuestFileText {
  const lines = [
    `# yaml-language-server: $schema=${commentText(options.schemaRef)}`,
    '#',
    `# ${commentText(options.description)}`,
    '# Written by `guestops import`: id, current mail as email, otherMails and the generation found in',
    '# the tenant (the user principal name follows each id as a comment). The next apply adopts these',
    '# guests (records a baseline, resets nothing). Edit freely from here on.',
    'guests:',
  ];
  const at: number[] = [];
  for (const e of entries) {
    at.push(lines.length + 1);
    lines.push(...entryLines(e));
  }
  if (entries.length === 0) lines[lines.length - 1] = 'guests: []';
  return { text: lines.join('\n') + '\n', entryLines: at };
}
