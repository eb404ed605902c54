/** The text of a decrypted message body, shown as text only (never interpreted as HTML). */
import type { MessagePlaintext } from '../../../common/protocol/plaintext';

export function messageText(message: MessagePlaintext): string {
  switch (message.type) {
    case 'string':
      return message.body;
    case 'json':
      return JSON.stringify(message.body);
    case 'binary':
      return `[binary message, ${message.body.length} bytes]`;
    default:
      throw new Error(`unknown body type ${JSON.stringify(message satisfies never)}`);
  }
}
