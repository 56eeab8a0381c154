import { readFileSync } from 'node:fs';

// The ECS request model, generated from botocore by scripts/gen-ecs-model.py.

export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'double' | 'float' | 'boolean' | 'timestamp' | 'blob';
  required?: string[];
  members?: Record<string, string>;
  member?: string;
  key?: string;
  value?: string;
  min?: number;
  max?: number;
  enum?: string[];
  pattern?: string;
}

export interface EcsModel {
  source: string;
  targetPrefix: string;
  operations: Record<string, { input?: string }>;
  errors: string[];
  shapes: Record<string, Shape>;
}

export const ecsModel: EcsModel = JSON.parse(readFileSync(new URL('./ecs-model.json', import.meta.url), 'utf8'));
