import type { IncidentStatus } from '#domain';

/** An incident as stored; the api's repository writes it, both processes read it. */
export interface IncidentRow {
  id: string;
  ref: string;
  title: string;
  description: string;
  status: IncidentStatus;
  severity_band: string | null;
  risk_level: string | null;
  detected_at: Date | null;
  aware_at: Date;
  occurred_from: Date | null;
  occurred_to: Date | null;
  contained_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}
