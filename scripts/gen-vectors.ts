/**
 * Generates test/vectors/*.json (docs/protocol.md §11): known-answer vectors with every input — private
 * keys, nonces, ephemeral keys — derived from labels, and valid and invalid cases. Deterministic: running
 * it again reproduces the files byte for byte (test/crypto/vectors_replay.test.ts checks that).
 *   npx tsx scripts/gen-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeCryptoProvider } from '../src/node/crypto/nodeProvider';
import { buildAcceptanceVectors } from '../test/vectors/build/acceptance';
import { buildAttachmentMessageVectors } from '../test/vectors/build/attachmentMessages';
import { buildAttachmentVectors } from '../test/vectors/build/attachments';
import { buildChatActionVectors } from '../test/vectors/build/chatActions';
import { buildPresenceVectors } from '../test/vectors/build/presence';
import { buildAcrhVectors, buildSafetyNumberVectors, buildStockVectors } from '../test/vectors/build/interop';
import { buildDisappearingVectors } from '../test/vectors/build/disappearing';
import { buildDeviceLinkVectors } from '../test/vectors/build/links';
import { buildMembershipVectors } from '../test/vectors/build/membership';
import { buildBroadcastVectors, buildEnvelopeVectors } from '../test/vectors/build/messages';
import { buildCertificateVectors, buildRecordVectors } from '../test/vectors/build/records';
import { buildGrantVectors } from '../test/vectors/build/grants';
import { buildRecoveryVectors } from '../test/vectors/build/recovery';
import { buildDeviceSessionVectors, buildRevocationVectors } from '../test/vectors/build/sessions';
import { buildWrapVectors } from '../test/vectors/build/wraps';
import { buildServerKeyWrapVectors } from '../test/vectors/build/serverKeyWraps';
import { buildXWingDeviceLinkVectors } from '../test/vectors/build/xwingLinks';
import { buildXWingWrapVectors } from '../test/vectors/build/xwingWraps';
import { buildXWingChannelServerWrapVectors } from '../test/vectors/build/xwingChannelServerWraps';
import { buildXWingRecoveryVectors } from '../test/vectors/build/xwingRecovery';

/** Every generated vector file: name → content. */
export async function buildAllVectors(): Promise<Record<string, unknown>> {
  const provider = createNodeCryptoProvider();
  return {
    'key-wraps.json': await buildWrapVectors(provider),
    'device-certificates.json': await buildCertificateVectors(provider),
    'key-version-records.json': await buildRecordVectors(provider),
    'wrap-grants.json': await buildGrantVectors(provider),
    'key-version-acceptance.json': await buildAcceptanceVectors(provider),
    'envelopes.json': await buildEnvelopeVectors(provider),
    'broadcasts.json': await buildBroadcastVectors(provider),
    'pubnub-acrh.json': await buildAcrhVectors(provider),
    'stock-messages.json': await buildStockVectors(provider),
    'safety-numbers.json': await buildSafetyNumberVectors(provider),
    'device-links.json': await buildDeviceLinkVectors(provider),
    'membership-statements.json': await buildMembershipVectors(provider),
    'device-sessions.json': await buildDeviceSessionVectors(provider),
    'device-revocations.json': await buildRevocationVectors(provider),
    'membership-disappearing.json': await buildDisappearingVectors(provider),
    'recovery.json': await buildRecoveryVectors(provider),
    'chat-actions.json': await buildChatActionVectors(provider),
    'presence.json': await buildPresenceVectors(provider),
    'attachments.json': await buildAttachmentVectors(provider),
    'attachment-messages.json': await buildAttachmentMessageVectors(provider),
    'server-key-wraps.json': await buildServerKeyWrapVectors(provider),
    'xwing-key-wraps.json': await buildXWingWrapVectors(provider),
    'xwing-device-links.json': await buildXWingDeviceLinkVectors(provider),
    'xwing-channel-and-server-wraps.json': await buildXWingChannelServerWrapVectors(provider),
    'xwing-recovery.json': await buildXWingRecoveryVectors(provider),
  };
}

/** The exact text written for a vector file. */
export function vectorFileText(content: unknown): string {
  return `${JSON.stringify(content, null, 2)}\n`;
}

async function main(): Promise<void> {
  const dir = join(__dirname, '..', 'test', 'vectors');
  for (const [name, content] of Object.entries(await buildAllVectors())) {
    writeFileSync(join(dir, name), vectorFileText(content));
    console.log(`wrote test/vectors/${name}`);
  }
}

if (process.argv[1]?.endsWith('gen-vectors.ts')) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
