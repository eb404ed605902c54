/**
 * What the composition root calls once at start-up (docs/deployment.md §3): from the effective policy, the
 * facts of this installation and the release's resources folder, the update decision — then hand it with
 * electron-updater's `autoUpdater` to `createUpdateService`. Nothing here takes input from the renderer.
 */
import type { PolicyWarning } from '../../common/policy/errors';
import type { EffectivePolicy } from '../../common/policy/merge';
import { readBuildFeed } from './buildFeed';
import { detectInstallKind, type InstallFacts, type InstallKind } from './installKind';
import { decideUpdates, type UpdateDecision } from './updateDecision';

export interface UpdatePlan {
  install: InstallKind;
  decision: UpdateDecision;
  warnings: PolicyWarning[];
}

export async function planUpdates(policy: EffectivePolicy, install: InstallFacts, resourcesPath: string): Promise<UpdatePlan> {
  const kind = detectInstallKind(install);
  const build = await readBuildFeed(resourcesPath);
  return {
    install: kind,
    decision: decideUpdates({ policy, install: kind, buildFeedUrl: build.feedUrl }),
    warnings: build.warning ? [build.warning] : [],
  };
}
