/**
 * Whether and from where the app updates itself (docs/deployment.md §3: off or IT-managed for
 * per-machine installs, switchable by policy; the renderer never picks the feed). Inputs are only the
 * effective policy, the install kind and the feed baked into the build — nothing the renderer sends.
 *
 * - development builds and deb/rpm installs never self-update (the package manager does);
 * - per-machine installs without an update-mode policy stay off: IT deploys new versions through MDM;
 * - policy `off` → off; `managed` → the policy's feed URL (set in the same layer, see merge.ts);
 *   `vendor` → the build's feed;
 * - a per-machine install may check and notify but never installs by itself (the user cannot write its
 *   folder; IT rolls out the new version).
 */
import { missingCase } from '../../common/errors';
import type { EffectivePolicy } from '../../common/policy/merge';
import { httpsUrlSchema } from '../../common/policy/values';
import type { InstallKind } from './installKind';

export type UpdateOffReason = 'development' | 'package-manager' | 'per-machine-install' | 'policy-off' | 'feed-missing' | 'no-build-feed';

export type UpdateDecision =
  { enabled: false; reason: UpdateOffReason } | { enabled: true; feedUrl: string; source: 'policy' | 'build'; apply: 'install' | 'notify-only' };

export interface UpdateInputs {
  policy: Pick<EffectivePolicy, 'values' | 'managed'>;
  install: InstallKind;
  /** The generic-provider URL the release was built with (SEED_UPDATE_FEED_URL), or `null`. */
  buildFeedUrl: string | null;
}

export function decideUpdates({ policy, install, buildFeedUrl }: UpdateInputs): UpdateDecision {
  if (install === 'development') return { enabled: false, reason: 'development' };
  if (install === 'package-manager') return { enabled: false, reason: 'package-manager' };
  const managed = policy.managed.updateMode !== undefined;
  if (install === 'per-machine' && !managed) return { enabled: false, reason: 'per-machine-install' };
  const apply = install === 'per-machine' ? 'notify-only' : 'install';
  const mode = policy.values.updateMode;
  switch (mode) {
    case 'off':
      return { enabled: false, reason: 'policy-off' };
    case 'managed': {
      const url = policy.values.updateFeedUrl;
      if (url === null || !httpsUrlSchema.safeParse(url).success) return { enabled: false, reason: 'feed-missing' };
      return { enabled: true, feedUrl: url, source: 'policy', apply };
    }
    case 'vendor':
      if (buildFeedUrl === null || !httpsUrlSchema.safeParse(buildFeedUrl).success) {
        return { enabled: false, reason: 'no-build-feed' };
      }
      return { enabled: true, feedUrl: buildFeedUrl, source: 'build', apply };
    default:
      return missingCase(mode);
  }
}
