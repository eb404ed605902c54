/**
 * The sections of `npm run bench`, in report order: one module per section of docs/benchmarks.md. Adding a
 * section (the client core's rotation end to end, the renderer) is one module and one line here.
 */
import type { Section } from '../lib/section';
import { attachmentsSection } from './attachments';
import { chatFeaturesSection } from './chatFeatures';
import { coldStartSection } from './coldStart';
import { custodySection } from './custody';
import { hpkeWrapSection } from './hpkeWrap';
import { keyServiceSection } from './keyService';
import { membershipVerifySection } from './membershipVerify';
import { messageSealSection } from './messageSeal';
import { offboardingSection } from './offboarding';
import { outboxCostSection } from './outboxCost';
import { pqSection } from './pq';
import { providersSection } from './providers';
import { recoveryRestoreSection } from './recoveryRestore';
import { relayLoadSection } from './relayLoad';
import { rendererSection } from './renderer';
import { rotationSection } from './rotation';
import { rotationE2eSection } from './rotationE2e';
import { sendToDecryptedSection } from './sendToDecrypted';
import { storeSection } from './store';
import { storeSearchSection } from './storeSearch';

export const SECTIONS: readonly Section[] = [
  messageSealSection,
  hpkeWrapSection,
  pqSection,
  providersSection,
  rotationSection,
  rotationE2eSection,
  membershipVerifySection,
  offboardingSection,
  recoveryRestoreSection,
  custodySection,
  keyServiceSection,
  outboxCostSection,
  sendToDecryptedSection,
  relayLoadSection,
  rendererSection,
  storeSection,
  storeSearchSection,
  attachmentsSection,
  chatFeaturesSection,
  coldStartSection,
];
