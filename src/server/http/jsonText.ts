/**
 * A response body that is already JSON text (docs/benchmarks.md, "Performance work after the third report",
 * receivers): a handler returns it when most of its answer is stored JSON — a key version's public record,
 * ~120 KiB for a 1,000-member group — so the server sends the text as it is instead of parsing the stored
 * JSON and serializing it again per request. `validateResponses` still parses it and checks it against the
 * route's schema.
 */
export class JsonText {
  constructor(readonly text: string) {}
}
