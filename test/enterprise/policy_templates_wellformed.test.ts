/**
 * The IT policy templates generated from the schema (docs/deployment.md §2): the committed files are
 * exactly what `npm run policy:templates` generates; the ADMX and ADML are well-formed XML with the
 * structure of Microsoft's PolicyDefinitions schema and resolve each other's references; the .mobileconfig
 * is a well-formed configuration profile; the Linux example satisfies the generated JSON Schema. Every
 * setting of the schema appears in every template.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import plist from 'plist';
import { describe, expect, it } from 'vitest';
import { POLICY_DEFINITIONS } from '../../src/common/policy/definitions';
import { POLICY_IDENTITY } from '../../src/common/policy/identity';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { normalizePolicyValue } from '../../src/common/policy/normalize';
import { policyTemplateFiles } from '../../src/common/policy/templates/files';
import { POLICY_KEYS } from '../../src/common/policy/values';

const repo = join(__dirname, '..', '..');
const templatesDir = join(repo, 'resources', 'policy-templates');
const read = (rel: string) => readFileSync(join(templatesDir, rel), 'utf8');
const admx = read('windows/SeedMessenger.admx');
const adml = read('windows/en-US/SeedMessenger.adml');
const ARRAYS = new Set(['policy', 'category', 'item', 'string', 'presentation', 'definition', 'using', 'text', 'enum', 'multiText']);
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ARRAYS.has(name) });

type Node = Record<string, unknown> & { [k: `@_${string}`]: string };
const nodes = (x: unknown) => (x ?? []) as Node[];

describe('generated policy templates', () => {
  it('are committed exactly as the schema generates them', () => {
    for (const [rel, content] of Object.entries(policyTemplateFiles())) expect(read(rel), rel).toBe(content);
    const out = execFileSync(process.execPath, [join(repo, 'node_modules/tsx/dist/cli.mjs'), join(repo, 'scripts/gen-policy-templates.ts'), '--check'], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/unchanged windows\/SeedMessenger.admx/);
  });

  it('ADMX and ADML are well-formed XML', () => {
    expect(XMLValidator.validate(admx)).toBe(true);
    expect(XMLValidator.validate(adml)).toBe(true);
    expect(XMLValidator.validate('<policyDefinitions><policies></policyDefinitions>')).not.toBe(true);
  });

  it('ADMX has the PolicyDefinitions structure, and a policy with registry key and value for every setting', () => {
    const root = parser.parse(admx).policyDefinitions as Node;
    expect(root['@_xmlns']).toBe('http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions');
    expect(root['@_schemaVersion']).toBe('1.0');
    const ns = root['policyNamespaces'] as { target: Node; using: Node[] };
    expect(ns.target['@_namespace']).toBe(POLICY_IDENTITY.admxNamespace);
    expect((root['resources'] as Node)['@_minRequiredRevision']).toBe('1.0');
    const categories = nodes((root['categories'] as Node)['category']).map((c) => c['@_name']);
    const supported = nodes(((root['supportedOn'] as Node)['definitions'] as Node)['definition']).map((d) => d['@_name']);
    const policies = nodes((root['policies'] as Node)['policy']);
    expect(policies.map((p) => p['@_name'])).toEqual(POLICY_DEFINITIONS.map((d) => d.registryName));
    for (const def of POLICY_DEFINITIONS) {
      const p = policies.find((x) => x['@_name'] === def.registryName) as Node;
      expect(p['@_key']).toBe(POLICY_IDENTITY.registryKey);
      expect(p['@_class']).toBe('Both');
      expect(categories).toContain((p['parentCategory'] as Node)['@_ref']);
      expect(supported).toContain((p['supportedOn'] as Node)['@_ref']);
      const elements = p['elements'] as Record<string, Node[]> | undefined;
      switch (def.kind) {
        case 'boolean':
          expect(p['@_valueName']).toBe(def.registryName);
          expect(((p['enabledValue'] as Node)['decimal'] as Node)['@_value']).toBe('1');
          expect(((p['disabledValue'] as Node)['decimal'] as Node)['@_value']).toBe('0');
          break;
        case 'string':
          expect(elements?.['text']?.[0]?.['@_valueName']).toBe(def.registryName);
          break;
        case 'list':
          expect(elements?.['multiText']?.[0]?.['@_valueName']).toBe(def.registryName);
          break;
        case 'enum': {
          const e = elements?.['enum']?.[0] as Node;
          expect(e['@_valueName']).toBe(def.registryName);
          expect(nodes(e['item']).map((i) => ((i['value'] as Node)['string'] as unknown[])[0])).toEqual(def.choices);
          break;
        }
      }
    }
  });

  it('orders policy children as the ADMX schema sequence requires', () => {
    const ordered = new XMLParser({ ignoreAttributes: true, preserveOrder: true }).parse(admx) as Record<string, unknown>[];
    const sequence = ['parentCategory', 'seeAlso', 'keywords', 'supportedOn', 'enabledValue', 'disabledValue', 'enabledList', 'disabledList', 'elements'];
    const find = (list: unknown, tag: string) => (list as Record<string, unknown>[]).find((n) => tag in n)?.[tag];
    const policies = (find(find(ordered, 'policyDefinitions'), 'policies') ?? []) as Record<string, unknown>[];
    expect(policies).toHaveLength(POLICY_DEFINITIONS.length);
    for (const p of policies) {
      const tags = (p['policy'] as Record<string, unknown>[]).map((c) => Object.keys(c)[0] ?? '');
      const positions = tags.map((t) => sequence.indexOf(t));
      expect(
        positions.every((x) => x >= 0),
        tags.join(),
      ).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
  });

  it('ADML defines every string and presentation the ADMX refers to, with matching refIds', () => {
    const res = (parser.parse(adml).policyDefinitionResources as Node)['resources'] as Node;
    const stringIds = new Set(nodes((res['stringTable'] as Node)['string']).map((s) => s['@_id']));
    const presentations = nodes((res['presentationTable'] as Node)['presentation']);
    const presentationIds = new Set(presentations.map((p) => p['@_id']));
    for (const [, id] of admx.matchAll(/\$\(string\.([A-Za-z0-9_]+)\)/g)) expect(stringIds, id).toContain(id);
    for (const [, id] of admx.matchAll(/\$\(presentation\.([A-Za-z0-9_]+)\)/g)) expect(presentationIds, id).toContain(id);
    const elementIds = [...admx.matchAll(/<(?:text|enum|multiText) id="([^"]+)"/g)].map((m) => m[1]);
    const refIds = [...adml.matchAll(/refId="([^"]+)"/g)].map((m) => m[1]);
    expect(refIds.sort()).toEqual(elementIds.sort());
    for (const def of POLICY_DEFINITIONS) expect(stringIds).toContain(`${def.registryName}_Explain`);
  });

  it('the .mobileconfig is a well-formed configuration profile carrying every setting with a valid value', () => {
    const text = read(`macos/${POLICY_IDENTITY.bundleId}.mobileconfig`);
    expect(XMLValidator.validate(text)).toBe(true);
    const profile = plist.parse(text) as Record<string, unknown>;
    const uuid = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
    expect(profile).toMatchObject({ PayloadType: 'Configuration', PayloadVersion: 1, PayloadScope: 'System' });
    expect(profile['PayloadUUID']).toMatch(uuid);
    const content = profile['PayloadContent'] as Record<string, unknown>[];
    expect(content).toHaveLength(1);
    const payload = content[0] as Record<string, unknown>;
    expect(payload['PayloadType']).toBe(POLICY_IDENTITY.bundleId);
    expect(payload['PayloadUUID']).toMatch(uuid);
    expect(payload['PayloadUUID']).not.toBe(profile['PayloadUUID']);
    for (const key of POLICY_KEYS) {
      expect(payload, key).toHaveProperty(key);
      expect(() => normalizePolicyValue(key, payload[key])).not.toThrow();
    }
  });

  it('the Linux example satisfies the generated JSON Schema, which rejects unknown keys and bad values', () => {
    const schema = JSON.parse(read('linux/policies.schema.json')) as object;
    const example = JSON.parse(read('linux/policies.example.json')) as Record<string, unknown>;
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(example)).toEqual(POLICY_KEYS);
    expect(validate({ ...example, serverURL: 'x' })).toBe(false);
    expect(validate({ ...example, notificationContent: 'everything' })).toBe(false);
    expect(mergePolicyLayers({ machine: example }).warnings).toEqual([]);
  });
});

describe('docs/deployment.md', () => {
  it('documents every setting under its key and registry value name, and the installed paths', () => {
    const doc = readFileSync(join(repo, 'docs/deployment.md'), 'utf8');
    for (const def of POLICY_DEFINITIONS) {
      expect(doc, def.key).toContain(`| \`${def.key}\` | \`${def.registryName}\` |`);
      for (const choice of def.choices ?? []) expect(doc, `${def.key}: ${choice}`).toContain(`\`${choice}\``);
    }
    for (const path of [POLICY_IDENTITY.registryKey, POLICY_IDENTITY.linuxPolicyFile, POLICY_IDENTITY.bundleId]) expect(doc).toContain(path);
  });
});
