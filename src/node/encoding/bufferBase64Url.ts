/**
 * The native base64url codec of Node (common/encoding/base64url.ts `Base64UrlCodec`) on `Buffer`, installed
 * with the crypto provider (providers.ts): 5-10x faster than the JS codec on ciphertexts and signatures.
 * Buffer's decoder is lenient (it skips foreign characters and accepts padding and the `+` `/` alphabet),
 * so a text is accepted only when re-encoding its bytes gives the same text back: exactly the canonical
 * unpadded texts the JS decoder accepts. The answer is copied out of Buffer's shared pool, so callers may
 * transfer or wipe it.
 */
import type { Base64UrlCodec } from '../../common/encoding/base64url';

export const bufferBase64Url: Base64UrlCodec = {
  encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url'),
  decode: (text) => {
    const decoded = Buffer.from(text, 'base64url');
    return decoded.toString('base64url') === text ? new Uint8Array(decoded) : undefined;
  },
};
