import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database } from '#database';
import { type Actor, assessSeverity, type SeverityInput, type SeverityResult } from '#domain';
import { Problem } from '../common/problem.js';
import { IncidentRepository } from '../incidents/incident.repository.js';
import { IncidentService } from '../incidents/incident.service.js';
import type { AssessmentInputDto } from './assessment.dto.js';
import { AssessmentRepository } from './assessment.repository.js';
import { assessmentView, type AssessmentView } from './assessment.view.js';

/** What the stored `input` holds: the validated body, in a fixed shape (optional fields only when given). */
function storedInput(dto: AssessmentInputDto): AssessmentInputDto {
  return {
    dataCategories: dto.dataCategories,
    ...(dto.credentialsGiveAccessTo !== undefined ? { credentialsGiveAccessTo: dto.credentialsGiveAccessTo } : {}),
    approxSubjects: dto.approxSubjects,
    approxRecords: dto.approxRecords,
    jurisdictions: dto.jurisdictions,
    confidentiality: dto.confidentiality,
    integrity: dto.integrity,
    availability: dto.availability,
    maliciousIntent: dto.maliciousIntent,
    easeOfIdentification: dto.easeOfIdentification,
    dataUnintelligible: dto.dataUnintelligible,
    backupsAvailable: dto.backupsAvailable,
    vulnerableSubjects: dto.vulnerableSubjects,
    ...(dto.contextAdjustments !== undefined ? { contextAdjustments: dto.contextAdjustments } : {}),
    likelyConsequences: dto.likelyConsequences,
    ...(dto.notes !== undefined ? { notes: dto.notes } : {}),
  };
}

function severityInput(dto: AssessmentInputDto): SeverityInput {
  return {
    dataCategories: dto.dataCategories,
    credentialsGiveAccessTo: dto.credentialsGiveAccessTo,
    easeOfIdentification: dto.easeOfIdentification,
    confidentiality: dto.confidentiality,
    integrity: dto.integrity,
    availability: dto.availability,
    maliciousIntent: dto.maliciousIntent,
    dataUnintelligible: dto.dataUnintelligible,
    backupsAvailable: dto.backupsAvailable,
    vulnerableSubjects: dto.vulnerableSubjects,
    contextAdjustments: dto.contextAdjustments,
    approxSubjects: dto.approxSubjects,
  };
}

/** Versioned impact assessments: each POST adds a version, scores it (ENISA 2013) and sets the incident's severity. */
@Injectable()
export class AssessmentService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(IncidentService) private readonly incidentService: IncidentService,
    @Inject(IncidentRepository) private readonly incidents: IncidentRepository,
    @Inject(AssessmentRepository) private readonly assessments: AssessmentRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  /** Scores without storing anything: a DPO trying inputs. */
  preview(dto: AssessmentInputDto): SeverityResult {
    return assessSeverity(severityInput(dto));
  }

  async create(actor: Actor, key: string, dto: AssessmentInputDto): Promise<AssessmentView> {
    const result = assessSeverity(severityInput(dto));
    return this.db.transaction(async (tx) => {
      // The lock serialises concurrent assessments of one incident: versions are gapless and never collide.
      const incident = await this.incidentService.require(tx, key, true);
      const version = await this.assessments.nextVersion(tx, incident.id);
      const row = (await this.assessments.insert(tx, { incidentId: incident.id, version, input: storedInput(dto), result, createdBy: actor.id }))!;
      await this.incidents.setSeverity(tx, incident.id, result.band, result.riskLevel);
      const view = assessmentView(row);
      await this.audit.record(tx, actor, {
        action: 'assessment.created',
        entityType: 'assessment',
        entityId: row.id,
        incidentId: incident.id,
        before: { incidentSeverity: { band: incident.severity_band, riskLevel: incident.risk_level } },
        after: { ...view, incidentSeverity: { band: result.band, riskLevel: result.riskLevel } },
      });
      return view;
    });
  }

  async list(key: string): Promise<{ items: AssessmentView[] }> {
    const incident = await this.incidentService.require(this.db, key);
    return { items: (await this.assessments.list(incident.id)).map(assessmentView) };
  }

  async latest(key: string): Promise<AssessmentView> {
    const incident = await this.incidentService.require(this.db, key);
    const row = await this.assessments.latest(incident.id);
    if (!row) throw new Problem(404, 'not-found', 'Assessment not found', `Incident ${incident.ref} has no assessment yet`);
    return assessmentView(row);
  }

  async get(key: string, version: number): Promise<AssessmentView> {
    const incident = await this.incidentService.require(this.db, key);
    const row = await this.assessments.byVersion(incident.id, version);
    if (!row) throw new Problem(404, 'not-found', 'Assessment not found', `Incident ${incident.ref} has no assessment version ${version}`);
    return assessmentView(row);
  }
}
