import { FIELD_SOURCES, REPORT_KINDS, REPORT_SCHEMA_VERSION, REPORT_STATUSES } from './report-types.js';

/**
 * JSON Schema (draft 2020-12) of an exported report, served at /v1/reports/schema.json. Versioned with
 * REPORT_SCHEMA_VERSION (semver): a new optional property is a minor version, anything a consumer could
 * trip over (a removed or renamed property, a narrower type) a major one; `$id` carries the major version.
 *
 * Only the keywords `validateJson` (json-schema-lite.ts) understands are used: type, properties, required,
 * additionalProperties, items, enum, const, pattern, format (date-time, uuid), minimum, minLength, $ref to $defs.
 */

const ISO = { type: 'string', format: 'date-time' } as const;
const NULLABLE_ISO = { type: ['string', 'null'], format: 'date-time' } as const;
const TEXT = { type: 'string' } as const;
const NULLABLE_TEXT = { type: ['string', 'null'] } as const;
const COUNT = { type: 'integer', minimum: 0 } as const;
const COUNTS = { type: 'object', additionalProperties: COUNT } as const;

export const REPORT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:tocsin:schema:report:v1',
  title: 'Tocsin regulator report',
  description:
    'One report to a regulator (kind incident) or a periodic log (hipaa_annual_log, pecr_monthly_log). Every required field of the regime is in `fields` with its value, or with status missing and value null; missing fields are never filled in by Tocsin. Times are ISO 8601 UTC.',
  'x-version': REPORT_SCHEMA_VERSION,
  type: 'object',
  additionalProperties: false,
  required: [
    'schemaVersion', 'kind', 'report', 'catalogVersion', 'regime', 'notification', 'phase', 'jurisdiction', 'period', 'deadline', 'organisation',
    'incident', 'fields', 'missingFields', 'unconfirmed', 'secondary', 'figures', 'entries', 'changesSinceLast',
  ],
  properties: {
    schemaVersion: { type: 'string', pattern: '^1\\.[0-9]+\\.[0-9]+$', description: 'Semantic version of this schema; the major version is 1.' },
    kind: { enum: [...REPORT_KINDS] },
    report: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'version', 'supersedes', 'status', 'generatedAt', 'releasedAt', 'releasedBy'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        version: { type: 'integer', minimum: 1, description: 'A correction is a new version of the same series; it names the version it replaces in `supersedes`.' },
        supersedes: { type: ['string', 'null'], format: 'uuid' },
        status: { enum: [...REPORT_STATUSES], description: 'As of release; a submitted report keeps the document it was released with.' },
        generatedAt: ISO,
        releasedAt: NULLABLE_ISO,
        releasedBy: NULLABLE_TEXT,
      },
    },
    catalogVersion: { type: 'string', minLength: 1, description: 'Version (date) of the regime catalog the obligations were derived with.' },
    regime: { type: 'object', additionalProperties: false, required: ['id', 'name', 'citation'], properties: { id: TEXT, name: TEXT, citation: TEXT } },
    notification: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'party', 'recipient', 'citation'],
      properties: { id: TEXT, party: TEXT, recipient: TEXT, citation: TEXT },
    },
    phase: { type: 'object', additionalProperties: false, required: ['id', 'kind'], properties: { id: TEXT, kind: { enum: ['initial', 'intermediate', 'final', 'periodic', 'supplement'] } } },
    jurisdiction: NULLABLE_TEXT,
    period: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['key', 'from', 'to'],
      properties: { key: { type: 'string', pattern: '^[0-9]{4}(-[0-9]{2})?$' }, from: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }, to: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } },
    },
    deadline: {
      type: 'object',
      additionalProperties: false,
      required: ['dueAt', 'qualifier', 'clockStart', 'late'],
      properties: {
        dueAt: NULLABLE_ISO,
        qualifier: NULLABLE_TEXT,
        clockStart: { type: ['object', 'null'], additionalProperties: false, required: ['anchor', 'at'], properties: { anchor: TEXT, at: ISO } },
        late: { type: 'boolean' },
      },
    },
    organisation: { type: 'object', additionalProperties: false, required: ['name', 'timeZone'], properties: { name: TEXT, timeZone: TEXT } },
    incident: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['id', 'ref', 'title', 'awareAt'],
      properties: { id: { type: 'string', format: 'uuid' }, ref: TEXT, title: TEXT, awareAt: ISO },
    },
    fields: { type: 'array', items: { $ref: '#/$defs/field' } },
    missingFields: { type: 'array', items: TEXT, description: 'Ids of required fields without a value (periodic logs: `<incident ref>.<field>`).' },
    unconfirmed: { type: 'array', items: TEXT, description: 'Parts resting on facts the reference marks UNCONFIRMED.' },
    secondary: { type: 'array', items: TEXT, description: 'Parts resting on secondary summaries only.' },
    figures: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['subjectsTotal', 'subjectsByJurisdiction', 'unknownJurisdiction', 'campaigns'],
      properties: {
        subjectsTotal: COUNT,
        subjectsByJurisdiction: COUNTS,
        unknownJurisdiction: COUNT,
        campaigns: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'name', 'status', 'jurisdictions', 'total', 'notifiedByChannel', 'unreachable', 'unreachableReasons', 'firstSentAt', 'lastSentAt'],
            properties: {
              id: { type: 'string', format: 'uuid' },
              name: TEXT,
              status: TEXT,
              jurisdictions: { type: ['array', 'null'], items: TEXT },
              total: COUNT,
              notifiedByChannel: COUNTS,
              unreachable: COUNT,
              unreachableReasons: { type: 'object', additionalProperties: COUNTS },
              firstSentAt: NULLABLE_ISO,
              lastSentAt: NULLABLE_ISO,
            },
          },
        },
      },
    },
    entries: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['incident', 'fields', 'missingFields'],
        properties: {
          incident: { type: 'object', additionalProperties: false, required: ['id', 'ref', 'title'], properties: { id: { type: 'string', format: 'uuid' }, ref: TEXT, title: TEXT } },
          fields: { type: 'array', items: { $ref: '#/$defs/field' } },
          missingFields: { type: 'array', items: TEXT },
        },
      },
    },
    changesSinceLast: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['since', 'changes'],
      properties: {
        since: {
          type: 'object',
          additionalProperties: false,
          required: ['reportId', 'version', 'phase', 'releasedAt'],
          properties: { reportId: { type: 'string', format: 'uuid' }, version: { type: 'integer', minimum: 1 }, phase: TEXT, releasedAt: NULLABLE_ISO },
        },
        changes: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['field', 'label', 'before', 'after'], properties: { field: TEXT, label: TEXT, before: NULLABLE_TEXT, after: NULLABLE_TEXT } },
        },
      },
    },
  },
  $defs: {
    field: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'label', 'value', 'status', 'source', 'unconfirmed', 'note'],
      properties: {
        id: { type: 'string', pattern: '^[a-z0-9_]+$' },
        label: TEXT,
        value: { type: ['string', 'null'], description: 'null exactly when status is missing.' },
        status: { enum: ['present', 'missing'] },
        source: { enum: [...FIELD_SOURCES, null] },
        unconfirmed: NULLABLE_TEXT,
        note: NULLABLE_TEXT,
      },
    },
  },
} as const;
