/**
 * Stored `site_content` documents → the contract's views (typings/site.ts). Pure.
 *
 * The documents are edited by people (CloudBase console, later a CMS), so their shape is checked
 * on the way out: only the contract's fields are returned (never `_id`/`kind`/`published`/
 * `updatedAt`/`_openid` …), and a malformed document is reported, not served half-filled.
 */
import { z } from 'zod';
import type { Announcement, AnnouncementSummary, HospitalIntro, VisitorGuide } from '../../../typings/site';

const text = z.string().trim().min(1);
const paragraphs = z.array(text).min(1);

/** ISO instant from an ISO string (or a Date, should someone store one); always `toISOString()` form. */
const instant = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'not an instant' });
    return z.NEVER;
  }
  return d.toISOString();
});

const hospitalDoc = z.object({
  name: text,
  level: text,
  intro: paragraphs,
  address: text,
  phone: text,
  hours: z.array(text),
  figures: z.array(z.object({ label: text, value: text })),
});

const guideDoc = z.object({
  address: text,
  transport: z.array(z.object({ mode: text, text })),
  parking: text,
  floors: z.array(z.object({ building: text, floor: text, places: text })),
});

const announcementSummaryDoc = z.object({
  _id: text,
  title: text,
  summary: z.string().trim(),
  publishedAt: instant,
  pinned: z.boolean().optional().default(false),
});

const announcementDoc = announcementSummaryDoc.extend({ body: paragraphs });

export type Mapped<T> = { ok: true; value: T } | { ok: false; problem: string };

function mapWith<S extends z.ZodType, T>(schema: S, doc: unknown, build: (v: z.infer<S>) => T): Mapped<T> {
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') || '(document)' : '(document)';
    return { ok: false, problem: `malformed field ${where}` };
  }
  return { ok: true, value: build(parsed.data) };
}

export function toHospitalIntro(doc: unknown): Mapped<HospitalIntro> {
  return mapWith(hospitalDoc, doc, (d) => ({
    name: d.name,
    level: d.level,
    intro: d.intro,
    address: d.address,
    phone: d.phone,
    hours: d.hours,
    figures: d.figures.map((f) => ({ label: f.label, value: f.value })),
  }));
}

export function toVisitorGuide(doc: unknown): Mapped<VisitorGuide> {
  return mapWith(guideDoc, doc, (d) => ({
    address: d.address,
    transport: d.transport.map((t) => ({ mode: t.mode, text: t.text })),
    parking: d.parking,
    floors: d.floors.map((f) => ({ building: f.building, floor: f.floor, places: f.places })),
  }));
}

export function toAnnouncementSummary(doc: unknown): Mapped<AnnouncementSummary> {
  return mapWith(announcementSummaryDoc, doc, (d) => ({
    id: d._id,
    title: d.title,
    summary: d.summary,
    publishedAt: d.publishedAt,
    pinned: d.pinned,
  }));
}

export function toAnnouncement(doc: unknown): Mapped<Announcement> {
  return mapWith(announcementDoc, doc, (d) => ({
    id: d._id,
    title: d.title,
    summary: d.summary,
    publishedAt: d.publishedAt,
    pinned: d.pinned,
    body: d.body,
  }));
}
