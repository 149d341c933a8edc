import type { EngineId } from '../experiments/types.ts';
import type { Engine } from './engine.ts';
import { fusedEngine } from './fused.ts';
import { tfjsEngine } from './tfjs.ts';

export const engines: Record<EngineId, Engine> = { fused: fusedEngine, tfjs: tfjsEngine };
