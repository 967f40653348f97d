/** Sets the emulator's latency model through its control plane (`PUT/DELETE /_emulator/latency`). */
export async function setLatency(emulatorUrl: string, spec: string | undefined): Promise<string> {
  const r = await fetch(`${emulatorUrl}/_emulator/latency`, {
    method: spec === undefined ? 'DELETE' : 'PUT',
    ...(spec === undefined ? {} : { body: JSON.stringify({ spec }), headers: { 'content-type': 'application/json' } }),
  });
  if (!r.ok) throw new Error(`emulator latency ${spec ?? 'off'}: HTTP ${r.status} ${await r.text()}`);
  return spec === undefined ? 'off' : ((await r.json()) as { description: string }).description;
}
