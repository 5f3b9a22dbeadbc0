import type { Provider } from '@nestjs/common';
import { AnnouncementMonitor } from './announcement-monitor.js';
import { SubstituteNoticeRepository } from './substitute-notice.repository.js';

/** Substitute notice in the notifier: the monitor that creates a campaign's public announcement. */
export const announcementProviders: Provider[] = [SubstituteNoticeRepository, AnnouncementMonitor];
