import { coalescingVerifier, compactVerifyItem, type VerifyEngine } from './src/node/crypto/verifyBatch';
const s = require('sodium-native');
const pk = new Uint8Array(32), sk = new Uint8Array(64); s.crypto_sign_keypair(pk, sk);
const msg = new Uint8Array(300).fill(3); const sig = new Uint8Array(64); s.crypto_sign_detached(sig, msg, sk);
const here = (items: any[]) => items.map((i) => s.crypto_sign_verify_detached(i.signature, i.message, i.publicKey));
const engine: VerifyEngine = { here, compact: compactVerifyItem, workerSource: `
const { parentPort } = require('node:worker_threads'); const s = require(${JSON.stringify(require.resolve('sodium-native'))});
parentPort.on('message', ({ id, items }) => parentPort.postMessage({ id, results: items.map((i) => { try { return s.crypto_sign_verify_detached(i.signature, i.message, i.publicKey) } catch { return false } }) }));` };
const v = coalescingVerifier(engine);
(async () => {
  for (let r = 0; r < 3; r++) {
    let a = performance.now(); for (let i = 0; i < 5000; i++) await Promise.resolve(here([{ publicKey: pk, message: msg, signature: sig }])); console.log('direct seq', (performance.now() - a).toFixed(0));
    a = performance.now(); for (let i = 0; i < 5000; i++) await v(pk, msg, sig); console.log('coalesced seq', (performance.now() - a).toFixed(0));
    a = performance.now(); await Promise.all(Array.from({ length: 5000 }, () => v(pk, msg, sig))); console.log('coalesced parallel', (performance.now() - a).toFixed(0));
  }
})();
