import type { OrganisationRow } from '#records';

export function organisationView(o: OrganisationRow) {
  return {
    configured: o.version > 0,
    version: o.version,
    name: o.name,
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
    contactPoint: o.contact_point,
    reporterName: o.reporter_name,
    reporterEmail: o.reporter_email,
    reporterPhone: o.reporter_phone,
    updatedBy: o.updated_by,
    updatedAt: o.updated_at,
  };
}
export type OrganisationView = ReturnType<typeof organisationView>;
