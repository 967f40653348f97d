/** GitHub's size limits and paging header, which the stand-in tests do not reach. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMENT_MAX_CHARS, PLAN_COMMENT_MARKER, planCommentBody } from '../../src/github/sticky-comment.js';
import { fitSummary } from '../../src/github/job-summary.js';
import { nextLink } from '../../src/github/rest.js';
import { repositoryPath } from '../../src/github/annotations.js';

test('a plan too long for a comment is cut to the limit with a note, marker first', () => {
  const body = planCommentBody('x'.repeat(100_000), 'https://github.example/o/r/actions/runs/1');
  assert.equal(body.length <= COMMENT_MAX_CHARS, true);
  assert.ok(body.startsWith(`${PLAN_COMMENT_MARKER}\n`));
  assert.match(body, /plan truncated: 100000 characters/);
  assert.match(body, /actions\/runs\/1/);
  const short = planCommentBody('short plan\n', null);
  assert.equal(short, `${PLAN_COMMENT_MARKER}\nshort plan\n`);
});

test('a summary over the byte limit is cut on a character boundary', () => {
  const text = 'é'.repeat(1000); // 2 bytes each
  const cut = fitSummary(text, 501);
  assert.ok(Buffer.byteLength(cut, 'utf8') <= 501);
  assert.ok(!cut.includes('\uFFFD'));
  assert.match(cut, /truncated/);
  assert.equal(fitSummary('small', 501), 'small\n');
});

test('nextLink reads rel="next" from a Link header', () => {
  assert.equal(
    nextLink('<https://api.example/x?page=2>; rel="next", <https://api.example/x?page=5>; rel="last"'),
    'https://api.example/x?page=2',
  );
  assert.equal(nextLink('<https://api.example/x?page=1>; rel="prev"'), null);
  assert.equal(nextLink(null), null);
});

test('annotation paths are relative to the workspace, with / separators', () => {
  assert.equal(repositoryPath('guests/a.yaml', '/ws', '/ws'), 'guests/a.yaml');
  assert.equal(repositoryPath('guests/a.yaml', '/ws/infra', '/ws'), 'infra/guests/a.yaml');
  assert.equal(repositoryPath('/elsewhere/a.yaml', '/ws', '/ws'), '/elsewhere/a.yaml');
  assert.equal(repositoryPath('guests/a.yaml', '/ws', undefined), 'guests/a.yaml');
});
