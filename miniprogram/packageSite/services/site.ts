/** 微官网: typed calls to the `site` cloud function. */
import type { Announcement, HospitalIntro, SiteAnnouncementsResponse, VisitorGuide } from '../../../typings/site';
import { callCloud } from '../../services/cloud';

export function getHospital(): Promise<HospitalIntro> {
  return callCloud('site', 'hospital', {});
}

export function listAnnouncements(offset = 0, limit = 20): Promise<SiteAnnouncementsResponse> {
  return callCloud('site', 'announcements', { offset, limit });
}

export function getAnnouncement(id: string): Promise<Announcement> {
  return callCloud('site', 'announcement', { id });
}

export function getGuide(): Promise<VisitorGuide> {
  return callCloud('site', 'guide', {});
}
