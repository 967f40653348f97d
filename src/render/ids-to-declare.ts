/**
 * The plan's reminder to declare the ids of email-only guests guestops invited (see
 * plan/invited-undeclared.ts): until the YAML names the id, an edit of the email cannot move this
 * user and is blocked.
 */
import type { IdToDeclare, Plan } from '../plan/types.js';
import { escapeUntrusted } from './untrusted.js';
import { codeSpan } from './markdown-escape.js';

const WHY = 'guestops invited this email-only guest; with its id declared, a later edit of the email moves this user instead of being blocked';

function sentence(d: IdToDeclare): string {
  return `add \`id: ${d.id}\` to the guest at ${d.file}:${d.line} (${d.email}): ${WHY}`;
}

/** Text lines (guest values escaped); empty when there is nothing to declare. */
export function idsToDeclareText(plan: Plan): string[] {
  return (plan.idsToDeclare ?? []).map((d) => `i ${escapeUntrusted(sentence(d))}`);
}

/** Markdown lines (a note and a list); empty when there is nothing to declare. */
export function idsToDeclareMarkdown(plan: Plan): string[] {
  const list = plan.idsToDeclare ?? [];
  if (list.length === 0) return [];
  return [
    `> [!NOTE]`,
    `> **Declare the id of ${list.length} invited email-only guest${list.length === 1 ? '' : 's'}:** ${WHY}.`,
    '',
    ...list.map((d) => `- ${codeSpan(`${d.file}:${d.line}`)} ${codeSpan(d.email)}: add ${codeSpan(`id: ${d.id}`)}`),
    '',
  ];
}
