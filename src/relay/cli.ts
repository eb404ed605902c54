/**
 * `npm run relay -- --port <p> --data <dir> [--secret-key <k>] [--publish-key <k>] [--subscribe-key <k>]
 * [--host 127.0.0.1] [--max-history-rows n] [--max-history-bytes n] [--max-connections n] [--max-long-polls n]
 * [--max-long-polls-per-token n] [--max-file-bytes n] [--max-files-channel-bytes n] [--max-files-keyset-bytes n] [--files-retention-seconds n]` (caps: docs/relay.md, "Limits"): runs the local PubNub-protocol relay (development, tests, offline demo only) and prints
 * exactly one line, `relay listening on http://<host>:<port>`, when ready. SIGINT/SIGTERM shut it down
 * gracefully.
 */
import { parseArgs } from 'node:util';
import { AppError } from '../common/errors';
import { startRelay } from './index';

const USAGE =
  'usage: npm run relay -- --port <p> --data <dir> [--secret-key <k>] [--publish-key <k>] [--subscribe-key <k>] [--host 127.0.0.1]' +
  ' [--max-history-rows n] [--max-history-bytes n] [--max-connections n] [--max-long-polls n] [--max-long-polls-per-token n]' +
  ' [--max-file-bytes n] [--max-files-channel-bytes n] [--max-files-keyset-bytes n] [--files-retention-seconds n]';

const LIMIT_FLAGS = {
  'max-history-rows': 'historyRows',
  'max-history-bytes': 'historyBytes',
  'max-connections': 'connections',
  'max-long-polls': 'longPolls',
  'max-long-polls-per-token': 'longPollsPerToken',
  'max-file-bytes': 'fileBytes',
  'max-files-channel-bytes': 'filesChannelBytes',
  'max-files-keyset-bytes': 'filesKeysetBytes',
  'files-retention-seconds': 'filesRetentionSeconds',
} as const;

function fail(message: string): never {
  process.stderr.write(`relay: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        host: { type: 'string' },
        'secret-key': { type: 'string' },
        'publish-key': { type: 'string' },
        'subscribe-key': { type: 'string' },
        ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      },
      strict: true,
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  const portText = values.port ?? fail('--port is required');
  if (!/^\d{1,5}$/.test(portText)) fail('--port must be a number');
  const limits: Record<string, number> = {};
  for (const [flag, key] of Object.entries(LIMIT_FLAGS)) {
    const text = values[flag];
    if (text === undefined) continue;
    if (!/^\d{1,15}$/.test(text)) fail(`--${flag} must be a whole number`);
    limits[key] = Number(text);
  }
  const relay = await startRelay({
    port: Number(portText),
    dataDir: values.data ?? fail('--data is required'),
    host: values.host,
    secretKey: values['secret-key'],
    publishKey: values['publish-key'],
    subscribeKey: values['subscribe-key'],
    limits,
  });
  process.stdout.write(`relay listening on ${relay.url}\n`);
  const stop = () => {
    void relay.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  fail(error instanceof AppError ? `${error.code}: ${error.message}` : String(error));
});
