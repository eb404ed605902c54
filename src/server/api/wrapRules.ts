/**
 * Which key versions a member may hold and whether a batch of wraps is exactly what is owed
 * (docs/api.md, `appendMembership` with an `add`: `shared` grants every version, `joined` the current one
 * on; any other set of wraps is 422 `wraps_mismatch`).
 */
import { missingCase } from '../../common/errors';
import type { ConversationRow } from '../store/conversations';
import { Unprocessable } from '../http/httpErrors';

/** The versions a member joining now receives, and the first version they may ever fetch. */
export function entitledVersions(conversation: ConversationRow): { versions: number[]; firstVersion: number } {
  const current = conversation.current_version;
  if (current === 0) return { versions: [], firstVersion: 1 };
  switch (conversation.history_policy) {
    case 'shared':
      return { versions: Array.from({ length: current }, (_, i) => i + 1), firstVersion: 1 };
    case 'joined':
      return { versions: [current], firstVersion: current };
    default:
      return missingCase(conversation.history_policy);
  }
}

/** Throws 422 unless `wraps` holds exactly one wrap per (device, version) in `expected`. */
export function checkExactWraps(wraps: readonly { deviceId: string; version: number }[], expected: ReadonlyMap<string, ReadonlySet<number>>): void {
  const seen = new Set<string>();
  for (const w of wraps) {
    const key = `${w.deviceId}#${w.version}`;
    if (seen.has(key)) throw new Unprocessable(`duplicate wrap for device ${w.deviceId} version ${w.version}`, 'wraps_mismatch');
    seen.add(key);
    if (!expected.get(w.deviceId)?.has(w.version)) {
      throw new Unprocessable(`unexpected wrap for device ${w.deviceId} version ${w.version}`, 'wraps_mismatch');
    }
  }
  let owed = 0;
  for (const versions of expected.values()) owed += versions.size;
  if (owed !== seen.size) throw new Unprocessable(`${owed - seen.size} owed wraps are missing`, 'wraps_mismatch');
}
