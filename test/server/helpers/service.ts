/** Starts a key service on a fresh store of one backend for a test file, and tears it down. */
import { startKeyService, type KeyService, type KeyServiceOptions } from '../../../src/server/index';
import { freshStore, type BackendName, type BackendStore } from './backends';
import { Api } from './client';

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface Running {
  readonly api: Api;
  readonly service: KeyService;
  readonly store: BackendStore;
  /** Unexpected errors the service reported (a 500 is a bug). */
  readonly bugs: unknown[];
  stop(): Promise<void>;
}

export async function startOn(backend: BackendName, extra: Partial<KeyServiceOptions> = {}): Promise<Running> {
  const store = await freshStore(backend);
  const bugs: unknown[] = [];
  const service = await startKeyService({
    dataDir: store.dataDir,
    ...(store.databaseUrl ? { databaseUrl: store.databaseUrl } : {}),
    jwtSecret: TEST_JWT_SECRET,
    validateResponses: true,
    rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perAccount: { limit: 1_000, windowMs: 60_000 } },
    log: (message, err) => {
      if (message.startsWith('unexpected')) bugs.push(err);
    },
    ...extra,
  });
  return {
    api: new Api(service.url),
    service,
    store,
    bugs,
    async stop() {
      await service.close();
      store.cleanup();
    },
  };
}
