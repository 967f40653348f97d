/** The JSON Schema itself: draft 2020-12, closed objects, documented fields, in step with the types. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { suggestKey, forbiddenInInvitationEmail } from '../../src/desired/schema.js';
import { GUESTS_VALIDATOR, schemaDocument } from '../../src/schema-validators.js';

const guestsSchema = (): Record<string, unknown> => schemaDocument(GUESTS_VALIDATOR);

type SchemaNode = Record<string, unknown>;

function walk(node: unknown, path: string, visit: (n: SchemaNode, path: string) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((n, i) => walk(n, `${path}/${i}`, visit));
    return;
  }
  const n = node as SchemaNode;
  visit(n, path);
  for (const [k, v] of Object.entries(n)) if (k !== 'enum' && k !== 'required') walk(v, `${path}/${k}`, visit);
}

test('the schema is a strict draft 2020-12 schema with an $id', () => {
  const schema = guestsSchema();
  assert.equal(schema['$schema'], 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(typeof schema['$id'], 'string');
  const ajv = new Ajv2020({ strict: true });
  addFormatsModule.default(ajv);
  assert.doesNotThrow(() => ajv.compile(schema));
});

test('every object is closed (additionalProperties: false) and every field has a description', () => {
  const missing: string[] = [];
  walk(guestsSchema(), '', (n, path) => {
    if (n['type'] === 'object' && n['additionalProperties'] !== false) missing.push(`${path}: additionalProperties`);
    const props = n['properties'] as Record<string, SchemaNode> | undefined;
    for (const [name, prop] of Object.entries(props ?? {})) {
      if (typeof prop['description'] !== 'string' || prop['description'].length < 10) missing.push(`${path}/properties/${name}: description`);
    }
    if (n['type'] === 'array') {
      const items = n['items'] as SchemaNode;
      if (!items['$ref'] && typeof items['description'] !== 'string') missing.push(`${path}/items: description`);
    }
  });
  assert.deepEqual(missing, []);
});

test('the guest fields of the schema are the fields of DesiredGuest', () => {
  const defs = guestsSchema()['$defs'] as Record<string, SchemaNode>;
  const guest = Object.keys(defs['guest']!['properties'] as object);
  // GuestFieldLocations in src/desired/types.ts lists these same keys.
  assert.deepEqual(guest, ['id', 'upn', 'email', 'otherMails', 'generation', 'invitation', 'acknowledgeDomainChange', 'sponsors', 'expires', 'enabled']);
  const invitation = Object.keys(defs['invitation']!['properties'] as object);
  assert.deepEqual(invitation, ['redirectUrl', 'sendMessage', 'messageLanguage', 'ccRecipients', 'customizedMessageBody']);
});

test('the invitation-email pattern refuses exactly what GRAPH.md lists', () => {
  const defs = guestsSchema()['$defs'] as Record<string, SchemaNode>;
  const pattern = new RegExp(defs['invitationEmail']!['pattern'] as string, 'u');
  for (const ch of '~!#$%^&*()+=[]{}\\/|;:"<>?,') {
    assert.equal(pattern.test(`a${ch}b@x.example`), false, `pattern accepts ${ch}`);
    assert.ok(forbiddenInInvitationEmail(`a${ch}b@x.example`)?.includes('Graph refuses'), ch);
  }
  for (const ok of ['a@x.example', 'a.b-c_d@x.example', "o'neil@x.example", 'a_@x.example', '_a@x.example']) {
    assert.equal(pattern.test(ok), true, ok);
    assert.equal(forbiddenInInvitationEmail(ok), undefined, ok);
  }
  for (const edge of ['.a@x.example', 'a.@x.example', '-a@x.example', 'a-@x.example']) {
    assert.equal(pattern.test(edge), false, edge);
    assert.ok(forbiddenInInvitationEmail(edge));
  }
});

test('typo suggestions: case, and up to two edits', () => {
  const keys = ['id', 'upn', 'email', 'otherMails', 'generation', 'invitation'];
  assert.equal(suggestKey('otherMail', keys), 'otherMails');
  assert.equal(suggestKey('Email', keys), 'email');
  assert.equal(suggestKey('genration', keys), 'generation');
  assert.equal(suggestKey('mail', keys), 'email');
  assert.equal(suggestKey('redirect', keys), undefined);
  assert.equal(suggestKey('xyz', keys), undefined);
});
