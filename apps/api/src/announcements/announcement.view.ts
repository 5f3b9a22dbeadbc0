import type { AnnouncementRow, AnnouncementUpdateRow } from './announcement.repository.js';

export function announcementView(r: AnnouncementRow, publicBaseUrl: string) {
  return {
    id: r.id,
    incidentId: r.incident_id,
    incidentRef: r.incident_ref,
    campaignId: r.campaign_id,
    slug: r.slug,
    /** Where the public reads it (once published). */
    publicUrl: `${publicBaseUrl}/announcements/${r.slug}`,
    status: r.status,
    title: r.title,
    defaultLanguage: r.default_language,
    languages: Object.keys(r.content).sort(),
    content: r.content,
    /** Why it was made: the substitute-notice decision in plain words, or the staff's reason. */
    reason: r.reason,
    ground: r.ground,
    durationDays: r.duration_days,
    publishedAt: r.published_at,
    visibleUntil: r.visible_until,
    /** null: made by the system (the campaign's substitute-notice policy). */
    createdBy: r.created_by,
    /** null while a draft, or when the policy published it (auto_publish). */
    publishedBy: r.published_by,
    withdrawal: r.withdrawn_at
      ? { withdrawnAt: r.withdrawn_at, withdrawnBy: r.withdrawn_by, reason: r.withdrawal_reason, forced: r.withdrawal_forced }
      : null,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
export type AnnouncementView = ReturnType<typeof announcementView>;

export function announcementUpdateView(u: AnnouncementUpdateRow) {
  return { id: u.id, at: u.at, body: u.body, createdBy: u.created_by };
}
