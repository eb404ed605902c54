/**
 * Linux policy templates (docs/deployment.md, "Linux: policy file"): an example
 * `/etc/seed-messenger/policies.json` with every setting, and a JSON Schema (draft 2020-12) of that file,
 * both generated from the policy table so editors and fleet tools (Ansible, Puppet, Salt) can validate what
 * they deploy.
 */
import { missingCase } from '../../errors';
import { POLICY_DEFINITIONS, type PolicyDefinition } from '../definitions';
import { POLICY_IDENTITY } from '../identity';

export function generateLinuxExample(definitions: readonly PolicyDefinition[] = POLICY_DEFINITIONS): string {
  const example = Object.fromEntries(definitions.map((d) => [d.key, d.example]));
  return `${JSON.stringify(example, null, 2)}\n`;
}

function propertySchema(def: PolicyDefinition): Record<string, unknown> {
  const base = { title: def.title, description: def.description };
  switch (def.kind) {
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'string':
      return { ...base, type: 'string', minLength: 1, maxLength: 2048 };
    case 'enum':
      return { ...base, type: 'string', enum: def.choices };
    case 'list':
      return { ...base, type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: def.choices } };
    default:
      return missingCase(def.kind);
  }
}

export function generateLinuxJsonSchema(definitions: readonly PolicyDefinition[] = POLICY_DEFINITIONS): string {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${POLICY_IDENTITY.productName} managed policy (${POLICY_IDENTITY.linuxPolicyFile})`,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(definitions.map((d) => [d.key, propertySchema(d)])),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
