/**
 * Auto-update glue: the decision comes from managed policy and the install kind (src/main/update); the
 * feed is fixed when the service is created and nothing from the renderer reaches it. Under MDM installs
 * updates stay off unless IT turns them on.
 */
import { autoUpdater } from 'electron-updater';
import { app } from 'electron';
import type { EffectivePolicy } from '../policy/loadEffectivePolicy';
import { bundleOwnerUid } from '../update/installKind';
import { planUpdates } from '../update/planUpdates';
import { createUpdateService, type UpdateService } from '../update/updateService';

export async function startUpdates(policy: EffectivePolicy): Promise<UpdateService> {
  const plan = await planUpdates(
    policy,
    {
      platform: process.platform,
      isPackaged: app.isPackaged,
      execPath: process.execPath,
      env: process.env,
      bundleOwnerUid: bundleOwnerUid(process.platform, process.execPath),
    },
    process.resourcesPath,
  );
  for (const w of plan.warnings) console.error(`update: ${w.message}`);
  const service = createUpdateService(plan.decision, autoUpdater);
  if (service.status().state !== 'off') void service.checkNow();
  return service;
}
