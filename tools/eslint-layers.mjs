/**
 * ESLint plugin `layers`: the path says where code runs (docs/architecture.md).
 *
 * Rule `layers/imports` resolves every relative import (and `import()` / `export … from`) to a path under
 * `src/`, finds the layer of the importing file and of the target, and reports an import the layer table
 * does not allow, naming the allowed layers. It also reports bare imports a layer may not use (Node
 * built-ins in `common` and `renderer`, `electron` outside the Electron glue files) and any file under
 * `src/` that belongs to no layer. A layer with a public entry (`src/client/index.ts`) is imported only through
 * it — by the other layers and by the benchmarks (`bench/`), which use the client core as the app does.
 * Modelled on VS Code's `code-layering` rule.
 */
import path from 'node:path';
import { builtinModules } from 'node:module';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const NODE_ONLY_PACKAGES = ['keytar', 'better-sqlite3', 'pg', 'argon2', 'cbor-x', 'electron', '@hpke/core'];

/**
 * Layer table: a layer may import the listed path prefixes under src/ (a trailing '/' means a folder; a
 * file name means that file only — a layer's public entry).
 */
export const LAYERS = {
  common: { runtime: 'anywhere', allow: ['common/'] },
  node: { runtime: 'Node', allow: ['common/', 'node/'] },
  client: { runtime: 'Node', allow: ['common/', 'node/', 'client/'] },
  localStack: { runtime: 'Node', allow: ['common/', 'node/', 'localStack/', 'server/index.ts', 'relay/index.ts'] },
  main: { runtime: 'Electron main / Node', allow: ['common/', 'node/', 'main/', 'client/index.ts', 'localStack/index.ts'] },
  preload: { runtime: 'sandboxed preload', allow: ['common/ipc/', 'preload/'] },
  renderer: { runtime: 'Chromium (sandboxed)', allow: ['common/', 'renderer/'], deny: ['common/crypto/'] },
  server: { runtime: 'Node', allow: ['common/', 'node/', 'server/'] },
  relay: { runtime: 'Node', allow: ['common/', 'node/', 'relay/'] },
  cli: { runtime: 'Node', allow: ['common/', 'node/', 'cli/', 'client/index.ts', 'localStack/index.ts'] },
};

/**
 * Code outside src/ that is checked too: the benchmarks use the client core exactly as the app does, through
 * its public entry. (Tests may reach inside a layer to test one module alone.)
 */
const OUTSIDE = {
  bench: { runtime: 'benchmarks (Node)', entryOnly: { 'client/': 'client/index.ts', 'localStack/': 'localStack/index.ts' } },
};

/** Bare module rules per layer: `false` forbids Node built-ins and Node-only native packages. */
const BARE = {
  common: { node: false, packages: ['zod', 'pubnub', 'cbor-x', '@noble/post-quantum', '@noble/hashes'] },
  renderer: { node: false, packages: null },
  preload: { node: false, packages: ['electron', 'zod'] },
};

/** The only places that may import `electron`. */
const ELECTRON_ALLOWED = ['src/main/electron/', 'src/preload/index.ts'];

function relUnderSrc(root, abs) {
  const rel = path.relative(path.join(root, 'src'), abs).split(path.sep).join('/');
  return rel.startsWith('..') ? null : rel;
}

function layerOf(relSrc) {
  const first = relSrc.split('/')[0];
  return Object.hasOwn(LAYERS, first) ? first : null;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function matches(prefixes, target) {
  return prefixes.some((p) => (p.endsWith('/') ? target.startsWith(p) : target === p || target === p.replace(/\.ts$/, '')));
}

/** The files a relative import may resolve to: as written, with `.ts`, or a folder's `index.ts`. */
function candidates(target) {
  return /\.[cm]?[jt]sx?$/.test(target) ? [target] : [target, `${target}.ts`, `${target}/index.ts`];
}

/** Imports into src/ from checked code outside it (OUTSIDE): a layer with a public entry only through it. */
function outsideSrc(context, root, file) {
  const first = path.relative(root, file).split(path.sep)[0];
  const rules = Object.hasOwn(OUTSIDE, first) ? OUTSIDE[first] : null;
  if (rules === null) return {};
  const check = (node, spec) => {
    if (typeof spec !== 'string' || !spec.startsWith('.')) return;
    const target = relUnderSrc(root, path.resolve(path.dirname(file), spec));
    if (target === null) return;
    for (const [folder, entry] of Object.entries(rules.entryOnly)) {
      if (candidates(target).some((t) => t.startsWith(folder)) && !candidates(target).includes(entry)) {
        context.report({ node, messageId: 'entryOnly', data: { where: first, runtime: rules.runtime, target, entry: `src/${entry}` } });
      }
    }
  };
  return importVisitors(check);
}

function importVisitors(check) {
  return {
    ImportDeclaration: (node) => check(node, node.source.value),
    ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
    ExportAllDeclaration: (node) => check(node, node.source.value),
    ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    CallExpression: (node) => {
      if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
        check(node, node.arguments[0].value);
      }
    },
  };
}

const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layer table of docs/architecture.md' },
    schema: [],
    messages: {
      outside: "File '{{file}}' is under src/ but in no layer; allowed layers: {{layers}}.",
      forbidden: "Layer '{{layer}}' ({{runtime}}) may not import '{{target}}'; it may import only: {{allowed}}.",
      denied: "Layer '{{layer}}' may not import '{{target}}' (denied: {{denied}}).",
      nodeBuiltin: "Layer '{{layer}}' runs without Node; '{{spec}}' is not available there.",
      bare: "Layer '{{layer}}' may not import package '{{spec}}'; allowed packages: {{allowed}}.",
      electron: "Only {{allowed}} may import 'electron'.",
      entryOnly: "'{{where}}' ({{runtime}}) may import '{{target}}' only through its public entry {{entry}}.",
    },
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const relFile = relUnderSrc(root, file);
    if (relFile === null) return outsideSrc(context, root, file);
    const layer = layerOf(relFile);

    function check(node, spec) {
      if (typeof spec !== 'string' || layer === null) return;
      if (spec.startsWith('.')) {
        const target = relUnderSrc(root, path.resolve(path.dirname(file), spec));
        if (target === null) {
          context.report({
            node,
            messageId: 'forbidden',
            data: { layer, runtime: LAYERS[layer].runtime, target: spec, allowed: LAYERS[layer].allow.join(', ') },
          });
          return;
        }
        if (!candidates(target).some((t) => matches(LAYERS[layer].allow, t))) {
          context.report({ node, messageId: 'forbidden', data: { layer, runtime: LAYERS[layer].runtime, target, allowed: LAYERS[layer].allow.join(', ') } });
        } else if (LAYERS[layer].deny && matches(LAYERS[layer].deny, target)) {
          context.report({ node, messageId: 'denied', data: { layer, target, denied: LAYERS[layer].deny.join(', ') } });
        }
        return;
      }
      const pkg = packageName(spec);
      if (pkg === 'electron') {
        if (!ELECTRON_ALLOWED.some((a) => (a.endsWith('/') ? `src/${relFile}`.startsWith(a) : `src/${relFile}` === a))) {
          context.report({ node, messageId: 'electron', data: { allowed: ELECTRON_ALLOWED.join(', ') } });
        }
        return;
      }
      const rules = BARE[layer];
      if (!rules) return;
      if (NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(pkg) || NODE_ONLY_PACKAGES.includes(pkg)) {
        if (!(rules.packages ?? []).includes(pkg)) {
          context.report({ node, messageId: 'nodeBuiltin', data: { layer, spec } });
        }
        return;
      }
      if (rules.packages !== null && !rules.packages.includes(pkg)) {
        context.report({ node, messageId: 'bare', data: { layer, spec, allowed: rules.packages.join(', ') } });
      }
    }

    return {
      Program(node) {
        if (layer === null) {
          context.report({ node, messageId: 'outside', data: { file: `src/${relFile}`, layers: Object.keys(LAYERS).join(', ') } });
        }
      },
      ...importVisitors(check),
    };
  },
};

export default { rules: { imports: importsRule } };
