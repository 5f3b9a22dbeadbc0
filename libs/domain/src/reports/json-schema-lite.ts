/**
 * A small JSON Schema validator for the keywords Tocsin's own schemas use: type (one or a list), properties,
 * required, additionalProperties (false or a schema), items, enum, const, pattern, format (date-time, uuid),
 * minimum, minLength and `$ref` to `#/$defs/<name>`. Anything else in a schema is an error, so a schema cannot
 * silently rely on a keyword this validator ignores. (A full validator such as Ajv would replace it.)
 */

export interface SchemaError {
  path: string;
  message: string;
}

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$schema', '$id', '$defs', 'title', 'description', 'x-version', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const',
  'pattern', 'format', 'minimum', 'minLength', '$ref',
]);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

export function validateJson(schema: Schema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  const defs = (schema.$defs ?? {}) as Record<string, Schema>;
  const check = (s: Schema, v: unknown, path: string): void => {
    for (const key of Object.keys(s)) if (!KNOWN.has(key)) throw new RangeError(`schema keyword '${key}' at ${path || '/'} is not supported`);
    if (typeof s.$ref === 'string') {
      const name = /^#\/\$defs\/(.+)$/.exec(s.$ref)?.[1];
      if (!name || !defs[name]) throw new RangeError(`schema $ref '${s.$ref}' cannot be resolved`);
      check(defs[name], v, path);
      return;
    }
    const at = path || '/';
    const actual = typeOf(v);
    if (s.type !== undefined) {
      const allowed = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      const ok = allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
      if (!ok) {
        errors.push({ path: at, message: `must be ${allowed.join(' or ')}, is ${actual}` });
        return;
      }
    }
    if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => e === v)) errors.push({ path: at, message: `must be one of ${(s.enum as unknown[]).map((e) => JSON.stringify(e)).join(', ')}` });
    if (s.const !== undefined && s.const !== v) errors.push({ path: at, message: `must be ${JSON.stringify(s.const)}` });
    if (actual === 'string') {
      const str = v as string;
      if (typeof s.minLength === 'number' && str.length < s.minLength) errors.push({ path: at, message: `must have at least ${s.minLength} characters` });
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(str)) errors.push({ path: at, message: `must match ${s.pattern}` });
      if (s.format === 'date-time' && !(DATE_TIME.test(str) && !Number.isNaN(Date.parse(str)))) errors.push({ path: at, message: 'must be an ISO 8601 date-time' });
      if (s.format === 'uuid' && !UUID.test(str)) errors.push({ path: at, message: 'must be a UUID' });
    }
    if ((actual === 'integer' || actual === 'number') && typeof s.minimum === 'number' && (v as number) < s.minimum) errors.push({ path: at, message: `must be ≥ ${s.minimum}` });
    if (actual === 'array' && s.items !== undefined) (v as unknown[]).forEach((item, i) => check(s.items as Schema, item, `${path}/${i}`));
    if (actual === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required ?? []) as string[]) if (!(r in obj)) errors.push({ path: `${path}/${r}`, message: 'is required' });
      for (const [k, val] of Object.entries(obj)) {
        if (props[k]) check(props[k], val, `${path}/${k}`);
        else if (s.additionalProperties === false) errors.push({ path: `${path}/${k}`, message: 'is not allowed' });
        else if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) check(s.additionalProperties as Schema, val, `${path}/${k}`);
      }
    }
  };
  check(schema, value, '');
  return errors;
}
