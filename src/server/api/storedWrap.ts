/**
 * How the key service keeps one wrap (docs/protocol.md §5) in `key_wraps.wrap`: the wrap without its
 * `deviceId` (the row's column), `{enc, ct}` for the original suite and `{suite, enc, ct}` for X-Wing
 * (§5.1), so a device gets back exactly the wrap whose digest the record signed. Also the key service's
 * downgrade check of a submitted record: a wrap to a device whose stored certificate has an X-Wing key
 * must be X-Wing.
 */
import type { KeyWrap } from '../../common/protocol/keyWrap';
import { checkWrapSuiteFor } from '../../common/protocol/keyWrap';

/** A stored wrap: what `key_wraps.wrap` holds. */
export interface StoredWrap {
  readonly suite?: 'xwing';
  readonly enc: string;
  readonly ct: string;
}

/** The JSON text stored for a wrap. */
export function storedWrapJson(w: StoredWrap): string {
  return JSON.stringify(w.suite === undefined ? { enc: w.enc, ct: w.ct } : { suite: w.suite, enc: w.enc, ct: w.ct });
}

/** The wrap of `deviceId` from its stored JSON text. */
export function wrapFromStored(deviceId: string, text: string): KeyWrap {
  const w = JSON.parse(text) as StoredWrap;
  return (w.suite === undefined ? { deviceId, enc: w.enc, ct: w.ct } : { deviceId, suite: w.suite, enc: w.enc, ct: w.ct }) as KeyWrap;
}

/** Throws the protocol's `suite_downgrade` for a classical wrap to a device whose certificate (JSON text) has an X-Wing key. */
export function checkWrapSuiteAgainstCertificate(w: Pick<KeyWrap, 'deviceId' | 'suite'>, certificateJson: string): void {
  const cert = JSON.parse(certificateJson) as { xwing?: unknown };
  checkWrapSuiteFor(w, typeof cert.xwing === 'string');
}
