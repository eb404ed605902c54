/**
 * Issue [custody], the renderer's custody notice (docs/desktop.md "Key custody"): in escrow mode the Security
 * panel says in a plain sentence that the organisation can recover the conversation and shows the recovery
 * key's fingerprint; a changed recovery key is a warning with both fingerprints and, unless the managed
 * policy pins the key, a button to accept it; zero-trust mode shows nothing. The IPC contract carries only
 * the mode and public fingerprints: a field main might add (a key) is stripped.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { contract } from '../../src/common/ipc/contract';
import { CustodyNotice, shortFingerprint } from '../../src/renderer/src/components/CustodyNotice';

const pinned = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';
const served = 'ZZZZYYYYXXXXWWWWVVVVUUUUTTTTSSSSRRRRQQQQPPP';
const html = (status: Parameters<typeof CustodyNotice>[0]['status'], problem: string | null = null) =>
  renderToStaticMarkup(createElement(CustodyNotice, { status, problem, busy: false, onAccept: () => undefined }));

it('escrow: a permanent line with the fingerprint; zero-trust: nothing', () => {
  const escrow = html({ mode: 'escrow', fingerprint: pinned, recipientChanged: null, managed: false, serverKeys: null, policyMismatch: null });
  expect(escrow).toContain('Your organisation can recover this conversation');
  expect(escrow).toContain(shortFingerprint(pinned));
  expect(shortFingerprint(pinned)).toBe('AbCd EfGh IjKl MnOp QrSt UvWx');
  expect(escrow).not.toContain('custody-recipient-changed');
  expect(html({ mode: 'zero-trust', fingerprint: null, recipientChanged: null, managed: false, serverKeys: null, policyMismatch: null })).toBe('');
  expect(html(null)).toBe('');
  expect(html(null, 'Could not check whether your organisation can recover this conversation.')).toContain('Could not check');
});

it('a changed recovery key is a warning with both fingerprints; accepting is offered only without a managed pin', () => {
  const changed = html({ mode: 'escrow', fingerprint: pinned, recipientChanged: { pinned, served }, managed: false, serverKeys: null, policyMismatch: null });
  expect(changed).toContain('custody-recipient-changed');
  expect(changed).toContain(shortFingerprint(served));
  expect(changed).toContain(shortFingerprint(pinned));
  expect(changed).toContain('Accept the new recovery key');
  const managed = html({ mode: 'escrow', fingerprint: pinned, recipientChanged: { pinned, served }, managed: true, serverKeys: null, policyMismatch: null });
  expect(managed).toContain('custody-recipient-changed');
  expect(managed).not.toContain('Accept the new recovery key');
});

it('the messenger banner: one line in escrow mode, a warning when the recovery key changed, nothing otherwise', () => {
  const banner = (status: Parameters<typeof CustodyNotice>[0]['status']) =>
    renderToStaticMarkup(createElement(CustodyNotice, { status, problem: 'x', busy: false, onAccept: () => undefined, compact: true }));
  expect(banner({ mode: 'escrow', fingerprint: pinned, recipientChanged: null, managed: false, serverKeys: null, policyMismatch: null })).toContain(
    'Your organisation can recover your conversations',
  );
  expect(
    banner({ mode: 'escrow', fingerprint: pinned, recipientChanged: { pinned, served }, managed: false, serverKeys: null, policyMismatch: null }),
  ).toContain('role="alert"');
  expect(banner({ mode: 'zero-trust', fingerprint: null, recipientChanged: null, managed: false, serverKeys: null, policyMismatch: null })).toBe('');
  expect(banner(null)).toBe('');
});

it('the IPC result carries the mode and public fingerprints only', () => {
  const parsed = contract.custodyStatus.result.parse({
    mode: 'escrow',
    fingerprint: pinned,
    recipientChanged: null,
    managed: false,
    serverKeys: null,
    policyMismatch: null,
    privateKey: 'x',
  });
  expect(parsed).toEqual({ mode: 'escrow', fingerprint: pinned, recipientChanged: null, managed: false, serverKeys: null, policyMismatch: null });
  expect(() => contract.acceptEscrowRecipient.args.parse(['not a fingerprint'])).toThrow();
});

it('server-trusted: "Server-managed keys" and one sentence that the server can read it; accepting offered only without a managed policy', () => {
  const accepted = html({ mode: 'server-trusted', fingerprint: null, recipientChanged: null, managed: true, serverKeys: 'accepted', policyMismatch: null });
  expect(accepted).toContain('Server-managed keys: your organisation&#x27;s server can read this conversation.');
  expect(accepted).not.toContain('custody-accept-server-keys');
  const ask = html({ mode: 'server-trusted', fingerprint: null, recipientChanged: null, managed: false, serverKeys: 'ask', policyMismatch: null });
  expect(ask).toContain('Accept server-managed keys');
  const refused = html({ mode: 'server-trusted', fingerprint: null, recipientChanged: null, managed: true, serverKeys: 'refused', policyMismatch: null });
  expect(refused).toContain('custody-server-keys-refused');
  expect(refused).not.toContain('Accept server-managed keys');
  const banner = renderToStaticMarkup(
    createElement(CustodyNotice, {
      status: { mode: 'server-trusted', fingerprint: null, recipientChanged: null, managed: false, serverKeys: 'accepted', policyMismatch: null },
      problem: null,
      busy: false,
      onAccept: () => undefined,
      compact: true,
    }),
  );
  expect(banner).toContain('Server-managed keys: your organisation&#x27;s server can read your conversations.');
  // Only the mode and words cross IPC, never a key.
  const parsed = contract.custodyStatus.result.parse({
    mode: 'server-trusted',
    fingerprint: null,
    recipientChanged: null,
    managed: false,
    serverKeys: 'ask',
    policyMismatch: null,
    key: 'x',
  });
  expect(parsed).toEqual({ mode: 'server-trusted', fingerprint: null, recipientChanged: null, managed: false, serverKeys: 'ask', policyMismatch: null });
});

it('a managed policy naming another mode than the key service: a warning with both, in the panel and the banner, instead of the recovery notice', () => {
  const mismatch = { policy: 'zero-trust' as const, served: 'escrow' as const };
  const status = { mode: 'escrow' as const, fingerprint: pinned, recipientChanged: null, managed: true, serverKeys: null, policyMismatch: mismatch };
  const panel = html(status);
  expect(panel).toContain('custody-policy-mismatch');
  expect(panel).toContain('role="alert"');
  expect(panel).toContain(
    'Your organisation&#x27;s policy on this device names zero-trust key custody, but the key service announces escrow (organisation recovery) custody. This device does not share keys with the recovery key the server names, so sending may stop. Ask your IT department.',
  );
  expect(panel, 'the organisation cannot recover what this device makes: no recovery notice').not.toContain('can recover this conversation');
  const compact = renderToStaticMarkup(createElement(CustodyNotice, { status, problem: null, busy: false, onAccept: () => undefined, compact: true }));
  expect(compact).toContain('names zero-trust key custody');
  const downgrade = html({ ...status, mode: 'zero-trust', fingerprint: null, policyMismatch: { policy: 'server-trusted', served: 'zero-trust' } });
  expect(downgrade).toContain('names server-managed key custody, but the key service announces zero-trust custody.');
  expect(() => contract.custodyStatus.result.parse({ ...status, policyMismatch: { policy: 'open', served: 'escrow' } })).toThrow();
});
