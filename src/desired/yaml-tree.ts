/**
 * YAML text → a small tree of nodes that remember where they were written.
 *
 * js-yaml v5's AST (`eventsToAst`) carries no positions, but its event stream (`parseEvents`)
 * carries source offsets for every node. This module composes the tree from those events itself,
 * so every later problem can point at the exact node (`otherMail:` points at that key, not at the
 * file). Composing ourselves also lets us refuse what guest files never need, before anything
 * is constructed: anchors, aliases and merge keys (so an alias bomb costs nothing), explicit tags
 * (`!!js/function` and friends), directives, several documents, duplicate keys, non-string keys
 * and the `__proto__`/`constructor`/`prototype` keys. Plain scalars are resolved with the tags of
 * js-yaml's CORE_SCHEMA (YAML 1.2 core: `0` is a number, `true` a boolean, `~` null) so values
 * mean what `js-yaml.load` would say.
 */
import { CORE_SCHEMA, NOT_RESOLVED, SCALAR_STYLE, YAMLException, getScalarValue, parseEvents } from 'js-yaml';
import type { Event, ScalarTagDefinition } from 'js-yaml';
import { MAX_YAML_DEPTH } from './limits.js';
import { LineIndex, type TextPosition } from './source-text.js';
import { quoteValue } from './problem-format.js';
import type { ProblemCode } from './codes.js';

export type ScalarValue = string | number | boolean | null;

export interface YScalar {
  readonly kind: 'scalar';
  readonly value: ScalarValue;
  readonly position: TextPosition;
  /** The text as written, kept when it reads as an integer a JavaScript number cannot hold exactly. */
  readonly source?: string;
}
export interface YSequence {
  readonly kind: 'sequence';
  readonly items: YNode[];
  readonly position: TextPosition;
}
export interface YEntry {
  readonly key: string;
  readonly keyPosition: TextPosition;
  readonly value: YNode;
}
export interface YMapping {
  readonly kind: 'mapping';
  readonly entries: YEntry[];
  readonly position: TextPosition;
}
export type YNode = YScalar | YSequence | YMapping;

/** A problem found while reading YAML, positioned in the text (the caller adds the file). */
export interface YamlIssue {
  readonly code: ProblemCode;
  readonly message: string;
  readonly position: TextPosition;
}

export interface ParsedYaml {
  /** The document's content; null for an empty file (no document, or an empty one). */
  readonly root: YNode | null;
  readonly issues: readonly YamlIssue[];
}

/** Keys that could reach an object's prototype if some later code assigned them naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const implicitScalarTags: readonly ScalarTagDefinition[] = CORE_SCHEMA.tags.filter(
  (t): t is ScalarTagDefinition => t.nodeKind === 'scalar' && t.implicit,
);

/** Resolves a plain (unquoted) scalar the way YAML 1.2's core schema does. */
export function resolvePlainScalar(source: string): ScalarValue {
  const first = source.charAt(0);
  for (const tag of implicitScalarTags) {
    if (tag.implicitFirstChars !== null && !tag.implicitFirstChars.includes(first)) continue;
    const value: unknown = tag.resolve(source, false, tag.tagName);
    if (value === NOT_RESOLVED) continue;
    if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  }
  return source;
}

type Frame =
  | { readonly kind: 'sequence'; readonly node: YSequence }
  | { readonly kind: 'mapping'; readonly node: YMapping; key: YNode | null; readonly seen: Map<string, TextPosition> };

export function parseYaml(text: string): ParsedYaml {
  const lines = new LineIndex(text);
  const issues: YamlIssue[] = [];
  const at = (offset: number): TextPosition => lines.position(offset);

  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_YAML_DEPTH });
  } catch (e) {
    return { root: null, issues: [syntaxIssue(e, lines)] };
  }

  let root: YNode | null = null;
  let documents = 0;
  const stack: Frame[] = [];
  /** End offset of the last scalar seen: where an empty value (`key:` with nothing) sits. */
  let lastEnd = 0;

  const attach = (node: YNode): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (documents === 1) root = node;
      return;
    }
    if (top.kind === 'sequence') {
      top.node.items.push(node);
      return;
    }
    if (top.key === null) {
      top.key = node;
      return;
    }
    const key = top.key;
    top.key = null;
    if (key.kind !== 'scalar') {
      issues.push({ code: 'yaml-complex-key', message: 'a mapping key must be a plain string, not a collection', position: key.position });
      return;
    }
    const name = key.value === null ? '' : String(key.value);
    if (name === '<<') {
      issues.push({ code: 'yaml-merge-key', message: 'merge keys (<<) are not supported in guest files; write the keys out', position: key.position });
      return;
    }
    if (FORBIDDEN_KEYS.has(name)) {
      issues.push({ code: 'yaml-forbidden-key', message: `key ${quoteValue(name)} is not allowed`, position: key.position });
      return;
    }
    const first = top.seen.get(name);
    if (first) {
      issues.push({
        code: 'yaml-duplicate-key',
        message: `duplicate key ${quoteValue(name)} (first set at line ${first.line}, column ${first.column})`,
        position: key.position,
      });
      return;
    }
    top.seen.set(name, key.position);
    top.node.entries.push({ key: name, keyPosition: key.position, value: node });
  };

  const refuseDecorations = (e: { anchorStart: number; anchorEnd: number; tagStart: number; tagEnd: number }): void => {
    if (e.anchorStart >= 0) {
      issues.push({
        code: 'yaml-anchor',
        message: `anchor &${text.slice(e.anchorStart, e.anchorEnd)}: anchors, aliases and merge keys are not supported in guest files`,
        position: at(e.anchorStart > 0 && text[e.anchorStart - 1] === '&' ? e.anchorStart - 1 : e.anchorStart),
      });
    }
    if (e.tagStart >= 0) {
      issues.push({
        code: 'yaml-tag',
        message: `tag ${quoteValue(text.slice(e.tagStart, e.tagEnd))}: explicit YAML tags are not supported in guest files`,
        position: at(e.tagStart),
      });
    }
  };

  for (const e of events) {
    switch (e.type) {
      case 1: {
        documents++;
        if (documents === 2) {
          issues.push({
            code: 'yaml-multiple-documents',
            message: 'a guest file holds one YAML document; split the others into their own files',
            position: at(secondDocumentOffset(text)),
          });
        }
        if (e.directives.length > 0 && documents === 1) {
          const d = /^%/m.exec(text);
          issues.push({ code: 'yaml-directive', message: 'YAML directives (%YAML, %TAG) are not supported in guest files', position: at(d?.index ?? 0) });
        }
        break;
      }
      case 2:
      case 3: {
        refuseDecorations(e);
        const starts = [e.start, e.anchorStart > 0 ? e.anchorStart - 1 : -1, e.tagStart].filter((o) => o >= 0);
        const position = at(Math.min(...starts));
        lastEnd = e.start + 1;
        if (e.type === 2) stack.push({ kind: 'sequence', node: { kind: 'sequence', items: [], position } });
        else stack.push({ kind: 'mapping', node: { kind: 'mapping', entries: [], position }, key: null, seen: new Map() });
        break;
      }
      case 4: {
        refuseDecorations(e);
        const decoded = getScalarValue(text, e);
        const plain = e.style === SCALAR_STYLE.PLAIN;
        const quoted = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED;
        let start = e.valueStart >= 0 ? e.valueStart - (quoted ? 1 : 0) : -1;
        // A block scalar's content starts at its first line's indentation: point past it, at the text.
        if (start >= 0 && (e.style === SCALAR_STYLE.LITERAL_BLOCK || e.style === SCALAR_STYLE.FOLDED_BLOCK)) {
          while (start < e.valueEnd && (text[start] === ' ' || text[start] === '\t')) start++;
        }
        if (e.tagStart >= 0) start = start < 0 ? e.tagStart : Math.min(start, e.tagStart);
        if (e.anchorStart > 0) start = start < 0 ? e.anchorStart - 1 : Math.min(start, e.anchorStart - 1);
        // An empty value (`key:` and nothing) has no offset of its own: it is reported on its key.
        const top = stack[stack.length - 1];
        const position =
          start >= 0
            ? at(start)
            : top?.kind === 'mapping' && top.key !== null
              ? top.key.position
              : at(top?.kind === 'sequence' ? nextDash(text, lastEnd) : lastEnd);
        if (e.valueEnd >= 0) lastEnd = e.valueEnd;
        const value = plain ? resolvePlainScalar(decoded) : decoded;
        const inexact = typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);
        attach({ kind: 'scalar', value, position, ...(inexact ? { source: decoded } : {}) });
        break;
      }
      case 5: {
        const start = e.anchorStart > 0 ? e.anchorStart - 1 : e.anchorStart;
        issues.push({
          code: 'yaml-alias',
          message: `alias *${text.slice(e.anchorStart, e.anchorEnd)}: anchors, aliases and merge keys are not supported in guest files`,
          position: at(start),
        });
        // Stand in a null so the surrounding structure stays intact and later keys still get checked.
        attach({ kind: 'scalar', value: null, position: at(start) });
        break;
      }
      case 6: {
        const frame = stack.pop();
        if (frame) {
          if (frame.kind === 'mapping' && frame.key !== null) attach(frame.key); // defensive: odd event count
          attach(frame.node);
        }
        break;
      }
    }
  }
  const content = root as YNode | null;
  // A document holding nothing but an empty plain scalar (comments only, or a bare `---`) is empty.
  const isEmpty = content === null || (content.kind === 'scalar' && content.value === null && emptyText(text));
  return { root: isEmpty ? null : content, issues };
}

/** The `- ` indicator of an empty sequence item: the first one after `from`, comments skipped. */
function nextDash(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '-' && (i + 1 === text.length || /\s/.test(text[i + 1]!))) return i;
  }
  return from;
}

/** True when the text holds only comments, blank lines and document markers. */
function emptyText(text: string): boolean {
  return text.split(/\r\n|\r|\n/).every((l) => /^\s*(#.*)?$/.test(l) || /^(---|\.\.\.)\s*(#.*)?$/.test(l));
}

/** Offset of the `---` marker that opens the second document. */
function secondDocumentOffset(text: string): number {
  const markers = [...text.matchAll(/^---(?=[ \t\r\n]|$)/gm)].map((m) => m.index ?? 0);
  const firstContent = text.search(/^(?![ \t]*(#|$)|%)/m);
  // When the first document starts with its own `---`, the second document is the second marker.
  const opensWithMarker = markers.length > 0 && (firstContent < 0 || markers[0]! <= firstContent);
  return markers[opensWithMarker ? 1 : 0] ?? markers[markers.length - 1] ?? 0;
}

function syntaxIssue(e: unknown, lines: LineIndex): YamlIssue {
  if (e instanceof YAMLException) {
    const position = e.mark ? lines.position(e.mark.position) : { line: 1, column: 1 };
    // js-yaml reports the depth limit as an ordinary exception; its reason text is the only signal.
    if (e.reason.startsWith('nesting exceeded maxDepth')) {
      return { code: 'yaml-too-deep', message: `collections nested more than ${MAX_YAML_DEPTH} levels deep`, position };
    }
    return { code: 'yaml-syntax', message: `not valid YAML: ${e.reason}`, position };
  }
  // Anything else the parser throws is still the file's fault, never a crash of guestops.
  return { code: 'yaml-syntax', message: `not valid YAML: ${e instanceof Error ? e.message : String(e)}`, position: { line: 1, column: 1 } };
}
