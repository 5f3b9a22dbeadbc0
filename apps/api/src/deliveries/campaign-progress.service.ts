import { Inject, Injectable } from '@nestjs/common';
import { CampaignService } from '../campaigns/campaign.service.js';
import { Problem } from '../common/problem.js';
import { DeliveryReadRepository } from './delivery-read.repository.js';

const OPEN_STATES = new Set(['queued', 'sending']);

/** Live figures of a campaign: counts per channel and state, rate over the last minute, time left. */
@Injectable()
export class CampaignProgressService {
  constructor(
    @Inject(DeliveryReadRepository) private readonly deliveries: DeliveryReadRepository,
    @Inject(CampaignService) private readonly campaigns: CampaignService,
  ) {}

  async progress(incidentKey: string, campaignId: string) {
    await this.campaigns.get(incidentKey, campaignId);
    const state = await this.deliveries.campaignState(campaignId);
    if (!state) throw Problem.notFound('Campaign', campaignId);
    const rows = await this.deliveries.progress(campaignId);
    const byChannel: Record<string, Record<string, number>> = {};
    const byState: Record<string, number> = {};
    let total = 0;
    let open = 0;
    let recent = 0;
    let first: Date | null = null;
    let last: Date | null = null;
    for (const r of rows) {
      const channel = r.channel ?? 'none';
      const counts = (byChannel[channel] ??= {});
      counts[r.state] = (counts[r.state] ?? 0) + r.n;
      byState[r.state] = (byState[r.state] ?? 0) + r.n;
      total += r.n;
      if (OPEN_STATES.has(r.state)) open += r.n;
      recent += r.recent;
      if (r.first && (!first || r.first < first)) first = r.first;
      if (r.last && (!last || r.last > last)) last = r.last;
    }
    const ratePerSecond = recent / 60;
    return {
      status: state.status,
      audienceExpanded: state.expanded_at !== null,
      total,
      remaining: open,
      byState,
      byChannel,
      ratePerSecond: Math.round(ratePerSecond * 10) / 10,
      // Only meaningful once the whole audience is expanded and something is moving.
      etaSeconds: state.expanded_at && ratePerSecond > 0 ? Math.ceil(open / ratePerSecond) : null,
      startedAt: state.started_at,
      firstSentAt: first,
      lastSentAt: last,
      finishedAt: state.finished_at,
      summary: state.summary,
    };
  }
}
