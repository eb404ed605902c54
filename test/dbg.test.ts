import { it, afterAll } from 'vitest';
import { PUB, SECRET, SUB, cleanup, client, startTestRelay, userWithToken } from '/work/wt/files/test/relay/helpers';
afterAll(cleanup);
it('dbg', async () => {
  const relay = await startTestRelay({ secretKey: SECRET, publishKey: PUB, subscribeKey: SUB, limits: { fileBytes: 50_000 } });
  const ks = client(relay, 'ks', { secretKey: SECRET });
  const u = await userWithToken(relay, ks, 'alice', { resources: { channels: { c: { read: true, write: true } } } });
  const t0 = Date.now();
  try { await u.sendFile({ channel: 'c', file: { data: Buffer.alloc(60_000), name: 'x', mimeType: 'application/octet-stream' } }); } catch (e) { console.log(Date.now() - t0, (e as Error).message, JSON.stringify((e as any).status)); }
}, 30000);
