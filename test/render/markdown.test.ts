import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown, GITHUB_COMMENT_LIMIT } from '../../src/render/markdown.js';
import { codeSpan, fencedBlock } from '../../src/render/markdown-escape.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { DesiredGuest } from '../../src/desired/types.js';
import type { ObservedUser } from '../../src/plan/observed.js';
import { desired, guest, ID, marker, tenant, user } from '../plan/builders.js';
import { samplePlan } from './sample-plan.js';
import { assertGolden } from './golden.js';

const NOW = { now: new Date(0), leaseSeconds: 900 };

test('markdown plan matches the reviewed golden', () => {
  assertGolden('sample-plan.md', renderMarkdown(samplePlan(), { title: 'guestops plan for #42' }));
});

test('summary table first, blocked guests unfolded, details folded', () => {
  const md = renderMarkdown(samplePlan());
  const summary = md.indexOf('| Resets | Profile updates |');
  const blocked = md.indexOf('[!CAUTION]');
  const firstDetails = md.indexOf('<details>');
  assert.ok(summary > 0 && summary < blocked && blocked < firstDetails, 'order: summary, blocked, details');
  assert.match(md, /\| 1 \| 2 \| 1 \| 1 \| 0 \| \*\*1\*\* \| 0 \|/);
  assert.match(md, /\| `ghost@nowhere\.example` \| `guests\/partners\/tailspin\.yml:16` \| \*\*not found\*\*: `not found: id 0000aaaa-0000-4000-8000-000000000000` \|/);
  assert.equal(md.match(/<details>/g)?.length, 4, 'one folded block per changing guest');
  assert.equal(md.match(/<\/details>/g)?.length, 4);
  assert.match(md, /```diff\n--- mail\n\+\+\+ mail\n@@ -1,1 \+1,1 @@\n-john\.doe@fabrikam\.example\n\+john\.doe@northwind\.example\n/);
});

test('no changes', () => {
  const plan = buildPlan(desired(guest({ id: ID })), tenant([user({ marker: marker(0, 'ann@new.example') })]), NOW);
  assert.equal(renderMarkdown(plan), '### guestops plan\n\n**No changes.** The tenant matches the declared guests (1 guest unchanged).\n');
});

/** Splits a GFM table row on its unescaped pipes (what GitHub does before parsing cells). */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1);
}

test('user data cannot inject HTML, break a table or a fence', () => {
  const nasty = 'x|<script>alert(1)</script>`@evil.example';
  const plan = buildPlan(
    desired(
      guest({ id: ID, email: nasty, file: 'guests/a|b.yaml', line: 2, domainChangeAcks: [{ from: 'x.example', to: 'evil.example', at: 'guest' }] }),
      guest({ upn: 'nobody|<img src=x onerror=alert(1)>', email: 'n@x.example', line: 5 }),
    ),
    // The marker already records the nasty address: a profile update only (a reset to it would be
    // blocked, as Graph refuses such an invitation address), so the mail diff is rendered.
    tenant([user({ mail: 'old```\n</details>@x.example', marker: marker(0, nasty) })]),
    NOW,
  );
  const md = renderMarkdown(plan);
  // Every row of a 3-column table still has exactly 3 cells.
  for (const row of md.split('\n').filter((l) => l.startsWith('| `'))) assert.equal(cells(row).length, 3, row);
  // Outside code spans and fenced blocks there is no raw tag from user data.
  const outsideCode = md
    .replace(/^(`{3,})diff\n[\s\S]*?^\1$/gm, '')
    .replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
  assert.doesNotMatch(outsideCode, /<script|<img|onerror/);
  // In <summary> (an HTML context) it is escaped.
  assert.match(md, /<summary><code>x\|&lt;script&gt;alert\(1\)&lt;\/script&gt;`@evil\.example<\/code>/);
  // The fence is longer than the user's backticks, and their line break stays inside one diff line.
  assert.match(md, /^````diff\n--- mail\n\+\+\+ mail\n@@ -1,1 \+1,1 @@\n-old```\\u000a<\/details>@x\.example\n/m);
  assert.match(md, /^````$/m);
});

test('codeSpan and fencedBlock hold any text literally', () => {
  assert.equal(codeSpan('a|b', true), '`a\\|b`');
  assert.equal(codeSpan('a|b'), '`a|b`');
  assert.equal(codeSpan('x`y'), '``x`y``');
  assert.equal(codeSpan('`x'), '`` `x ``');
  assert.equal(codeSpan('a\nb'), '`a b`');
  assert.deepEqual(fencedBlock('diff', ['+a']), ['```diff', '+a', '```']);
  assert.deepEqual(fencedBlock('', ['`````']), ['``````', '`````', '``````']);
});

function hugePlanInputs(n: number): { guests: DesiredGuest[]; users: ObservedUser[] } {
  const guests: DesiredGuest[] = [];
  const users: ObservedUser[] = [];
  for (let i = 0; i < n; i++) {
    const id = `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, '0')}`;
    guests.push(guest({ id, email: `person${i}@new.example`, otherMails: [`person${i}@new.example`, `p${i}@home.example`], line: i + 1, domainChangeAcks: [{ from: 'old.example', to: 'new.example', at: 'guest' }] }));
    users.push(user({ id, userPrincipalName: `p${i}#EXT#@c`, mail: `person${i}@old.example`, otherMails: [`person${i}@old.example`], marker: marker(0, `person${i}@old.example`) }));
  }
  return { guests, users };
}

test('a huge plan is cut under the comment limit with a note', () => {
  const { guests, users } = hugePlanInputs(2000);
  const plan = buildPlan(desired(...guests), tenant(users), NOW);
  const md = renderMarkdown(plan);
  assert.ok(md.length <= 60_000, `length ${md.length}`);
  assert.ok(md.length > 50_000, 'uses the room it has');
  assert.match(md, /> This plan is too large for one comment: \d+ more guests with changes not shown\./);
  assert.match(md, /\| 2000 \| 2000 \| 0 \| 0 \| 0 \| 0 \| 0 \|/, 'the counts are always complete');
  const small = renderMarkdown(buildPlan(desired(...guests.slice(0, 60)), tenant(users.slice(0, 60)), NOW), { maxChars: 20_000 });
  assert.ok(small.length <= 20_000);
  assert.match(small, /details of \d+ more guests not shown/, 'the table fits, some details do not');
  assert.ok(renderMarkdown(plan, { maxChars: 10_000_000 }).length <= GITHUB_COMMENT_LIMIT, 'never over GitHub limit');
});

test('many blocked guests are cut too, and stay first', () => {
  const guests = Array.from({ length: 3000 }, (_, i) => guest({ id: `bbbbbbbb-0000-4000-8000-${String(i).padStart(12, '0')}`, email: `g${i}@x.example`, line: i + 1 }));
  const md = renderMarkdown(buildPlan(desired(...guests), tenant([]), NOW));
  assert.ok(md.length <= 60_000);
  assert.match(md, /\d+ more blocked guests not shown/);
});
