/**
 * The embedded local stack with the real key service and relay on loopback: the first app starts it, a
 * second profile's app joins it, a stale stack file is replaced, and tokens are enforced (a client
 * without one is refused by the relay).
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordedLocalStack, startOrJoinLocalStack, type LocalStack } from '../../src/localStack/index';
import { parseCommandLine } from '../../src/cli/args';

const open: LocalStack[] = [];
afterEach(async () => {
  for (const s of open.splice(0).reverse()) await s.close();
});

describe('embedded local stack', () => {
  it('starts the key service and an Access-Manager relay, then a second app joins them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'seed-stack-'));
    const first = await startOrJoinLocalStack(home);
    open.push(first);
    expect(first.owned).toBe(true);
    expect((await fetch(`${first.keyServiceUrl}/healthz`)).ok).toBe(true);
    const unauthenticated = await fetch(`http://${first.relayOrigin}/v3/history/sub-key/${first.subscribeKey}/channel/conv.abcdefgh`);
    expect(unauthenticated.status).toBe(403);
    expect(statSync(join(home, 'local-stack/secret')).mode & 0o077).toBe(0);
    expect(readFileSync(join(home, 'local-stack/stack.json'), 'utf8')).not.toContain(readFileSync(join(home, 'local-stack/secret'), 'utf8'));

    const second = await startOrJoinLocalStack(home);
    expect(second.owned).toBe(false);
    expect(second.keyServiceUrl).toBe(first.keyServiceUrl);
    expect(second.relayOrigin).toBe(first.relayOrigin);
  });

  it('is what the CLI talks to by default, unless told otherwise', async () => {
    const home = mkdtempSync(join(tmpdir(), 'seed-stack-'));
    expect(recordedLocalStack(home)).toBeNull();
    const stack = await startOrJoinLocalStack(home);
    open.push(stack);
    expect(recordedLocalStack(home)).toEqual({ keyServiceUrl: stack.keyServiceUrl, relayUrl: `http://${stack.relayOrigin}` });
    const args = parseCommandLine(['conversations'], { SEED_HOME: home });
    expect([args.server, args.relay]).toEqual([stack.keyServiceUrl, `http://${stack.relayOrigin}`]);
    const explicit = parseCommandLine(['--server', 'http://127.0.0.1:1', 'conversations'], { SEED_HOME: home });
    expect(explicit.server).toBe('http://127.0.0.1:1');
  });

  it('replaces a stack file whose services no longer answer', async () => {
    const home = mkdtempSync(join(tmpdir(), 'seed-stack-'));
    const first = await startOrJoinLocalStack(home);
    await first.close();
    const again = await startOrJoinLocalStack(home);
    open.push(again);
    expect(again.owned).toBe(true);
    expect(again.keyServiceUrl).not.toBe(first.keyServiceUrl);
  });

  it('ignores a corrupt stack file', async () => {
    const home = mkdtempSync(join(tmpdir(), 'seed-stack-'));
    const s = await startOrJoinLocalStack(home);
    open.push(s);
    await s.close();
    open.pop();
    writeFileSync(join(home, 'local-stack/stack.json'), '{"keyServiceUrl": 5');
    const fresh = await startOrJoinLocalStack(home);
    open.push(fresh);
    expect(fresh.owned).toBe(true);
  });
});
