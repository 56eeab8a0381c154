import { EcsError, invalidParameter, serializationError } from '../actors/errors.ts';
import { ecsModel, type EcsModel, type Shape } from './model.ts';

// One model-driven check of every request: types (SerializationException, as AWS JSON
// services answer a body they cannot bind) and constraints (InvalidParameterException,
// in the wording of AWS's validation errors). It also binds the request as AWS does:
// members the model does not know are ignored and null members are absent, so nothing a
// client invents (`revision`, `deregisteredAt`, ...) is stored or echoed back.

const INT32 = 2 ** 31;
const patterns = new Map<string, RegExp>();

function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(`^(?:${source})$`, 'u');
    patterns.set(source, re);
  }
  return re;
}

const constraint = (path: string, value: unknown, rule: string) =>
  invalidParameter(`1 validation error detected: Value ${show(value)} at '${path}' failed to satisfy constraint: ${rule}`);

function show(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}'`;
  if (typeof value === 'object') return Array.isArray(value) ? '[...]' : '{...}';
  return String(value);
}

function typeError(path: string, expected: string): EcsError {
  return serializationError(`Unable to parse '${path || 'request'}': expected ${expected}.`);
}

function checkLength(path: string, value: unknown, length: number, shape: Shape): void {
  if (shape.min !== undefined && length < shape.min) {
    throw constraint(path, value, `Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && length > shape.max) {
    throw constraint(path, value, `Member must have length less than or equal to ${shape.max}`);
  }
}

function checkRange(path: string, value: number, shape: Shape): void {
  if (shape.min !== undefined && value < shape.min) {
    throw constraint(path, value, `Member must have value greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && value > shape.max) {
    throw constraint(path, value, `Member must have value less than or equal to ${shape.max}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function check(model: EcsModel, shapeName: string, value: unknown, path: string): unknown {
  const shape = model.shapes[shapeName];
  if (!shape) return value; // document types and the like carry no constraints
  switch (shape.type) {
    case 'structure': {
      if (!isObject(value)) throw typeError(path, 'an object');
      for (const name of shape.required ?? []) {
        if (value[name] === undefined || value[name] === null) {
          throw constraint(join(path, name), null, 'Member must not be null');
        }
      }
      const bound: Record<string, unknown> = {};
      for (const [name, target] of Object.entries(shape.members ?? {})) {
        if (!Object.hasOwn(value, name)) continue;
        const member = value[name];
        if (member !== undefined && member !== null) bound[name] = check(model, target, member, join(path, name));
      }
      return bound;
    }
    case 'list': {
      if (!Array.isArray(value)) throw typeError(path, 'an array');
      checkLength(path, value, value.length, shape);
      return value.map((item, i) => {
        if (item === null) throw constraint(`${path}.${i + 1}`, null, 'Member must not be null');
        return check(model, shape.member!, item, `${path}.${i + 1}.member`);
      });
    }
    case 'map': {
      if (!isObject(value)) throw typeError(path, 'an object');
      const entries = Object.entries(value);
      checkLength(path, value, entries.length, shape);
      const bound: Record<string, unknown> = {};
      for (const [k, v] of entries) {
        check(model, shape.key!, k, `${path}.key`);
        // defineProperty, so a key named `__proto__` stays a key instead of a prototype.
        Object.defineProperty(bound, k, {
          value: v === null ? v : check(model, shape.value!, v, `${path}.${k}`),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return bound;
    }
    case 'string': {
      if (typeof value !== 'string') throw typeError(path, 'a string');
      if (shape.enum && !shape.enum.includes(value)) {
        throw constraint(path, value, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      }
      checkLength(path, value, value.length, shape);
      if (shape.pattern && !pattern(shape.pattern).test(value)) {
        throw constraint(path, value, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return value;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(path, 'an integer');
      if (shape.type === 'integer' && (value >= INT32 || value < -INT32)) throw typeError(path, 'a 32-bit integer');
      checkRange(path, value, shape);
      return value;
    }
    case 'double':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(path, 'a number');
      checkRange(path, value, shape);
      return value;
    }
    case 'boolean': {
      if (typeof value !== 'boolean') throw typeError(path, 'a boolean');
      return value;
    }
    case 'timestamp': {
      const ok = (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
      if (!ok) throw typeError(path, 'a timestamp (epoch seconds or ISO 8601)');
      return value;
    }
    default:
      return value;
  }
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

/**
 * Throws the error a client should see if `input` does not fit the operation's input shape;
 * otherwise returns the request as bound to the model (unknown and null members dropped).
 */
export function validateRequest(operation: string, input: Record<string, unknown>, model: EcsModel = ecsModel): Record<string, unknown> {
  const shape = model.operations[operation]?.input;
  return shape ? (check(model, shape, input, '') as Record<string, unknown>) : input;
}
