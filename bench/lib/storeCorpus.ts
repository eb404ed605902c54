/**
 * A stored history for the store sections (docs/benchmarks.md, `store`): N opened text messages spread over
 * conversations, with bodies of office-chat words (a fixed seeded generator, so every run stores the same
 * text), and the same rows as `LocalStore.put` takes them. Some bodies carry accented and CJK words, as a
 * company's chat does.
 */
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { StoredMessage } from '../../src/client';
import { encodePlaintext } from '../../src/common/protocol/plaintext';

const WORDS = (
  'meeting budget report quarter review deploy release build test customer invoice contract draft agenda ' +
  'lunch coffee design mockup feedback sprint ticket backlog roadmap launch deadline office remote travel ' +
  'hotel flight approve signed thanks please tomorrow today morning afternoon update status blocker fixed ' +
  'merged branch server database outage incident postmortem hiring interview candidate offer onboarding ' +
  'laptop password security training policy slides numbers forecast revenue margin cost vendor partner ' +
  'café résumé naïve déjà façade 会議 東京 資料 確認 予定 报告 项目 客户 and the a to of in for on with at is it we you this that'
).split(' ');

/** A deterministic 32-bit generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A chat line of 4–30 words. */
export function chatLine(rand: () => number): string {
  const n = 4 + Math.floor(rand() * 27);
  const words: string[] = [];
  for (let i = 0; i < n; i += 1) words.push(WORDS[Math.floor(rand() * WORDS.length)] as string);
  return words.join(' ');
}

export const conversationIdOf = (i: number) => `bench-store-conv-${String(i).padStart(4, '0')}` as ConversationId;

/**
 * `count` opened messages over `conversations` conversations, round-robin, timetokens increasing; with the
 * bytes of their plaintexts as the protocol defines them (docs/protocol.md §7: the header {id, sentAt, type}
 * and the body, what an envelope decrypts to) and of the bodies alone.
 */
export function storedCorpus(count: number, conversations: number, seed = 7): { messages: StoredMessage[]; plaintextBytes: number; bodyBytes: number } {
  const rand = seededRandom(seed);
  const messages: StoredMessage[] = [];
  let plaintextBytes = 0;
  let bodyBytes = 0;
  const base = 17_000_000_000_000_000n;
  for (let i = 0; i < count; i += 1) {
    const body = chatLine(rand);
    const plaintext = { id: `bench-store-msg-${String(i).padStart(8, '0')}` as MessageId, sentAt: 1_700_000_000_000 + i, type: 'string' as const, body };
    bodyBytes += Buffer.byteLength(body);
    plaintextBytes += encodePlaintext(plaintext).length;
    messages.push({
      conversationId: conversationIdOf(i % conversations),
      timetoken: (base + BigInt(i) * 10_000n).toString(),
      outcome: {
        kind: 'ok',
        plaintext,
        senderDevice: `bench-dev-${String(i % 7).padStart(6, '0')}` as DeviceId,
        senderUser: `bench-user-${i % 7}` as UserId,
        keyVersion: 1,
      },
    });
  }
  return { messages, plaintextBytes, bodyBytes };
}
