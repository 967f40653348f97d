/**
 * Judges printed output as the places it lands would: a terminal (control and bidi characters),
 * the GitHub Actions runner (which lines it would execute as workflow commands) and GitHub's
 * markdown renderer (raw HTML outside code). Used by the hostile-text tests.
 */
import assert from 'node:assert/strict';
import type { CliResult } from './cli.js';

// C0 except LF, DEL, C1, bidi embeddings/overrides/isolates, LRM/RLM/ALM, line separators.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

interface RunnerCommand {
  readonly name: string;
  readonly properties: string;
  readonly message: string;
}

/**
 * What the Actions runner would execute from one stream: `::name props::message` after leading
 * whitespace (v2), any line holding `##[` (legacy v1), nothing between `::stop-commands::T` and `::T::`.
 */
export function runnerCommands(text: string): { commands: RunnerCommand[]; legacy: string[] } {
  const commands: RunnerCommand[] = [];
  const legacy: string[] = [];
  let stopToken: string | null = null;
  for (const line of text.split('\n')) {
    if (stopToken !== null) {
      if (line === `::${stopToken}::`) stopToken = null;
      continue;
    }
    if (line.includes('##[')) legacy.push(line);
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line.trimStart());
    if (!m) continue;
    const c = { name: m[1]!, properties: m[2] ?? '', message: m[3] ?? '' };
    commands.push(c);
    if (c.name === 'stop-commands') stopToken = c.message;
  }
  return { commands, legacy };
}

/** Markdown with fenced blocks and code spans removed: what GitHub would parse as markup. */
function outsideCode(md: string): string {
  const kept: string[] = [];
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    const f = /^(`{3,})/.exec(line);
    if (fence !== null) {
      if (f && f[1]!.length >= fence.length && line.trim() === f[1]) fence = null;
      continue;
    }
    if (f) fence = f[1]!;
    else kept.push(line);
  }
  return kept.join('\n').replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

/** `markdown`: the text is rendered as HTML (summary, comment, `--format markdown`), so no raw tag may pass. */
export function assertClean(where: string, text: string, inActions: boolean, markdown = false): void {
  const bad = UNSAFE.exec(text);
  assert.equal(bad, null, `${where}: unsafe character U+${bad?.[0].charCodeAt(0).toString(16)} in:\n${text}`);
  if (markdown) assert.doesNotMatch(outsideCode(text), /<img|<b>pwn|<\/code><\/summary><b>/i, `${where}: raw HTML from tenant data`);
  const { commands, legacy } = runnerCommands(text);
  assert.deepEqual(legacy, [], `${where}: legacy ##[ command`);
  for (const c of commands) {
    assert.ok(['error', 'warning', 'notice', 'add-mask', 'stop-commands'].includes(c.name), `${where}: unexpected command ${c.name}`);
    const forged = /(^|,)title=Forged(,|$)/.test(c.properties) || /^(forged annotation|also forged)/.test(c.message);
    assert.ok(!forged, `${where}: forged command ${JSON.stringify(c)}`);
    if (c.name === 'stop-commands') assert.match(c.message, /^[0-9a-f]{32}$/, `${where}: stop-commands token must be random`);
  }
  if (!inActions) assert.deepEqual(commands, [], `${where}: workflow commands outside Actions`);
}

export function assertRunClean(where: string, r: CliResult, inActions: boolean, markdown = false): void {
  assertClean(`${where} stdout`, r.stdout, inActions, markdown);
  assertClean(`${where} stderr`, r.stderr, inActions);
}

