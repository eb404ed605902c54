/**
 * The stages of one rotation measured alone (section `rotation_e2e`, docs/benchmarks.md), to attribute a
 * miss: the creator device, through the key-service HTTP API with its own device-bound session, (1) looks
 * up every member's devices the way the client's directory does (one batched `lookupDirectory` request for
 * the whole group; certificate checks not included), (2) makes the new key version record (new key, one
 * HPKE wrap per device, Ed25519 signature; createKeyVersionRecord), and (3) submits it (`submitKeyVersion`:
 * upload, verification, store; the key service answers before its notices go out). This is a real rotation:
 * the key service accepts it as the next version.
 */
import { performance } from 'node:perf_hooks';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import { createKeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { LOOKUP_USERS, KeyServiceApi, proveDevice } from '../../src/client';
import type { CoreWorld, Member } from '../lib/coreWorld';
import { MeasurementError } from '../lib/errors';
import { provider } from '../lib/fixtures';

export interface RotationStages {
  readonly members: number;
  /** Directory requests the lookup took (one per 1,000 members). */
  readonly lookups: number;
  readonly lookupMs: number;
  readonly wraps: number;
  readonly cryptoMs: number;
  readonly uploadMs: number;
  readonly recordBytes: number;
}

export async function rotationStages(world: CoreWorld, creator: Member, conversationId: ConversationId, members: readonly UserId[]): Promise<RotationStages> {
  const secrets = await creator.firstVault.load();
  if (!secrets) throw new MeasurementError('the creator holds no keys');
  const session = creator.first.session();
  const api = new KeyServiceApi(world.keyService.url);
  const pair = await proveDevice(api, provider, { deviceId: session.deviceId, signingPrivateKey: secrets.device.ed25519.privateKey });
  api.setTokens(pair.accessToken, pair.refreshToken);
  const info = await api.request('getConversation', { params: { conversationId } });

  const t0 = performance.now();
  const recipients: { deviceId: DeviceId; x25519PublicKey: Uint8Array; xwingPublicKey?: Uint8Array }[] = [];
  let lookups = 0;
  for (let i = 0; i < members.length; i += LOOKUP_USERS) {
    const answer = await api.request('lookupDirectory', { body: { userIds: members.slice(i, i + LOOKUP_USERS) } });
    lookups += 1;
    for (const d of answer.devices) {
      const x25519 = d.certificate.x25519;
      if (typeof x25519 !== 'string') throw new MeasurementError(`device ${d.deviceId} has no x25519 key in its certificate`);
      // An X-Wing wrap to a device whose certificate has an X-Wing key (docs/protocol.md §5.1; the key service refuses an X25519 one).
      const xwing = d.certificate.xwing;
      if (d.revokedAt === null)
        recipients.push({
          deviceId: d.deviceId,
          x25519PublicKey: fromBase64Url(x25519),
          ...(typeof xwing === 'string' ? { xwingPublicKey: fromBase64Url(xwing) } : {}),
        });
    }
  }
  const t1 = performance.now();
  const { record } = await createKeyVersionRecord(provider, {
    conversationId,
    version: info.currentVersion + 1,
    createdAt: Date.now(),
    createdByDevice: session.deviceId,
    signingPrivateKey: secrets.device.ed25519.privateKey,
    recipients,
    ...(info.membershipHead !== null ? { membership: info.membershipHead } : {}),
  });
  const t2 = performance.now();
  await api.request('submitKeyVersion', { params: { conversationId }, body: { record } });
  const t3 = performance.now();
  return {
    members: members.length,
    lookups,
    lookupMs: t1 - t0,
    wraps: recipients.length,
    cryptoMs: t2 - t1,
    uploadMs: t3 - t2,
    recordBytes: JSON.stringify(record).length,
  };
}
