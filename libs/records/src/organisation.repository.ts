import { Inject, Injectable } from '@nestjs/common';
import { Database, type Sql } from '#database';
import type { CnOperatorType, OrganisationFacts } from '#domain';

export interface OrganisationRow {
  name: string;
  time_zone: string;
  holidays: string[];
  sector: string | null;
  role: 'controller' | 'processor';
  cn_operator_type: CnOperatorType | null;
  listed_company: boolean;
  telecom_provider: boolean;
  hipaa_covered_entity: boolean;
  hipaa_business_associate: boolean;
  nis2_entity: 'essential' | 'important' | null;
  dora_financial_entity: boolean;
  dora_weekend_relief: boolean;
  contact_point: string | null;
  reporter_name: string | null;
  reporter_email: string | null;
  reporter_phone: string | null;
  /** 0 while the profile was never saved. */
  version: number;
  updated_by: string | null;
  created_at: Date | null;
  updated_at: Date | null;
}

export type OrganisationFields = Omit<OrganisationRow, 'version' | 'updated_by' | 'created_at' | 'updated_at'>;
export const ORGANISATION_FIELDS = [
  'name', 'time_zone', 'holidays', 'sector', 'role', 'cn_operator_type', 'listed_company', 'telecom_provider', 'hipaa_covered_entity',
  'hipaa_business_associate', 'nis2_entity', 'dora_financial_entity', 'dora_weekend_relief', 'contact_point', 'reporter_name',
  'reporter_email', 'reporter_phone',
] as const satisfies readonly (keyof OrganisationFields)[];

/** Until an admin saves a profile: UTC, no holidays, a controller of no special kind. */
export const DEFAULT_ORGANISATION: OrganisationRow = {
  name: '', time_zone: 'UTC', holidays: [], sector: null, role: 'controller', cn_operator_type: null, listed_company: false,
  telecom_provider: false, hipaa_covered_entity: false, hipaa_business_associate: false, nis2_entity: null, dora_financial_entity: false,
  dora_weekend_relief: false, contact_point: null, reporter_name: null, reporter_email: null, reporter_phone: null, version: 0,
  updated_by: null, created_at: null, updated_at: null,
};

export function organisationFacts(o: OrganisationRow): OrganisationFacts {
  return {
    timeZone: o.time_zone,
    holidays: o.holidays,
    sector: o.sector,
    role: o.role,
    cnOperatorType: o.cn_operator_type,
    listedCompany: o.listed_company,
    telecomProvider: o.telecom_provider,
    hipaaCoveredEntity: o.hipaa_covered_entity,
    hipaaBusinessAssociate: o.hipaa_business_associate,
    nis2Entity: o.nis2_entity,
    doraFinancialEntity: o.dora_financial_entity,
    doraWeekendRelief: o.dora_weekend_relief,
  };
}

/** The organisation's one profile row. */
@Injectable()
export class OrganisationRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async get(sql: Sql = this.db, forUpdate = false): Promise<OrganisationRow> {
    return (await sql.one<OrganisationRow>(`SELECT * FROM organisation_profile WHERE id${forUpdate ? ' FOR UPDATE' : ''}`)) ?? DEFAULT_ORGANISATION;
  }

  /** Inserts the profile at version 1 or replaces it if still at `version`; undefined when another write came first. */
  save(tx: Sql, version: number, f: OrganisationFields, by: string): Promise<OrganisationRow | undefined> {
    const values = ORGANISATION_FIELDS.map((k) => f[k]);
    const cols = ORGANISATION_FIELDS.join(', ');
    if (version === 0) {
      return tx.one<OrganisationRow>(
        `INSERT INTO organisation_profile (id, ${cols}, updated_by) VALUES (true, ${ORGANISATION_FIELDS.map((_, i) => `$${i + 2}`).join(', ')}, $1)
         ON CONFLICT (id) DO NOTHING RETURNING *`,
        [by, ...values],
      );
    }
    return tx.one<OrganisationRow>(
      `UPDATE organisation_profile SET ${ORGANISATION_FIELDS.map((k, i) => `${k} = $${i + 3}`).join(', ')},
         updated_by = $2, version = version + 1, updated_at = now()
       WHERE id AND version = $1 RETURNING *`,
      [version, by, ...values],
    );
  }
}
