/**
 * The set of IT policy templates shipped in resources/policy-templates/ (docs/deployment.md), by relative
 * path. `npm run policy:templates` writes them; a test proves the committed files equal this output.
 */
import { POLICY_IDENTITY } from '../identity';
import { generateAdml } from './adml';
import { generateAdmx } from './admx';
import { generateLinuxExample, generateLinuxJsonSchema } from './linuxTemplates';
import { generateMobileconfig } from './mobileconfig';

export function policyTemplateFiles(): Record<string, string> {
  const base = POLICY_IDENTITY.admxFileBase;
  return {
    [`windows/${base}.admx`]: generateAdmx(),
    [`windows/en-US/${base}.adml`]: generateAdml(),
    [`macos/${POLICY_IDENTITY.bundleId}.mobileconfig`]: generateMobileconfig(),
    'linux/policies.example.json': generateLinuxExample(),
    'linux/policies.schema.json': generateLinuxJsonSchema(),
  };
}
