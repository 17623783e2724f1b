/**
 * Contract of the `site` cloud function (微官网): hospital introduction, announcements and the
 * visitor guide, served from the cloud database (collection `site_content`, seeded in the
 * devstack, maintained by the hospital's publicity office in production). Department and doctor
 * introductions come from the `booking` function's `departments` / `doctors` actions (the HIS is
 * their source).
 */

export interface HospitalIntro {
  name: string;
  /** 三级甲等 */
  level: string;
  /** Paragraphs. */
  intro: string[];
  address: string;
  phone: string;
  /** e.g. 门诊时间：周一至周日 08:00-11:30, 13:30-17:00 */
  hours: string[];
  /** Key figures shown as a grid, e.g. { label: '开放床位', value: '2000张' }. */
  figures: { label: string; value: string }[];
}

export interface AnnouncementSummary {
  id: string;
  title: string;
  summary: string;
  /** ISO instant */
  publishedAt: string;
  pinned: boolean;
}

export interface Announcement extends AnnouncementSummary {
  /** Paragraphs. */
  body: string[];
}

export interface VisitorGuide {
  address: string;
  /** e.g. 公交：1路、6路至“人民医院”站 */
  transport: { mode: string; text: string }[];
  parking: string;
  floors: { building: string; floor: string; places: string }[];
}

export interface SiteHospitalRequest {
  action: 'hospital';
}
export type SiteHospitalResponse = HospitalIntro;

export interface SiteAnnouncementsRequest {
  action: 'announcements';
  /** Page size (default 20, at most 50) and offset. */
  limit?: number;
  offset?: number;
}
export interface SiteAnnouncementsResponse {
  items: AnnouncementSummary[];
  total: number;
}

export interface SiteAnnouncementRequest {
  action: 'announcement';
  id: string;
}
export type SiteAnnouncementResponse = Announcement;

export interface SiteGuideRequest {
  action: 'guide';
}
export type SiteGuideResponse = VisitorGuide;

export interface SiteActions {
  hospital: [SiteHospitalRequest, SiteHospitalResponse];
  announcements: [SiteAnnouncementsRequest, SiteAnnouncementsResponse];
  announcement: [SiteAnnouncementRequest, SiteAnnouncementResponse];
  guide: [SiteGuideRequest, SiteGuideResponse];
}
