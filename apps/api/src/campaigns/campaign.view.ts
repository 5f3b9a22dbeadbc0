import type { CampaignRow } from './campaign.repository.js';

export function campaignView(r: CampaignRow) {
  return {
    id: r.id,
    incidentId: r.incident_id,
    name: r.name,
    status: r.status,
    audience: r.audience,
    channelChain: r.channel_chain,
    defaultLanguage: r.default_language,
    languages: Object.keys(r.content).sort(),
    content: r.content,
    includeRemediation: r.include_remediation,
    remediation: r.remediation,
    substitutePolicy: r.substitute_policy,
    /** What an approver approves: send it back with the approval. */
    contentHash: r.content_hash,
    authorId: r.author_id,
    approval: r.approved_by ? { approvedBy: r.approved_by, approvedAt: r.approved_at, approvedHash: r.approved_hash } : null,
    cancelledAt: r.cancelled_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    summary: r.summary ?? null,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
export type CampaignView = ReturnType<typeof campaignView>;
