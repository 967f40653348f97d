/**
 * `guestops setup`: registers, once per tenant, the directory extension that holds guestops'
 * state marker on the apply app. Idempotent: an existing property is reported, not re-created.
 * Why a directory extension: it comes back in the same bulk `GET /users?$select=` as the user,
 * which open extensions do not (they need `$expand` per user).
 */
import type { Command } from '../command.js';
import { GuestopsError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connect, normalizeOptionalEmulator } from '../connect.js';
import { MARKER_EXTENSION_NAME } from '../../graph/marker-property.js';
import { registerMarkerExtension } from '../../graph/extension-setup.js';
import { escapeUntrusted } from '../../render/untrusted.js';

const usage = `guestops setup: register the directory extension where guestops keeps its state marker.

Usage: guestops setup --app-id APPID [--name ${MARKER_EXTENSION_NAME}]

Options:
  --app-id APPID   application (client) id of the apply app registration that owns the extension
  --name NAME      extension name (default ${MARKER_EXTENSION_NAME}); the property is
                   extension_<APPID without dashes>_<NAME>
${CONNECTION_USAGE}

Needs Application.ReadWrite.OwnedBy (the app owns itself) or Application.ReadWrite.All.
Running it again is safe: an existing extension is reported and left as it is.

Examples:
  guestops setup --app-id 8c3f2a10-5b7e-4d2c-9a61-3e0f7b9d2c41
  guestops setup --emulator --app-id 8c3f2a10-5b7e-4d2c-9a61-3e0f7b9d2c41
`;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const command: Command = {
  summary: 'Register the state-marker directory extension (once per tenant)',
  usage,
  async run(args) {
    const o = parseCommandArgs('setup', normalizeOptionalEmulator(args), {
      'app-id': { type: 'string' },
      name: { type: 'string', default: MARKER_EXTENSION_NAME },
      ...CONNECTION_OPTIONS,
    });
    const appId = o['app-id'];
    if (appId === undefined) throw new GuestopsError('usage', "--app-id is required. Run 'guestops setup --help'.");
    if (!GUID.test(appId)) throw new GuestopsError('usage', `--app-id must be an application (client) id GUID, got '${appId}'`);
    if (!/^[A-Za-z][A-Za-z0-9_]{0,80}$/.test(o.name!)) {
      throw new GuestopsError('usage', `--name must start with a letter and hold only letters, digits and _, got '${o.name}'`);
    }
    const conn = await connect(o);
    try {
      const r = await registerMarkerExtension(conn.graph, appId, o.name!);
      // The property name comes back from Graph: printed escaped like any tenant text.
      const property = escapeUntrusted(r.property);
      const app = escapeUntrusted(appId);
      if (r.created) process.stdout.write(`Registered directory extension ${property} on application ${app}.\n`);
      else process.stdout.write(`Directory extension ${property} already exists on application ${app}; nothing to do.\n`);
      process.stdout.write(`Use it with: --marker-property ${property}  (or GUESTOPS_MARKER_PROPERTY=${property})\n`);
      return 0;
    } finally {
      await conn.close();
    }
  },
};
