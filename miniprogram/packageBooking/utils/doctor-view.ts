/** View models of the department and doctor pages (科室列表, 医生列表, 医生主页). */
import type { DepartmentView, DoctorView } from '../../../typings/booking';

export interface DepartmentItem {
  code: string;
  name: string;
  location: string;
  intro: string;
  doctorCount: number;
}

export function toDepartmentItem(d: DepartmentView): DepartmentItem {
  return { code: d.code, name: d.name, location: d.location, intro: d.intro, doctorCount: d.doctorCount };
}

/** Local search over name, intro and location (case-insensitive, trimmed). */
export function filterDepartments<T extends DepartmentItem>(items: readonly T[], q: string): T[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return items.slice();
  return items.filter((d) => `${d.name}\n${d.intro}\n${d.location}`.toLowerCase().includes(needle));
}

export interface DoctorItem {
  doctorId: string;
  name: string;
  title: string;
  specialty: string;
  intro: string;
  deptCode: string;
  deptName: string;
  isExpert: boolean;
  gender: string;
}

export function toDoctorItem(d: DoctorView): DoctorItem {
  return {
    doctorId: d.doctorId,
    name: d.name,
    title: d.title,
    specialty: d.specialty,
    intro: d.intro,
    deptCode: d.deptCode,
    deptName: d.deptName,
    isExpert: d.level === 'expert',
    gender: d.gender === 'M' ? '男' : '女',
  };
}
