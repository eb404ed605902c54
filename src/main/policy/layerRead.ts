/**
 * What a platform loader returns for one policy layer (docs/deployment.md §2): the raw settings keyed by
 * policy key (`null` when the store has none), and warnings for anything it refused.
 */
import type { PolicyLayerName, PolicyWarning } from '../../common/policy/errors';
import { warningFrom } from '../../common/policy/errors';
import { AppError } from '../../common/errors';

export interface LayerRead {
  values: Record<string, unknown> | null;
  warnings: PolicyWarning[];
}

export const EMPTY_LAYER: LayerRead = { values: null, warnings: [] };

/** Runs a loader; a typed failure becomes a warning on that layer and the layer is ignored. */
export async function guardLayer(layer: PolicyLayerName, read: () => Promise<LayerRead>): Promise<LayerRead> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof AppError) return { values: null, warnings: [warningFrom(e, layer)] };
    const detail = e instanceof Error ? e.message : String(e);
    return { values: null, warnings: [{ code: 'policy_store_unreadable', message: detail, layer }] };
  }
}
