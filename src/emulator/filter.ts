/**
 * OData `$filter` parsing (the subset Graph's directory objects understand): comparisons `eq`/`ne`,
 * `in (...)`, `startswith`/`endswith`, `and`/`or`/`not`, parentheses, lambda `any` on collections,
 * string literals with `''` as the escaped quote. Parsing is generic; what each resource supports
 * is decided by the resource's compiler (users.ts, role-assignments.ts), so an unsupported clause is
 * a 400 like Graph's and never silently ignored.
 */
import { GraphError } from './graph-error.js';

export type Literal = string | number | boolean | null;

export type FilterNode =
  | { readonly kind: 'cmp'; readonly op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; readonly prop: string; readonly value: Literal }
  | { readonly kind: 'in'; readonly prop: string; readonly values: readonly Literal[] }
  | { readonly kind: 'func'; readonly name: 'startswith' | 'endswith'; readonly prop: string; readonly value: string }
  | { readonly kind: 'any'; readonly prop: string; readonly variable: string; readonly body: FilterNode }
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly expr: FilterNode };

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'id'; v: string }
  | { t: 'punct'; v: '(' | ')' | ',' | ':' };

/**
 * Graph answers a malformed filter with 400; the exact wording varies by workload. "Invalid filter
 * clause" is the message quoted in Graph issue threads for directory resources (guess for the detail).
 */
export function invalidFilter(detail: string): GraphError {
  return new GraphError(400, 'BadRequest', `Invalid filter clause: ${detail}`);
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === ',' || c === ':') {
      out.push({ t: 'punct', v: c });
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw invalidFilter('unterminated string literal');
        const d = src[i]!;
        if (d === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += d;
        i++;
      }
      out.push({ t: 'str', v });
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      if (!m) throw invalidFilter(`unexpected '${c}'`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*(\/[A-Za-z_$][A-Za-z0-9_$]*)*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else {
      throw invalidFilter(`unexpected '${c}'`);
    }
  }
  return out;
}

const CMP_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  parse(): FilterNode {
    const e = this.or();
    if (this.i < this.toks.length) throw invalidFilter(`unexpected '${String(this.toks[this.i]!.v)}'`);
    return e;
  }

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'id' && t.v.toLowerCase() === word;
  }

  private expectPunct(p: string): void {
    const t = this.toks[this.i++];
    if (!t || t.t !== 'punct' || t.v !== p) throw invalidFilter(`expected '${p}'`);
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.isKeyword('or')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.isKeyword('and')) {
      this.i++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterNode {
    if (this.isKeyword('not')) {
      this.i++;
      return { kind: 'not', expr: this.unary() };
    }
    return this.primary();
  }

  private literal(): Literal {
    const t = this.toks[this.i++];
    if (!t) throw invalidFilter('expected a value');
    if (t.t === 'str' || t.t === 'num') return t.v;
    if (t.t === 'id') {
      const w = t.v.toLowerCase();
      if (w === 'null') return null;
      if (w === 'true') return true;
      if (w === 'false') return false;
    }
    throw invalidFilter(`expected a value, got '${String(t.v)}'`);
  }

  private identifier(): string {
    const t = this.toks[this.i++];
    if (!t || t.t !== 'id') throw invalidFilter('expected a property name');
    return t.v;
  }

  private primary(): FilterNode {
    const t = this.peek();
    if (!t) throw invalidFilter('unexpected end of expression');
    if (t.t === 'punct' && t.v === '(') {
      this.i++;
      const e = this.or();
      this.expectPunct(')');
      return e;
    }
    if (t.t !== 'id') throw invalidFilter(`unexpected '${String(t.v)}'`);
    const name = t.v.toLowerCase();
    const next = this.toks[this.i + 1];
    if ((name === 'startswith' || name === 'endswith') && next?.t === 'punct' && next.v === '(') {
      this.i += 2;
      const prop = this.identifier();
      this.expectPunct(',');
      const value = this.literal();
      if (typeof value !== 'string') throw invalidFilter(`${name} needs a string`);
      this.expectPunct(')');
      return { kind: 'func', name, prop, value };
    }
    // Lambda: `otherMails/any(x:x eq '...')`.
    const lambda = /^(.*)\/any$/i.exec(t.v);
    if (lambda && next?.t === 'punct' && next.v === '(') {
      this.i += 2;
      const variable = this.identifier();
      this.expectPunct(':');
      const body = this.or();
      this.expectPunct(')');
      return { kind: 'any', prop: lambda[1]!, variable, body };
    }
    this.i++;
    const op = this.peek();
    if (!op || op.t !== 'id') throw invalidFilter(`expected an operator after '${t.v}'`);
    const opName = op.v.toLowerCase();
    this.i++;
    if (opName === 'in') {
      this.expectPunct('(');
      const values: Literal[] = [this.literal()];
      while (this.peek()?.t === 'punct' && this.peek()!.v === ',') {
        this.i++;
        values.push(this.literal());
      }
      this.expectPunct(')');
      return { kind: 'in', prop: t.v, values };
    }
    if (!CMP_OPS.has(opName)) throw invalidFilter(`unknown operator '${op.v}'`);
    return { kind: 'cmp', op: opName as 'eq', prop: t.v, value: this.literal() };
  }
}

export function parseFilter(src: string): FilterNode {
  if (src.trim() === '') throw invalidFilter('empty expression');
  return new Parser(tokenize(src)).parse();
}
