/**
 * The key service as docs/deployment.md §6 "Single sign-on" configures it for an organisation that signs in
 * with its company provider only (open registration, the corp.example domain), over a fresh data directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKeyService, type KeyService } from '../../../src/server/index';
import type { TestProvider } from './oidcProvider';

export function startSsoOnlyKeyService(idp: TestProvider, prefix: string): Promise<KeyService> {
  return startKeyService({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), `${prefix}-ks-`)),
    organisation: {
      signInMethods: ['oidc'],
      registration: 'open',
      allowedEmailDomains: ['corp.example'],
      oidc: { issuer: idp.issuer, clientId: idp.clientId, displayName: 'Corp SSO' },
    },
  });
}
