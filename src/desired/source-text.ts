/**
 * From file bytes to text with positions: strict UTF-8 decoding (a guest file that is not UTF-8
 * is refused, never guessed at), NUL detection, and offset → line:column mapping that agrees
 * with what an editor shows (CRLF is one line break; a tab and an astral character are one
 * column each).
 */

export interface TextPosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in characters (code points) from the start of the line. */
  readonly column: number;
}

export type DecodedText =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      readonly code: 'file-not-utf8' | 'file-contains-nul';
      readonly message: string;
      readonly position: TextPosition;
    };

/** Maps UTF-16 offsets of a text to line and column. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // YAML line breaks: LF, CR LF, and a lone CR.
      if (c === 0x0a) this.lineStarts.push(i + 1);
      else if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  position(offset: number): TextPosition {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo]!;
    let column = 1;
    for (let i = start; i < at; i++) {
      const c = this.text.charCodeAt(i);
      // A surrogate pair is one character: count only its high half.
      if (!(c >= 0xdc00 && c <= 0xdfff && i > start && isHighSurrogate(this.text.charCodeAt(i - 1)))) column++;
    }
    return { line: lo + 1, column };
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

const CHUNK = 64 * 1024;

/**
 * Decodes UTF-8 strictly. A leading byte-order mark is dropped (editors on Windows add one),
 * so positions match what the user sees after it.
 */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, code: 'file-not-utf8', message: 'the file is not valid UTF-8; save it as UTF-8', position: locateInvalidUtf8(bytes) };
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    return {
      ok: false,
      code: 'file-contains-nul',
      message: 'the file contains a NUL character (a binary file, or a text editor fault)',
      position: new LineIndex(text).position(nul),
    };
  }
  return { ok: true, text };
}

/**
 * Finds where strict decoding fails. Only runs on the error path: decode chunk by chunk to find
 * the failing chunk, then byte by byte inside it, keeping the text decoded so far for the
 * line and column.
 */
function locateInvalidUtf8(bytes: Uint8Array): TextPosition {
  let decoder = new TextDecoder('utf-8', { fatal: true });
  let before = '';
  let chunkStart = 0;
  for (; chunkStart < bytes.length; chunkStart += CHUNK) {
    const probe = new TextDecoder('utf-8', { fatal: true });
    try {
      probe.decode(bytes.subarray(0, chunkStart), { stream: true });
      probe.decode(bytes.subarray(chunkStart, Math.min(bytes.length, chunkStart + CHUNK)), { stream: true });
      if (chunkStart + CHUNK >= bytes.length) probe.decode();
    } catch {
      break;
    }
  }
  decoder = new TextDecoder('utf-8', { fatal: true });
  before = decoder.decode(bytes.subarray(0, chunkStart), { stream: true });
  try {
    for (let i = chunkStart; i < bytes.length; i++) before += decoder.decode(bytes.subarray(i, i + 1), { stream: true });
    decoder.decode();
  } catch {
    // `before` holds every complete character before the bad sequence.
  }
  return new LineIndex(before).position(before.length);
}
